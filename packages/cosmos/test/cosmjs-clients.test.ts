// Fixtures built with cosmjs's own clients: the sign bytes SigningStargateClient / SigningCosmWasmClient produce in
// direct and amino mode, captured through a wrapping signer, signed by the plugin and checked with cosmjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OfflineAminoSigner, StdSignDoc } from '@cosmjs/amino';
import { Secp256k1Wallet, makeStdTx, serializeSignDoc } from '@cosmjs/amino';
import { SigningCosmWasmClient } from '@cosmjs/cosmwasm';
import { Secp256k1, Secp256k1Signature, keccak256, sha256 } from '@cosmjs/crypto';
import { fromBase64, toBech32, toUtf8 } from '@cosmjs/encoding';
import type { OfflineDirectSigner } from '@cosmjs/proto-signing';
import { DirectSecp256k1Wallet, decodeTxRaw, makeSignBytes } from '@cosmjs/proto-signing';
import { SigningStargateClient } from '@cosmjs/stargate';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { isOpenKmsError, toBase64 } from '@openkms/core';
import { createCosmosChainSigner, isLowS } from '../src/index.js';
import { CHAIN_ID, PRIVATE_KEY, RECIPIENT, buildSignDoc, chainKey, cosmosTestKeys, msgSend } from '../src/test-fixtures.js';

const signer = createCosmosChainSigner();
const VAL = 'cosmosvaloper1sjllsnramtg3ewxqwwrwjxfgc4n4ef9u2lcnj0';
const CONTRACT = 'cosmos14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s4hmalr';
const FEE = { amount: [{ denom: 'uatom', amount: '5000' }], gas: '200000' };
const SIGNER_DATA = { accountNumber: 42n, sequence: 7, chainId: CHAIN_ID };
/** @cosmjs/cosmwasm 0.38 still takes a number. */
const SIGNER_DATA_038 = { accountNumber: 42, sequence: 7, chainId: CHAIN_ID };

/** Wraps a cosmjs direct signer and remembers the SignDoc the client asked it to sign. */
function capturingDirect(inner: OfflineDirectSigner): OfflineDirectSigner & { docs: SignDoc[] } {
  const docs: SignDoc[] = [];
  return { docs, getAccounts: () => inner.getAccounts(), signDirect: async (a, d) => (docs.push(d), inner.signDirect(a, d)) };
}

/** Wraps a cosmjs amino signer and remembers the StdSignDoc the client asked it to sign. */
function capturingAmino(inner: OfflineAminoSigner): OfflineAminoSigner & { docs: StdSignDoc[] } {
  const docs: StdSignDoc[] = [];
  return { docs, getAccounts: () => inner.getAccounts(), signAmino: async (a, d) => (docs.push(d), inner.signAmino(a, d)) };
}

function sigOf(b64: string): Secp256k1Signature {
  return Secp256k1Signature.fromFixedLength(fromBase64(b64));
}

test('direct mode: the sign bytes of SigningStargateClient → API signature verifies, is low-S, and the TxRaw decodes', async () => {
  const { backend, key } = await cosmosTestKeys();
  const wallet = capturingDirect(await DirectSecp256k1Wallet.fromKey(PRIVATE_KEY, 'cosmos'));
  const client = await SigningStargateClient.offline(wallet);
  const msgs = [
    { typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: { fromAddress: key.address, toAddress: RECIPIENT, amount: [{ denom: 'uatom', amount: '1234' }] } },
    {
      typeUrl: '/cosmos.staking.v1beta1.MsgDelegate',
      value: { delegatorAddress: key.address, validatorAddress: VAL, amount: { denom: 'uatom', amount: '10' } },
    },
  ];
  const theirs = await client.sign(key.address, msgs, FEE, 'direct <&>', SIGNER_DATA);
  const bytes = makeSignBytes(wallet.docs[0]!);

  const decoded = await signer.decode({ label: 'cosmos-hot', sign_doc_b64: toBase64(bytes), expected_chain_id: CHAIN_ID }, key);
  assert.deepEqual(
    decoded.intent.actions.map((a) => a.kind),
    ['MsgSend', 'MsgDelegate'],
  );
  const { body, signature } = await signer.sign(decoded, key, backend);
  assert.ok(await Secp256k1.verifySignature(sigOf(body['signature_b64'] as string), sha256(bytes), key.publicKey));
  assert.ok(isLowS(signature));
  assert.deepEqual(signature, theirs.signatures[0], 'RFC 6979: the same signature as cosmjs wallet');

  const txRaw = TxRaw.fromPartial({ bodyBytes: wallet.docs[0]!.bodyBytes, authInfoBytes: wallet.docs[0]!.authInfoBytes, signatures: [signature] });
  const tx = decodeTxRaw(TxRaw.encode(txRaw).finish());
  assert.equal(tx.body.memo, 'direct <&>');
  assert.deepEqual(
    tx.body.messages.map((m) => m.typeUrl),
    msgs.map((m) => m.typeUrl),
  );
  assert.deepEqual(tx.signatures[0], signature);
  assert.equal(tx.authInfo.signerInfos[0]!.sequence, 7n);
});

test('amino mode: the StdSignDoc of SigningStargateClient → API signature verifies over serializeSignDoc of the makeStdTx tx', async () => {
  const { backend, key } = await cosmosTestKeys();
  const wallet = capturingAmino(await Secp256k1Wallet.fromKey(PRIVATE_KEY, 'cosmos'));
  const client = await SigningStargateClient.offline(wallet);
  const msgs = [
    { typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: { fromAddress: key.address, toAddress: RECIPIENT, amount: [{ denom: 'uatom', amount: '99' }] } },
    {
      typeUrl: '/ibc.applications.transfer.v1.MsgTransfer',
      value: {
        sourcePort: 'transfer',
        sourceChannel: 'channel-141',
        token: { denom: 'uatom', amount: '5' },
        sender: key.address,
        receiver: 'osmo1receiver',
        timeoutHeight: { revisionNumber: 1n, revisionHeight: 100n },
        timeoutTimestamp: 0n,
        memo: '',
      },
    },
    { typeUrl: '/cosmos.gov.v1beta1.MsgVote', value: { proposalId: 3n, voter: key.address, option: 1 } },
  ];
  const theirs = await client.sign(key.address, msgs, FEE, 'amino <&> memo', SIGNER_DATA);
  const doc = wallet.docs[0]!;

  // the request travels as JSON
  const sign_doc = JSON.parse(JSON.stringify(doc));
  const decoded = await signer.decode({ label: 'cosmos-hot', sign_mode: 'amino', sign_doc, expected_chain_id: CHAIN_ID }, key);
  assert.deepEqual(decoded.signingBytes, serializeSignDoc(doc));
  assert.deepEqual(
    decoded.intent.transfers.map((t) => [t.via.split('.').pop(), t.amount, t.to, t.channel]),
    [
      ['MsgSend', 99n, RECIPIENT, undefined],
      ['MsgTransfer', 5n, 'osmo1receiver', 'channel-141'],
    ],
  );
  const { body, signature } = await signer.sign(decoded, key, backend);
  assert.ok(isLowS(signature));
  assert.deepEqual(signature, theirs.signatures[0], 'RFC 6979: the same signature as cosmjs amino wallet');

  const stdTx = makeStdTx(doc, { pub_key: body['pub_key'] as { type: string; value: string }, signature: body['signature_b64'] as string });
  assert.equal(stdTx.signatures[0]!.pub_key.type, 'tendermint/PubKeySecp256k1');
  const rebuilt: StdSignDoc = { ...doc, msgs: stdTx.msg, fee: stdTx.fee, memo: stdTx.memo ?? '' };
  const pub = fromBase64(stdTx.signatures[0]!.pub_key.value as string);
  assert.ok(await Secp256k1.verifySignature(sigOf(stdTx.signatures[0]!.signature), sha256(serializeSignDoc(rebuilt)), pub));
});

test('amino mode: CosmWasm execute built by SigningCosmWasmClient → contract, method and funds', async () => {
  const { backend, key } = await cosmosTestKeys();
  const wallet = capturingAmino(await Secp256k1Wallet.fromKey(PRIVATE_KEY, 'cosmos'));
  const client = await SigningCosmWasmClient.offline(wallet);
  const exec = {
    typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract',
    value: { sender: key.address, contract: CONTRACT, msg: toUtf8(JSON.stringify({ swap: { min: '1' } })), funds: [{ denom: 'uatom', amount: '8' }] },
  };
  const theirs = await client.sign(key.address, [exec], FEE, '', SIGNER_DATA_038);
  const decoded = await signer.decode(
    { label: 'cosmos-hot', sign_mode: 'amino', sign_doc: JSON.parse(JSON.stringify(wallet.docs[0])), expected_chain_id: CHAIN_ID },
    key,
  );
  assert.deepEqual(decoded.intent.contracts, [{ contract: CONTRACT, method: 'swap', via: '/cosmwasm.wasm.v1.MsgExecuteContract' }]);
  assert.deepEqual(decoded.intent.transfers[0]?.to, CONTRACT);
  assert.deepEqual((await signer.sign(decoded, key, backend)).signature, theirs.signatures[0]);
});

test('amino mode: unknown fields, unknown amino types, numbers for strings, bad shapes and another chain id are refused', async () => {
  const { key } = await cosmosTestKeys();
  const wallet = capturingAmino(await Secp256k1Wallet.fromKey(PRIVATE_KEY, 'cosmos'));
  const client = await SigningStargateClient.offline(wallet);
  await client.sign(
    key.address,
    [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: { fromAddress: key.address, toAddress: RECIPIENT, amount: [{ denom: 'uatom', amount: '1' }] } }],
    FEE,
    '',
    SIGNER_DATA,
  );
  const doc = JSON.parse(JSON.stringify(wallet.docs[0])) as any;
  const tryDoc = async (d: unknown, code = 'decode_failed', expected = CHAIN_ID) =>
    assert.rejects(
      async () => signer.decode({ label: 'cosmos-hot', sign_mode: 'amino', sign_doc: d as any, expected_chain_id: expected }, key),
      (e: unknown) => isOpenKmsError(e) && e.code === code,
    );
  await tryDoc({ ...doc, msgs: [{ ...doc.msgs[0], value: { ...doc.msgs[0].value, extra: 'x' } }] });
  await tryDoc({ ...doc, msgs: [{ type: 'cosmos-sdk/MsgHidden', value: {} }] });
  await tryDoc({ ...doc, msgs: [] });
  await tryDoc({ ...doc, extra: 1 });
  await tryDoc({ ...doc, account_number: 42 });
  await tryDoc({ ...doc, fee: { ...doc.fee, amount: [{ denom: 'uatom', amount: 5000 }] } });
  await tryDoc({ ...doc, fee: { ...doc.fee, amount: [{ denom: 'uatom', amount: '-5' }] } });
  await tryDoc({ ...doc, msgs: [{ ...doc.msgs[0], value: { ...doc.msgs[0].value, amount: [{ denom: 'uatom', amount: '1.0' }] } }] });
  await tryDoc({ ...doc, msgs: [{ ...doc.msgs[0], value: { ...doc.msgs[0].value, from_address: RECIPIENT } }] }, 'signer_mismatch');
  await tryDoc(doc, 'chain_id_mismatch', 'osmosis-1');
  await tryDoc({ ...doc, chain_id: 'osmosis-1' }, 'chain_id_mismatch', 'osmosis-1');
  await tryDoc('not an object', 'invalid_request');
});

test('Ethermint-style key: keccak bech32 address, signature over keccak256 that cosmjs verifies; amino pub_key type', async () => {
  const { backend, key: plain } = await cosmosTestKeys();
  for (const [typeUrl, aminoType, prefix] of [
    ['/ethermint.crypto.v1.ethsecp256k1.PubKey', 'ethermint/PubKeyEthSecp256k1', 'evmos'],
    ['/injective.crypto.v1beta1.ethsecp256k1.PubKey', 'injective/PubKeyEthSecp256k1', 'inj'],
  ] as const) {
    const key = chainKey('evm-hot', 'k1', plain.publicKey, { pubkey_type: typeUrl, bech32_prefix: prefix });
    // the Ethereum address of the key, computed independently with @noble/curves + cosmjs keccak256
    const expected = toBech32(prefix, keccak256(secp256k1.getPublicKey(PRIVATE_KEY, false).subarray(1)).subarray(12));
    assert.equal(signer.address(plain.publicKey, key.options), expected);
    assert.equal(key.address, expected);

    const { bytes } = buildSignDoc({
      signerPubkeys: [key.publicKey],
      pubkeyTypeUrl: typeUrl,
      messages: [msgSend(expected, RECIPIENT, [{ denom: 'aevmos', amount: '1' }])],
    });
    const decoded = await signer.decode({ label: 'evm-hot', sign_doc_b64: toBase64(bytes), expected_chain_id: CHAIN_ID }, key);
    const { body, signature } = await signer.sign(decoded, key, backend);
    assert.equal(body['signer_address'], expected);
    assert.deepEqual(body['pub_key'], { type: aminoType, value: toBase64(key.publicKey) });
    assert.ok(isLowS(signature));
    assert.ok(await Secp256k1.verifySignature(sigOf(body['signature_b64'] as string), keccak256(bytes), key.publicKey));
    assert.equal(await Secp256k1.verifySignature(sigOf(body['signature_b64'] as string), sha256(bytes), key.publicKey), false);

    // the same key presented under the plain secp256k1 type (or an eth type for a plain key) is not ours
    const wrongType = buildSignDoc({ signerPubkeys: [key.publicKey], messages: [msgSend(expected, RECIPIENT, [{ denom: 'aevmos', amount: '1' }])] });
    await assert.rejects(
      async () => signer.decode({ label: 'evm-hot', sign_doc_b64: toBase64(wrongType.bytes), expected_chain_id: CHAIN_ID }, key),
      (e: unknown) => isOpenKmsError(e) && e.code === 'signer_mismatch' && /pubkey/.test(e.message),
    );
    const ethDoc = buildSignDoc({
      signerPubkeys: [plain.publicKey],
      pubkeyTypeUrl: typeUrl,
      messages: [msgSend(plain.address, RECIPIENT, [{ denom: 'uatom', amount: '1' }])],
    });
    await assert.rejects(
      async () => signer.decode({ label: 'cosmos-hot', sign_doc_b64: toBase64(ethDoc.bytes), expected_chain_id: CHAIN_ID }, plain),
      (e: unknown) => isOpenKmsError(e) && e.code === 'signer_mismatch',
    );
  }
  // a key type outside accepted_pubkey_type_urls is a configuration error
  const narrow = createCosmosChainSigner({ accepted_pubkey_type_urls: ['/cosmos.crypto.secp256k1.PubKey'] });
  assert.throws(() => narrow.address(plain.publicKey, { pubkey_type: '/ethermint.crypto.v1.ethsecp256k1.PubKey' }), { code: 'config_invalid' });
  assert.throws(() => signer.address(plain.publicKey, { pubkey_type: '/cosmos.crypto.ed25519.PubKey' }), { code: 'config_invalid' });
});
