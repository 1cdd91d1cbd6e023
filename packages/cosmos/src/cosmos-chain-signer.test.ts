import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Secp256k1, Secp256k1Signature, sha256 } from '@cosmjs/crypto';
import { fromBase64 } from '@cosmjs/encoding';
import { DirectSecp256k1Wallet } from '@cosmjs/proto-signing';
import { MsgDelegate } from 'cosmjs-types/cosmos/staking/v1beta1/tx';
import { SignDoc, TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { Any } from 'cosmjs-types/google/protobuf/any';
import { isOpenKmsError, toBase64 } from '@openkms/core';
import type { ErrorCode, KeyBackend } from '@openkms/core';
import plugin, { MSG_SEND_TYPE_URL, createCosmosChainSigner, isLowS } from './index.js';
import { CHAIN_ID, PRIVATE_KEY, RECIPIENT, buildSignDoc, chainKey, cosmosTestKeys, msgSend, registry } from './test-fixtures.js';

const signer = createCosmosChainSigner();
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

async function rejectsWith(fn: () => unknown, code: ErrorCode, check?: (err: { message: string; context: Record<string, unknown> }) => void): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (err: unknown) => {
      assert.ok(isOpenKmsError(err), String(err));
      assert.equal(err.code, code, err.message);
      check?.(err);
      return true;
    },
  );
}

function request(bytes: Uint8Array, expected_chain_id = CHAIN_ID) {
  return { label: 'cosmos-hot', sign_doc_b64: toBase64(bytes), expected_chain_id };
}

test('plugin default export: api version 1, chain cosmos, creates the signer', () => {
  assert.equal(plugin.apiVersion, 1);
  assert.equal(plugin.chain, 'cosmos');
  const s = plugin.create({});
  assert.equal(s.chain, 'cosmos');
  assert.equal(s.curve, 'secp256k1');
  assert.deepEqual((s.requestSchema as { required: string[] }).required, ['label', 'sign_doc_b64', 'expected_chain_id']);
  assert.throws(() => plugin.create({ bech32_prefix: 'Not Valid' }), { code: 'config_invalid' });
});

test('address: bech32(prefix, ripemd160(sha256(pubkey))) matches cosmjs, prefix from key options', async () => {
  const { key } = await cosmosTestKeys();
  const [account] = await (await DirectSecp256k1Wallet.fromKey(PRIVATE_KEY, 'cosmos')).getAccounts();
  assert.equal(signer.address(key.publicKey, {}), account!.address);
  const [osmo] = await (await DirectSecp256k1Wallet.fromKey(PRIVATE_KEY, 'osmo')).getAccounts();
  assert.equal(signer.address(key.publicKey, { bech32_prefix: 'osmo' }), osmo!.address);
  assert.equal(createCosmosChainSigner({ bech32_prefix: 'osmo' }).address(key.publicKey, {}), osmo!.address);
  assert.throws(() => signer.address(key.publicKey, { bech32_prefix: 'BAD!' }), { code: 'config_invalid' });
  assert.throws(() => signer.address(new Uint8Array(32), {}), { code: 'wrong_chain' });
});

test('decode: MsgSend + unknown message + multi-denom fee → intent (amounts never summed)', async () => {
  const { key } = await cosmosTestKeys();
  const delegate = {
    typeUrl: '/cosmos.staking.v1beta1.MsgDelegate',
    value: MsgDelegate.fromPartial({ delegatorAddress: key.address, validatorAddress: 'cosmosvaloper1xyz', amount: { denom: 'uatom', amount: '1' } }),
  };
  const { bytes } = buildSignDoc({
    signerPubkeys: [key.publicKey],
    messages: [
      msgSend(key.address, RECIPIENT, [
        { denom: 'uatom', amount: '1000000' },
        { denom: 'ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2', amount: '250' },
      ]),
      delegate,
      msgSend(key.address, RECIPIENT, [{ denom: 'uatom', amount: '7' }]),
    ],
    fee: [
      { denom: 'uatom', amount: '5000' },
      { denom: 'uosmo', amount: '12' },
    ],
  });
  const out = await signer.decode(request(bytes), key);
  assert.deepEqual(out.signingBytes, bytes);
  assert.equal(out.decoded.signerInfoIndex, 0);
  const intent = out.intent;
  assert.equal(intent.chain, 'cosmos');
  assert.equal(intent.network, CHAIN_ID);
  assert.equal(intent.signer, key.address);
  assert.deepEqual(intent.messageTypes, [MSG_SEND_TYPE_URL, '/cosmos.staking.v1beta1.MsgDelegate']);
  assert.deepEqual(intent.programs, intent.messageTypes);
  assert.deepEqual(intent.actions, [
    { program: MSG_SEND_TYPE_URL, kind: 'MsgSend', known: true },
    { program: '/cosmos.staking.v1beta1.MsgDelegate', kind: 'unknown', known: false },
    { program: MSG_SEND_TYPE_URL, kind: 'MsgSend', known: true },
  ]);
  const via = MSG_SEND_TYPE_URL;
  assert.deepEqual(intent.transfers, [
    { asset: 'denom:uatom', amount: 1_000_000n, from: key.address, to: RECIPIENT, via },
    { asset: 'denom:ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2', amount: 250n, from: key.address, to: RECIPIENT, via },
    { asset: 'denom:uatom', amount: 7n, from: key.address, to: RECIPIENT, via },
  ]);
  assert.deepEqual(intent.fees, [
    { asset: 'denom:uatom', amount: 5000n },
    { asset: 'denom:uosmo', amount: 12n },
  ]);
  assert.deepEqual(intent.flags, ['unknown_instruction']);
});

test('decode: the key may be any of several signers', async () => {
  const { key, other } = await cosmosTestKeys();
  const { bytes } = buildSignDoc({
    signerPubkeys: [other.publicKey, key.publicKey],
    messages: [msgSend(key.address, RECIPIENT, [{ denom: 'uatom', amount: '1' }])],
  });
  const out = await signer.decode(request(bytes), key);
  assert.equal(out.decoded.signerInfoIndex, 1);
  assert.deepEqual(out.intent.flags, []);
});

test('sign: low-S r‖s that cosmjs verifies and that equals DirectSecp256k1Wallet.signDirect', async () => {
  const { backend, key } = await cosmosTestKeys();
  const { signDoc, bytes } = buildSignDoc({ signerPubkeys: [key.publicKey], messages: [msgSend(key.address, RECIPIENT, [{ denom: 'uatom', amount: '123' }])] });
  const decoded = await signer.decode(request(bytes), key);
  const signed = await signer.sign(decoded, key, backend);
  const body = signed.body as { signature_b64: string; signer_address: string };
  assert.deepEqual(Object.keys(body).sort(), ['signature_b64', 'signer_address']);
  assert.equal(body.signer_address, key.address);
  const sig = fromBase64(body.signature_b64);
  assert.equal(sig.length, 64);
  assert.deepEqual(sig, signed.signature);

  // Verified by cosmjs over sha256(sign doc bytes) …
  assert.ok(await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(sig), sha256(bytes), key.publicKey));
  // … and low S, which cosmjs's verifier does not check.
  const s = BigInt('0x' + Buffer.from(sig.subarray(32)).toString('hex'));
  assert.ok(s > 0n && s <= N / 2n);
  assert.ok(isLowS(sig));

  // RFC 6979 + low S on both sides: byte-identical to cosmjs's own direct signer.
  const wallet = await DirectSecp256k1Wallet.fromKey(PRIVATE_KEY, 'cosmos');
  const theirs = await wallet.signDirect(key.address, signDoc);
  assert.equal(body.signature_b64, theirs.signature.signature);
  assert.equal(backend.signCount('k1'), 1);
});

test('sign: a bad or high-S backend signature is never returned', async () => {
  const { backend, key } = await cosmosTestKeys();
  const { bytes } = buildSignDoc({ signerPubkeys: [key.publicKey], messages: [msgSend(key.address, RECIPIENT, [{ denom: 'uatom', amount: '1' }])] });
  const decoded = await signer.decode(request(bytes), key);
  const tamper = (f: (sig: Uint8Array) => Uint8Array): KeyBackend => ({
    ...backend,
    signSecp256k1: async (ref, digest) => {
      const r = await backend.signSecp256k1(ref, digest);
      return { ...r, signature: f(Uint8Array.from(r.signature)) };
    },
  });
  const flipBit = (sig: Uint8Array) => {
    sig[5]! ^= 1;
    return sig;
  };
  const highS = (sig: Uint8Array) => {
    const s = BigInt('0x' + Buffer.from(sig.subarray(32)).toString('hex'));
    sig.set(Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex'), 32);
    return sig;
  };
  // The high-S twin is still a mathematically valid ECDSA signature: only the low-S rule rejects it.
  const good = (await backend.signSecp256k1(key.ref, sha256(bytes))).signature;
  assert.ok(await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(highS(Uint8Array.from(good))), sha256(bytes), key.publicKey));
  await rejectsWith(() => signer.sign(decoded, key, tamper(flipBit)), 'signature_verification_failed');
  await rejectsWith(() => signer.sign(decoded, key, tamper(highS)), 'signature_verification_failed');
  await rejectsWith(
    () =>
      signer.sign(
        decoded,
        key,
        tamper((sig) => sig.subarray(0, 63)),
      ),
    'signature_verification_failed',
  );
});

test('decode: chain id mismatch (request, and key pin)', async () => {
  const { key } = await cosmosTestKeys();
  const { bytes } = buildSignDoc({ signerPubkeys: [key.publicKey], messages: [msgSend(key.address, RECIPIENT, [{ denom: 'uatom', amount: '1' }])] });
  await rejectsWith(() => signer.decode(request(bytes, 'osmosis-1'), key), 'chain_id_mismatch');
  const pinned = chainKey('cosmos-hot', 'k1', key.publicKey, { chain_id: 'theta-testnet-001' });
  await rejectsWith(() => signer.decode(request(bytes), pinned), 'chain_id_mismatch');
  const okPin = chainKey('cosmos-hot', 'k1', key.publicKey, { chain_id: CHAIN_ID });
  assert.equal((await signer.decode(request(bytes), okPin)).intent.network, CHAIN_ID);
});

test('decode: wrong signer (not in signer infos, or MsgSend from someone else)', async () => {
  const { key, other } = await cosmosTestKeys();
  const notListed = buildSignDoc({ signerPubkeys: [other.publicKey], messages: [msgSend(other.address, RECIPIENT, [{ denom: 'uatom', amount: '1' }])] });
  await rejectsWith(() => signer.decode(request(notListed.bytes), key), 'signer_mismatch');
  const foreignFrom = buildSignDoc({
    signerPubkeys: [key.publicKey, other.publicKey],
    messages: [msgSend(other.address, RECIPIENT, [{ denom: 'uatom', amount: '1' }])],
  });
  await rejectsWith(() => signer.decode(request(foreignFrom.bytes), key), 'signer_mismatch');
  // Same key, other prefix: the MsgSend sender (cosmos1…) is not the key's osmo1… address.
  const osmoKey = chainKey('osmo-hot', 'k1', key.publicKey, { bech32_prefix: 'osmo' });
  const sameKey = buildSignDoc({ signerPubkeys: [key.publicKey], messages: [msgSend(key.address, RECIPIENT, [{ denom: 'uatom', amount: '1' }])] });
  await rejectsWith(() => signer.decode(request(sameKey.bytes), osmoKey), 'signer_mismatch');
  await rejectsWith(() => signer.decode(request(sameKey.bytes), { ...key, curve: 'ed25519', publicKey: new Uint8Array(32) }), 'wrong_chain');
});

test('decode: bad amounts fail closed, never count as 0', async () => {
  const { key } = await cosmosTestKeys();
  for (const amount of ['', '1.5', '-1', '01', '1e6', ' 1', 'abc']) {
    const send = buildSignDoc({ signerPubkeys: [key.publicKey], messages: [msgSend(key.address, RECIPIENT, [{ denom: 'uatom', amount }])] });
    await rejectsWith(
      () => signer.decode(request(send.bytes), key),
      'decode_failed',
      (e) => assert.match(e.message, /amount/),
    );
    const fee = buildSignDoc({
      signerPubkeys: [key.publicKey],
      messages: [msgSend(key.address, RECIPIENT, [{ denom: 'uatom', amount: '1' }])],
      fee: [{ denom: 'uatom', amount }],
    });
    await rejectsWith(
      () => signer.decode(request(fee.bytes), key),
      'decode_failed',
      (e) => assert.match(e.message, /amount/),
    );
  }
  const badDenom = buildSignDoc({ signerPubkeys: [key.publicKey], messages: [msgSend(key.address, RECIPIENT, [{ denom: '1x', amount: '1' }])] });
  await rejectsWith(
    () => signer.decode(request(badDenom.bytes), key),
    'decode_failed',
    (e) => assert.match(e.message, /denom/),
  );
});

test('decode: undecodable bytes fail closed', async () => {
  const { key } = await cosmosTestKeys();
  const { signDoc, bytes } = buildSignDoc({ signerPubkeys: [key.publicKey], messages: [msgSend(key.address, RECIPIENT, [{ denom: 'uatom', amount: '1' }])] });
  const failsDecode = (b: Uint8Array | string) =>
    rejectsWith(
      () => signer.decode({ label: 'cosmos-hot', sign_doc_b64: typeof b === 'string' ? b : toBase64(b), expected_chain_id: CHAIN_ID }, key),
      'decode_failed',
      (e) => assert.equal(e.context['field'], 'sign_doc_b64'),
    );
  await failsDecode('not base64!');
  await failsDecode('AAA');
  await failsDecode(new Uint8Array());
  await failsDecode(Uint8Array.from([0xff, 0xff, 0xff, 0xff]));
  // Every truncation is refused. Cutting at a field boundary leaves valid protobuf without the later fields: those
  // fail on the missing chain_id instead (the last two bytes are account_number, whose removal is a valid doc).
  for (let n = 1; n < bytes.length - 2; n++) {
    await assert.rejects(
      async () => signer.decode(request(bytes.subarray(0, n)), key),
      (err: unknown) => isOpenKmsError(err) && (err.code === 'decode_failed' || err.code === 'chain_id_mismatch'),
    );
  }
  // An unknown field appended to the SignDoc (field 15, varint 1).
  await failsDecode(Uint8Array.from([...bytes, 0x78, 0x01]));
  // An unknown field inside body_bytes.
  await failsDecode(SignDoc.encode({ ...signDoc, bodyBytes: Uint8Array.from([...signDoc.bodyBytes, 0x78, 0x01]) }).finish());
  // Garbage auth info.
  await failsDecode(SignDoc.encode({ ...signDoc, authInfoBytes: Uint8Array.from([0x0a, 0x05, 0x01]) }).finish());
  // A MsgSend whose value is not a MsgSend.
  const garbled = TxBody.encode(
    TxBody.fromPartial({ messages: [Any.fromPartial({ typeUrl: MSG_SEND_TYPE_URL, value: Uint8Array.from([0x0a, 0x10, 0x61]) })] }),
  ).finish();
  await failsDecode(SignDoc.encode({ ...signDoc, bodyBytes: garbled }).finish());
  // No messages; extension options.
  await failsDecode(SignDoc.encode({ ...signDoc, bodyBytes: TxBody.encode(TxBody.fromPartial({ memo: 'x' })).finish() }).finish());
  const withExt = TxBody.encode({
    ...TxBody.decode(signDoc.bodyBytes),
    extensionOptions: [Any.fromPartial({ typeUrl: '/x.Ext', value: new Uint8Array() })],
  }).finish();
  // well-formed but unsupported: its own code
  await assert.rejects(
    async () => signer.decode(request(SignDoc.encode({ ...signDoc, bodyBytes: withExt }).finish()), key),
    (err: unknown) => isOpenKmsError(err) && err.code === 'unsupported',
  );
  assert.equal(registry.lookupType(MSG_SEND_TYPE_URL) !== undefined, true);
});
