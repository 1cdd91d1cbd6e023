import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarise, type SuiteEvent } from './suite-reporter.js';

const facts = { startedAt: new Date('2026-12-01T04:00:00Z'), endedAt: new Date('2026-12-01T04:15:30Z'), loadAtStart: [0.4, 0.5, 0.6], loadAtEnd: [1, 1, 1] };
const events: SuiteEvent[] = [
  { type: 'test:stdout', data: { file: '/x/test/fuzz.test.ts', message: 'fuzz seed 7\nfuzz: {"ok":1}\n' } },
  { type: 'test:pass', data: { name: 'fuzz', file: '/x/test/fuzz.test.ts', nesting: 0, details: { duration_ms: 183000 } } },
  { type: 'test:pass', data: { name: 'inner', file: '/x/test/fuzz.test.ts', nesting: 1, details: { duration_ms: 1 } } },
  {
    type: 'test:pass',
    data: { name: 'fleet', file: '/x/test/fleet-partition.test.ts', nesting: 0, skip: 'redis-server is absent', details: { duration_ms: 0 } },
  },
  {
    type: 'test:fail',
    data: {
      name: 'crash | kills',
      file: '/x/test/crash-restart.test.ts',
      nesting: 0,
      details: { duration_ms: 9000, error: { message: 'counter below received\nstack' } },
    },
  },
];

test('the summary names the machine, the profile, every top-level test with its result, and what each file printed', () => {
  const md = summarise(events, facts, { RELIABILITY_FUZZ_N: '20000', PATH: '/bin' });
  assert.match(md, /Machine: \*\*.+\*\*, \d+ cores/);
  assert.match(md, /Load average \(1\/5\/15 min\) 0\.40 \/ 0\.50 \/ 0\.60 at the start/);
  assert.match(md, /\*\*not the full one\*\*; set: `RELIABILITY_FUZZ_N=20000`/);
  assert.match(md, /\*\*1 passed, 1 failed, 1 skipped\*\* in 15\.5 min/);
  assert.match(md, /\| fuzz\.test\.ts \| fuzz \| pass \| 183\.0 s \|/);
  assert.match(md, /\| crash-restart\.test\.ts \| crash \\\| kills \| \*\*fail\*\* \| 9\.0 s \| counter below received \|/);
  assert.match(md, /\| fleet-partition\.test\.ts \| fleet \| skip \| 0\.0 s \| redis-server is absent \|/);
  assert.doesNotMatch(md, /inner/, 'subtests are not rows');
  assert.match(md, /### fuzz\.test\.ts\n\n```\nfuzz seed 7\nfuzz: \{"ok":1\}\n```/);
  assert.doesNotMatch(md, /PATH/, 'only the RELIABILITY_ knobs are listed');
});

test('the defaults, or the default values set explicitly, are the full profile; a fixed seed is not', () => {
  assert.match(summarise([], facts, {}), /Profile: \*\*full\*\*/);
  assert.match(summarise([], facts, { RELIABILITY_FLEET_KILLS: '20' }), /Profile: \*\*full\*\*/);
  assert.match(summarise([], facts, { RELIABILITY_SEED: '5' }), /\*\*not the full one\*\*/);
});
