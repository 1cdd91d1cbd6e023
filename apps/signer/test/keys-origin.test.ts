/**
 * GET /keys and `openkms keys list` (signer mode) show where each YubiHSM2 key came from (the device's object origin)
 * and that the device can attest it: the demo's keys are imported (derived from its mnemonic), a key generated in the
 * device says generated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { YubiHsmClient } from '@openkms/yubihsm';
import { ceremonyAuthKey, ceremonySeed, deriveCeremonySecrets } from '@openkms/yubihsm/ceremony';
import { keysCommand } from '../src/cli/keys-command.js';
import { startTestSigner } from './support/test-signer.js';

test('GET /keys: origin and attestation of YubiHSM2 keys, configured and discovered; keys list shows them', async () => {
  const s = await startTestSigner();
  try {
    const client = new YubiHsmClient({ url: s.demo.connectorUrl! });
    const secrets = deriveCeremonySecrets(ceremonySeed(readFileSync(s.demo.files.mnemonic, 'utf8')));
    const session = await client.openSession(1, ceremonyAuthKey(secrets.ceremonyPassword));
    await session.generateAsymmetricKey({ id: 0x0300, label: 'spare-generated', domains: [1], capabilities: ['sign-eddsa'], algorithm: 'ed25519' });
    await session.close();
    await client.close();

    const res = await s.request('GET', '/keys', { token: s.adminToken });
    assert.equal(res.status, 200, res.text);
    const rows = res.json as Array<{ label: string | null; key_id: string; origin?: string; attestation?: boolean; configured?: boolean }>;
    const sol = rows.find((r) => r.label === 'solana-hot-0')!;
    assert.equal(sol.origin, 'imported');
    assert.equal(sol.attestation, true);
    const spare = rows.find((r) => r.key_id === '0x0300')!;
    assert.equal(spare.configured, false);
    assert.equal(spare.origin, 'generated');
    assert.equal(spare.attestation, true);

    const out: string[] = [];
    const io = { out: (l: string) => void out.push(l), err: (l: string) => void out.push(l) };
    process.env.OPENKMS_TOKEN = s.adminToken;
    try {
      assert.equal(await keysCommand(['list', '--url', s.url], io), 0, out.join('\n'));
    } finally {
      delete process.env.OPENKMS_TOKEN;
    }
    assert.match(out[0]!, /ORIGIN/);
    assert.ok(
      out.some((l) => /solana-hot-0 .* imported \(attestable\)/.test(l)),
      out.join('\n'),
    );
    assert.ok(
      out.some((l) => /0x0300 .* generated \(attestable\)/.test(l)),
      out.join('\n'),
    );
  } finally {
    await s.close();
  }
});
