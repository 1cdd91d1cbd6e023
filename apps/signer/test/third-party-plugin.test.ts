import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ed25519 } from '@noble/curves/ed25519.js';
import { TokenStore } from '../src/auth/token-store.js';
import { startTestSigner } from './support/test-signer.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/third-party');

test('a third-party plugin package is discovered and served at POST /sign/<chain> without signer code changes', async () => {
  let s = await startTestSigner();
  try {
    appendFileSync(
      s.demo.files.config,
      `
[plugins]
enabled = ["@openkms/solana", "@openkms/cosmos", "@openkms/evm", "openkms-plugin-toy"]
search_paths = [${JSON.stringify(fixtures)}]

[keys.toy-0]
chain = "toy"
key_id = "0x0101"

[keys.toy-0.options]
network = "toynet-1"

[keys.toy-0.policy]
allowed_programs = [{ id = "toy-program" }]
per_tx_cap_toy = "1000"
`,
    );
    const token = TokenStore.load(join(s.dir, 'tokens.json')).create('toy-agent', ['sign:toy-0', 'read']);
    s = await s.restart();

    const keys = await s.request('GET', '/keys', { token });
    assert.equal(keys.status, 200);
    const toyKey = keys.json.find((k: { label: string }) => k.label === 'toy-0');
    assert.ok(toyKey.address.startsWith('toy1'));
    const publicKey = Buffer.from(toyKey.address.slice(4), 'hex');

    const payload = Buffer.from('hello toy chain');
    const res = await s.request('POST', '/sign/toy', { token, body: { label: 'toy-0', payload_hex: payload.toString('hex') } });
    assert.equal(res.status, 200, res.text);
    assert.ok(ed25519.verify(Buffer.from(res.json.signature_hex, 'hex'), payload, publicKey), 'the signature verifies against the key');

    // the plugin's hooks: its alias folded into per_tx_caps.native; its network pinned by the signer (the toy
    // intent names none)
    const policy = await s.request('GET', '/policy/toy-0', { token });
    assert.deepEqual(policy.json.policy.per_tx_caps, { native: '1000' });
    const explained = await s.request('POST', '/policy/toy-0/explain', { token, body: { payload_hex: payload.toString('hex') } });
    assert.equal(explained.json.intent.network, 'toynet-1');

    const bad = await s.request('POST', '/sign/toy', { token, body: { label: 'toy-0', payload_hex: 'zz' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, 'invalid_request');

    const doc = await s.request('GET', '/openapi.json');
    assert.ok(doc.json.paths['/sign/toy'] !== undefined, 'the plugin contributes its route to the served document');
    assert.equal(doc.json.components.schemas['SignRequest.toy'].required.includes('payload_hex'), true);

    const startup = s.logs.map((l) => JSON.parse(l)).findLast((l) => l.msg === 'chain plugins');
    assert.ok(
      startup.loaded.some((p: { name: string }) => p.name === 'openkms-plugin-toy'),
      'loaded logged',
    );
    assert.ok(
      startup.skipped.some((p: { name: string }) => p.name === 'openkms-plugin-future'),
      'skipped logged',
    );
  } finally {
    await s.close();
  }
});

test("a third-party plugin's own checks stop startup: an unknown option, a program id it rejects (config_invalid with the path)", async () => {
  const s = await startTestSigner();
  try {
    appendFileSync(
      s.demo.files.config,
      `
[plugins]
enabled = ["@openkms/solana", "@openkms/cosmos", "@openkms/evm", "openkms-plugin-toy"]
search_paths = [${JSON.stringify(fixtures)}]

[keys.toy-0]
chain = "toy"
key_id = "0x0064"

[keys.toy-0.options]
network = "toynet-1"
netwrok = "toynet-2"

[keys.toy-0.policy]
allowed_programs = [{ id = "11111111111111111111111111111111" }]
`,
    );
    await s.close({ keepDir: true });
    await assert.rejects(startTestSigner({ dir: s.dir }), (err: unknown) => {
      const e = err as { code?: string; context?: { path?: string; errors?: string[] }; message: string };
      assert.equal(e.code, 'config_invalid', e.message);
      assert.equal(e.context?.path, 'keys.toy-0.options.netwrok');
      assert.ok(
        e.context?.errors?.some((m) => m.startsWith('keys.toy-0.policy.allowed_programs[0].id: not a toy program')),
        e.message,
      );
      return true;
    });
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});
