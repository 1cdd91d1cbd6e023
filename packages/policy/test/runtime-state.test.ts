import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenKmsError } from '@openkms/core';
import { RuntimeState, createRuntimeStateFile, writeFileAtomicSync } from '../src/index.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-policy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a missing state file means everything enabled and no overlays; nothing is written until a change', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'state.json');
  const rs = createRuntimeStateFile(file);
  assert.equal(rs.isGlobalEnabled(), true);
  assert.equal(rs.isKeyEnabled('hot'), true);
  assert.equal(rs.getOverlay('hot'), undefined);
  assert.deepEqual(readdirSync(dir), []);
});

test('kill switches and overlays persist across restarts (file mode 0600, no temp files left)', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'state.json');
  const rs = RuntimeState.open(file);
  const r0 = rs.revision;
  rs.setGlobalEnabled(false);
  rs.setKeyEnabled('hot', false);
  rs.setKeyEnabled('cold', false);
  rs.setKeyEnabled('cold', true);
  rs.setOverlay('hot', { per_tx_caps: { native: '5' }, max_signs_per_minute: 3 });
  assert.ok(rs.revision > r0);
  if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['state.json']);
  const again = RuntimeState.open(file);
  assert.equal(again.isGlobalEnabled(), false);
  assert.equal(again.isKeyEnabled('hot'), false);
  assert.equal(again.isKeyEnabled('cold'), true);
  assert.deepEqual(again.getOverlay('hot'), { per_tx_caps: { native: '5' }, max_signs_per_minute: 3 });
  assert.deepEqual(again.snapshot(), rs.snapshot());
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {
    version: 1,
    global_enabled: false,
    keys: { hot: { enabled: false, overlay: { per_tx_caps: { native: '5' }, max_signs_per_minute: 3 } } },
  });
});

test('overlay PATCH semantics: merge, null clears a field or one asset, clearOverlay removes it', () => {
  const rs = RuntimeState.inMemory();
  rs.setOverlay('hot', { per_tx_caps: { native: '5', 'spl:A': '7' }, enabled: false });
  rs.setOverlay('hot', { per_tx_caps: { 'spl:A': null, 'spl:B': '9' }, max_signs_per_hour: 10 });
  assert.deepEqual(rs.getOverlay('hot'), { per_tx_caps: { native: '5', 'spl:B': '9' }, enabled: false, max_signs_per_hour: 10 });
  rs.setOverlay('hot', { enabled: null, allowed_programs: [{ id: 'P1' }] });
  assert.deepEqual(rs.getOverlay('hot'), { per_tx_caps: { native: '5', 'spl:B': '9' }, max_signs_per_hour: 10, allowed_programs: [{ id: 'P1' }] });
  rs.setOverlay('hot', { per_tx_caps: null, max_signs_per_hour: null, allowed_programs: null });
  assert.equal(rs.getOverlay('hot'), undefined, 'an empty overlay is removed');
  rs.setOverlay('hot', { fee_caps: { native: '1' } });
  assert.equal(rs.clearOverlay('hot'), true);
  assert.equal(rs.clearOverlay('hot'), false);
  assert.equal(rs.getOverlay('hot'), undefined);
});

test('an invalid overlay is rejected with invalid_request and the dotted path, and changes nothing', () => {
  const rs = RuntimeState.inMemory();
  rs.setOverlay('hot', { per_tx_caps: { native: '5' } });
  const rev = rs.revision;
  for (const [patch, path] of [
    [{ per_tx_caps: { native: '12abc' } }, 'per_tx_caps.native'],
    [{ allowed_messages: [{ type_url: '/a', per_tx_cap: { uatom: -1 } }] }, 'allowed_messages[0].per_tx_cap.uatom'],
    [{ max_signs_per_minute: 'ten' }, 'max_signs_per_minute'],
    [{ typo_field: true }, 'typo_field'],
    [{ per_tx_cap_lamports: '1', per_tx_caps: { native: '2' } }, 'per_tx_cap_lamports'],
  ] as const) {
    assert.throws(
      () => rs.setOverlay('hot', patch),
      (err: unknown) => {
        assert.ok(err instanceof OpenKmsError);
        assert.equal(err.code, 'invalid_request');
        assert.equal(err.context.path, path);
        return true;
      },
    );
  }
  assert.throws(() => rs.setOverlay('hot', 'nope'), { code: 'invalid_request' });
  assert.equal(rs.revision, rev);
  assert.deepEqual(rs.getOverlay('hot'), { per_tx_caps: { native: '5' } });
});

test('atomic write: a failed replace leaves the old file intact and no temp file behind', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'state.json');
  writeFileAtomicSync(file, 'old');
  assert.equal(readFileSync(file, 'utf8'), 'old');
  // the target is a non-empty directory: rename fails after the temp file was written and fsynced
  const blocked = join(dir, 'blocked');
  mkdirSync(blocked);
  writeFileSync(join(blocked, 'x'), 'x');
  assert.throws(() => writeFileAtomicSync(blocked, 'new'));
  assert.deepEqual(readdirSync(dir).sort(), ['blocked', 'state.json']);
  writeFileAtomicSync(file, 'new');
  assert.equal(readFileSync(file, 'utf8'), 'new');
});

test('a disable is applied even when the file cannot be written; other changes are not', (t) => {
  const dir = tempDir(t);
  const sub = join(dir, 'gone');
  mkdirSync(sub);
  const rs = RuntimeState.open(join(sub, 'state.json'));
  rmSync(sub, { recursive: true });
  assert.throws(() => rs.setKeyEnabled('hot', false), { code: 'state_write_failed' });
  assert.equal(rs.isKeyEnabled('hot'), false, 'fail closed: the kill switch still holds in memory');
  assert.throws(() => rs.setOverlay('hot', { per_tx_caps: { native: '1' } }), { code: 'state_write_failed' });
  assert.equal(rs.getOverlay('hot'), undefined);
  assert.throws(() => rs.setGlobalEnabled(false), { code: 'state_write_failed' });
  assert.equal(rs.isGlobalEnabled(), false);
});

test('a leftover temp file from a crash is ignored; malformed or insecure files are refused', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'state.json');
  RuntimeState.open(file).setKeyEnabled('hot', false);
  writeFileSync(join(dir, '.state.json.123.abc.tmp'), '{"version":1,"global_enabled":fal');
  assert.equal(RuntimeState.open(file).isKeyEnabled('hot'), false);
  writeFileSync(file, '{"version":1,"global_enabled":true,"keys":{"hot":{"overlay":{"per_tx_caps":{"native":"x"}}}}}', { mode: 0o600 });
  assert.throws(
    () => RuntimeState.open(file),
    (err: unknown) => {
      assert.ok(err instanceof OpenKmsError);
      assert.equal(err.code, 'config_invalid');
      assert.equal(err.context.path, 'runtime_state.keys.hot.overlay.per_tx_caps.native');
      return true;
    },
  );
  writeFileSync(file, 'not json');
  assert.throws(() => RuntimeState.open(file), { code: 'config_invalid' });
  writeFileSync(file, '{"version":2,"global_enabled":true,"keys":{}}');
  assert.throws(() => RuntimeState.open(file), { code: 'config_invalid' });
  if (process.platform !== 'win32') {
    writeFileSync(file, '{"version":1,"global_enabled":true,"keys":{}}');
    chmodSync(file, 0o666);
    assert.throws(() => RuntimeState.open(file), { code: 'insecure_file' });
  }
});
