import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from '../src/auth/token-store.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { auditLines, cli, waitFor } from './support/trust-helpers.js';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

describe('a running signer fails closed when its token file cannot be loaded', () => {
  let s: TestSigner;
  let file: string;
  let good: string;
  before(async () => {
    s = await startTestSigner();
    file = join(s.dir, 'tokens.json');
    good = readFileSync(file, 'utf8');
  });
  after(async () => {
    await s.close();
  });

  const status = async (token: string) => (await s.request('GET', '/keys', { token })).status;
  const rejections = () =>
    s.logs.map((l) => JSON.parse(l) as { level: number; msg: string; code?: string }).filter((l) => /^token file change rejected/.test(l.msg));

  /** Breaks the file, expects every token refused and one error report, repairs it, expects tokens back. */
  async function breaksAndRecovers(name: string, breakIt: () => void, repair: () => void, code: string): Promise<void> {
    assert.equal(await status(s.signerToken), 200, `${name}: works before`);
    const reported = rejections().length;
    breakIt();
    for (const token of [s.signerToken, s.adminToken]) {
      const res = await s.request('GET', '/keys', { token });
      assert.equal(res.status, 401, `${name}: a token of the previous file is refused`);
      assert.equal(res.json.code, 'unauthorized');
    }
    assert.equal((await s.request('POST', '/admin/reload', { token: s.adminToken })).status, 401, `${name}: admin too`);
    const now = rejections();
    assert.equal(now.length, reported + 1, `${name}: reported once through onError, not once per request`);
    assert.equal(now.at(-1)!.level, 50);
    assert.equal(now.at(-1)!.code, code);
    repair();
    assert.equal(await status(s.signerToken), 200, `${name}: works again once the file is valid`);
    assert.equal(await status(s.adminToken), 200);
  }

  test('deleted: every token is refused until the file is back', async () => {
    await breaksAndRecovers(
      'rm',
      () => rmSync(file),
      () => writeFileSync(file, good, { mode: 0o600 }),
      'config_invalid',
    );
  });

  test('invalid JSON: every token is refused until the file is valid', async () => {
    await breaksAndRecovers(
      'json',
      () => writeFileSync(file, '{"version":1,"tokens":['),
      () => writeFileSync(file, good),
      'config_invalid',
    );
  });

  test('insecure mode (0644): every token is refused until it is 0600 again', async () => {
    await breaksAndRecovers(
      'chmod',
      () => chmodSync(file, 0o644),
      () => chmodSync(file, 0o600),
      'insecure_file',
    );
  });

  test('owned by another user: every token is refused until the owner is the service user again', { skip: !isRoot && 'needs root to chown' }, async () => {
    const uid = process.getuid!();
    const gid = process.getgid!();
    await breaksAndRecovers(
      'chown',
      () => chownSync(file, NOBODY, NOBODY),
      () => chownSync(file, uid, gid),
      'insecure_file',
    );
  });

  test('a valid file coming back is reported as usual: changes against the last valid file are audited', async () => {
    rmSync(file);
    assert.equal(await status(s.signerToken), 401);
    // the file comes back without demo-admin: that revocation is audited; demo-agent is unchanged and not re-created
    const parsed = JSON.parse(good) as { version: 1; tokens: { name: string }[] };
    writeFileSync(file, JSON.stringify({ ...parsed, tokens: parsed.tokens.filter((t) => t.name !== 'demo-admin') }), { mode: 0o600 });
    assert.equal(await status(s.signerToken), 200);
    assert.equal(await status(s.adminToken), 401);
    const rec = await waitFor(
      () => auditLines(s.dir).records.find((r) => r.action === 'token_revoke' && r.details?.name === 'demo-admin'),
      'the token_revoke record of demo-admin',
    );
    assert.equal(rec.details.source, 'token_file');
    assert.ok(!auditLines(s.dir).records.some((r) => r.action === 'token_create' && r.details?.name === 'demo-agent'), 'no spurious re-create');
    writeFileSync(file, good);
    assert.equal(await status(s.adminToken), 200);
  });
});

describe('token create/revoke keep the owner and mode of the file they rewrite', { skip: !isRoot && 'needs root to chown' }, () => {
  test('`openkms token revoke` run as root on a file owned by the service user leaves it owned by that user, 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openkms-token-owner-'));
    try {
      const file = join(dir, 'tokens.json');
      const store = TokenStore.load(file, { allowMissing: true });
      store.create('keep-me', ['read']);
      store.create('drop-me', ['read']);
      chownSync(file, NOBODY, NOBODY);
      const revoked = await cli(['token', 'revoke', '--file', file, '--name', 'drop-me']);
      assert.equal(revoked.code, 0, revoked.stderr);
      let st = statSync(file);
      assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [NOBODY, NOBODY, 0o600]);
      const created = await cli(['token', 'create', '--file', file, '--name', 'new-one', '--scope', 'read']);
      assert.equal(created.code, 0, created.stderr);
      st = statSync(file);
      assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [NOBODY, NOBODY, 0o600]);
      const list = await cli(['token', 'list', '--file', file]);
      assert.deepEqual(
        list.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('\t')[0])
          .sort(),
        ['keep-me', 'new-one'],
      );
      // the mode check still applies to root
      chmodSync(file, 0o640);
      const refused = await cli(['token', 'revoke', '--file', file, '--name', 'keep-me']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /mode 0640/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
