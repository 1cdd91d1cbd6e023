import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { toBase64 } from '@openkms/core';
import { CHAIN_ID, RECIPIENT, buildSignDoc, cosmosTestKeys, msgSend } from './test-fixtures.js';

// The amino converters pull in @cosmjs/stargate and @cosmjs/cosmwasm (with their RPC clients): ~270 ms and ~14 MB a
// signer without amino traffic never needs. A fresh process decodes a direct sign doc without loading them, then an
// amino one, which loads them.
test('the decoder loads @cosmjs/stargate only for the first amino sign doc', async () => {
  const { key } = await cosmosTestKeys();
  const { bytes } = buildSignDoc({ signerPubkeys: [key.publicKey], messages: [msgSend(key.address, RECIPIENT, [{ denom: 'uatom', amount: '1' }])] });
  const amino = {
    chain_id: CHAIN_ID,
    account_number: '42',
    sequence: '3',
    fee: { amount: [{ denom: 'uatom', amount: '5000' }], gas: '200000' },
    msgs: [{ type: 'cosmos-sdk/MsgSend', value: { from_address: key.address, to_address: RECIPIENT, amount: [{ denom: 'uatom', amount: '1' }] } }],
    memo: '',
  };
  const script = `
    import { createRequire } from 'node:module';
    const { createCosmosChainSigner } = await import(${JSON.stringify(new URL('./cosmos-chain-signer.ts', import.meta.url).href)});
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('@cosmjs/stargate'));
    const [key, direct, amino] = JSON.parse(process.argv[1]);
    key.publicKey = Uint8Array.from(Buffer.from(key.publicKey, 'base64'));
    const signer = createCosmosChainSigner();
    signer.decode({ label: key.label, sign_doc_b64: direct, expected_chain_id: ${JSON.stringify(CHAIN_ID)} }, key);
    const afterDirect = loaded();
    signer.decode({ label: key.label, sign_mode: 'amino', sign_doc: amino, expected_chain_id: ${JSON.stringify(CHAIN_ID)} }, key);
    process.stdout.write(JSON.stringify({ afterDirect, afterAmino: loaded() }));
  `;
  const out = execFileSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
      JSON.stringify([{ ...key, publicKey: toBase64(key.publicKey) }, toBase64(bytes), amino]),
    ],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    },
  );
  assert.deepEqual(JSON.parse(out), { afterDirect: false, afterAmino: true });
});
