import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Keypair, PublicKey, SystemProgram, Transaction } from '@solana/web3.js';
import { staticImportClosure } from '@openkms/tooling/static-imports';
import { isOpenKmsError, toBase64 } from '@openkms/core';
import { createSolanaChainSigner } from './solana-chain-signer.js';
import { solanaPlugin } from './plugin.js';
import { solanaTestKeys } from './test-fixtures.js';

test('the plugin entry loads no decoder: no @solana/kit, no program clients (they load on first decode)', () => {
  const loaded = staticImportClosure(fileURLToPath(new URL('./plugin.ts', import.meta.url)));
  assert.deepEqual(
    loaded.filter((s) => /^(@solana\/|@solana-program\/)/.test(s)),
    [],
  );
  assert.ok(loaded.includes('@openkms/core'), 'the closure is followed');
});

test('the plugin entry checks its options at create and signs exactly as the full signer does', async () => {
  assert.throws(() => solanaPlugin.create({ rpc_url: 'ftp://x' }), { code: 'config_invalid' });
  const lazy = solanaPlugin.create({});
  const full = createSolanaChainSigner({});
  for (const field of ['chain', 'curve', 'apiVersion', 'requestSchema', 'responseSchema', 'keyOptionsSchema', 'policyAliases', 'summary'] as const)
    assert.deepEqual(lazy[field], full[field], field);
  const { payer, backend } = await solanaTestKeys();
  assert.equal(lazy.address(payer.publicKey, {}), full.address(payer.publicKey, {}));
  const from = new PublicKey(payer.publicKey);
  const tx = new Transaction({ feePayer: from, recentBlockhash: new PublicKey(new Uint8Array(32).fill(3)).toBase58() }).add(
    SystemProgram.transfer({ fromPubkey: from, toPubkey: Keypair.fromSeed(new Uint8Array(32).fill(2)).publicKey, lamports: 5n }),
  );
  const request = { label: 'hot-0', message_b64: toBase64(new Uint8Array(tx.serializeMessage())), expected_chain_id: 'mainnet-beta' };
  const a = await lazy.decode(request, payer);
  const b = await full.decode(request, payer);
  assert.deepEqual(a.intent, b.intent);
  assert.deepEqual((await lazy.sign(a, payer, backend)).body, (await full.sign(b, payer, backend)).body);
  // still strict: garbage is refused with the same code
  await assert.rejects(
    async () => lazy.decode({ ...request, message_b64: 'AAAA' }, payer),
    (err: unknown) => isOpenKmsError(err) && err.code === 'decode_failed',
  );
});
