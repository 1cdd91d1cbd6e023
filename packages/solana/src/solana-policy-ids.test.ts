import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keypair, PublicKey, SystemProgram, Transaction } from '@solana/web3.js';
import { isOpenKmsError, toBase64 } from '@openkms/core';
import { SYSTEM_PROGRAM_ID, checkSolanaPolicyId, createSolanaChainSigner, solanaKeyOptionsSchema, solanaPolicyAliases } from './index.js';
import { chainKey, solanaTestKeys } from './test-fixtures.js';

const MINT = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const signer = createSolanaChainSigner();

test('the plugin exposes its policy hooks: key options schema, network, id checks, the original field names as aliases', () => {
  assert.equal(signer.keyOptionsSchema, solanaKeyOptionsSchema);
  assert.deepEqual((solanaKeyOptionsSchema as { required: string[] }).required, ['cluster']);
  assert.equal(solanaKeyOptionsSchema.additionalProperties, false);
  assert.equal(signer.network?.({ cluster: 'mainnet-beta' }), 'mainnet-beta');
  assert.equal(signer.policyAliases, solanaPolicyAliases);
  assert.deepEqual(solanaPolicyAliases.fields?.per_tx_cap_lamports, {
    field: 'per_tx_caps',
    asset: 'native',
    description: 'Alias of per_tx_caps.native (lamports).',
  });
  assert.equal(solanaPolicyAliases.fields?.daily_cap_lamports?.field, 'window_caps');
});

test('asset ids: native and spl:<32-byte base58 mint>; a Cosmos or EVM asset id is an error on a Solana key', () => {
  assert.equal(checkSolanaPolicyId('asset', 'native'), undefined);
  assert.equal(checkSolanaPolicyId('asset', `spl:${MINT}`), undefined);
  for (const bad of ['spl:', 'spl:notbase58!', `spl:${MINT}x`, 'spl:1111', 'denom:uatom', 'erc20:0xdAC17F958D2ee523a2206206994597C13D831ec7', 'lamports']) {
    assert.match(checkSolanaPolicyId('asset', bad) ?? '', /./, bad);
  }
  assert.match(checkSolanaPolicyId('asset', 'denom:uatom')!, /Solana key/);
});

test('programs and addresses are 32-byte base58; message types, contracts and methods cannot occur on Solana', () => {
  assert.equal(checkSolanaPolicyId('program', SYSTEM_PROGRAM_ID), undefined);
  assert.equal(checkSolanaPolicyId('address', MINT), undefined);
  assert.ok(checkSolanaPolicyId('program', 'System'));
  assert.ok(checkSolanaPolicyId('address', 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu'));
  assert.ok(checkSolanaPolicyId('address', '0' + MINT.slice(1)), 'base58 has no 0');
  assert.ok(checkSolanaPolicyId('message_type', '/cosmos.bank.v1beta1.MsgSend'));
  assert.ok(checkSolanaPolicyId('contract', MINT));
  assert.ok(checkSolanaPolicyId('method', 'transfer'));
});

test('a key pinned to a cluster: a request naming another cluster is chain_id_mismatch; naming none, the key cluster is the network', async () => {
  const { payer } = await solanaTestKeys();
  const pinned = { ...chainKey('hot-0', 'payer', payer.publicKey), options: { cluster: 'mainnet-beta' } };
  const from = new PublicKey(payer.publicKey);
  const to = Keypair.fromSeed(new Uint8Array(32).fill(2)).publicKey;
  const tx = new Transaction({ feePayer: from, recentBlockhash: new PublicKey(new Uint8Array(32).fill(3)).toBase58() }).add(
    SystemProgram.transfer({ fromPubkey: from, toPubkey: to, lamports: 1n }),
  );
  const message_b64 = toBase64(new Uint8Array(tx.serializeMessage()));
  assert.equal((await signer.decode({ label: 'hot-0', message_b64 }, pinned)).intent.network, 'mainnet-beta');
  assert.equal((await signer.decode({ label: 'hot-0', message_b64, expected_chain_id: 'mainnet-beta' }, pinned)).intent.network, 'mainnet-beta');
  await assert.rejects(
    async () => signer.decode({ label: 'hot-0', message_b64, expected_chain_id: 'devnet' }, pinned),
    (err: unknown) => isOpenKmsError(err) && err.code === 'chain_id_mismatch' && err.context.field === 'expected_chain_id',
  );
});
