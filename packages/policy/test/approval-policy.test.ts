import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPolicyIds, parsePolicy } from '../src/index.js';
import { SYSTEM, TOKEN, solanaEngine, solanaTx, transfer } from './helpers.js';

test('approval: parsed with defaults, and its ids are checked like the rest of the policy', () => {
  const p = parsePolicy({ approval: { above: { native: '100' }, approvers: ['alice', 'bob'] } }, 'keys.hot.policy');
  assert.deepEqual(p.approval, {
    above: { native: '100' },
    programs: [],
    message_types: [],
    contracts: [],
    ttl_secs: 900,
    approvers: ['alice', 'bob'],
    quorum: 1,
  });
  const refs = checkPolicyIds(parsePolicy({ approval: { above: { 'spl:bad': '1' }, programs: ['P'] } }, 'keys.hot.policy'), 'keys.hot.policy', (kind, value) =>
    value === 'spl:bad' || value === 'P' ? `bad ${kind}` : undefined,
  );
  assert.deepEqual(
    refs.map((r) => r.path),
    ['keys.hot.policy.approval.above.spl:bad', 'keys.hot.policy.approval.programs[0]'],
  );
});

test('approval: a bad field is refused with its dotted path', () => {
  const bad = (approval: unknown, path: string) =>
    assert.throws(
      () => parsePolicy({ approval }, 'keys.hot.policy'),
      (e: { code?: string; context?: { path?: string } }) => e.code === 'config_invalid' && e.context?.path === path,
    );
  bad({ above: { native: 100 } }, 'keys.hot.policy.approval.above.native');
  bad({ above: { 'no t': '1' } }, 'keys.hot.policy.approval.above.no t');
  bad({ ttl_secs: 0 }, 'keys.hot.policy.approval.ttl_secs');
  bad({ quorum: 3, approvers: ['a', 'b'] }, 'keys.hot.policy.approval.quorum');
  bad({ approvers: ['has space'] }, 'keys.hot.policy.approval.approvers[0]');
  bad({ surprise: 1 }, 'keys.hot.policy.approval.surprise');
  bad('yes', 'keys.hot.policy.approval');
  bad({ webhook_url: 'ftp://x', webhook_secret_file: 's' }, 'keys.hot.policy.approval.webhook_url');
  bad({ webhook_url: 'https://pager.example/hook' }, 'keys.hot.policy.approval.webhook_secret_file');
  bad({ webhook_secret_file: 's' }, 'keys.hot.policy.approval.webhook_url');
  bad({ webhook_include_request: true }, 'keys.hot.policy.approval.webhook_include_request');
});

test("approval: a key's own webhook (URL and secret file together; the request only when asked)", () => {
  const p = parsePolicy({ approval: { above: { native: '1' }, webhook_url: 'https://pager.example/hook', webhook_secret_file: 'hot.secret' } }, 'k');
  assert.equal(p.approval?.webhook_url, 'https://pager.example/hook');
  assert.equal(p.approval?.webhook_secret_file, 'hot.secret');
  assert.equal(p.approval?.webhook_include_request, false);
});

test('approval: reasons for an amount above the threshold and a listed program; nothing below it', () => {
  const { engine } = solanaEngine({
    allowed_programs: [{ id: SYSTEM }, { id: TOKEN }],
    per_tx_caps: { native: '1000', 'spl:MintA': '1000' },
    approval: { above: { native: '100' }, programs: [TOKEN] },
  });
  assert.deepEqual(engine.approvalReasons('hot', solanaTx([transfer(100n)])), []);
  const reasons = engine.approvalReasons('hot', solanaTx([transfer(101n)]));
  assert.equal(reasons.length, 1);
  assert.equal(reasons[0]!.condition, 'above');
  assert.equal(reasons[0]!.attempted, '101');
  const viaToken = engine.approvalReasons('hot', solanaTx([transfer(5n, 'Alice', 'spl:MintA', TOKEN)]));
  assert.deepEqual(
    viaToken.map((r) => r.condition),
    ['program'],
  );
});

test('approval: reserveFor holds the budget until released', () => {
  const { engine } = solanaEngine({ allowed_programs: [{ id: SYSTEM }], per_tx_caps: { native: '1000' }, window_caps: { native: '1000' } });
  const r = engine.reserveFor('hot', Date.now(), new Map([['native', 900n]]));
  assert.equal(engine.explain('hot', solanaTx([transfer(200n)])).code, 'window_cap_exceeded');
  r.release();
  assert.equal(engine.explain('hot', solanaTx([transfer(200n)])).allowed, true);
});
