import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSecp256k1Pubkey } from '@cosmjs/amino';
import { encodePubkey, makeSignDoc } from '@cosmjs/proto-signing';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { AuthInfo, ModeInfo, SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { isOpenKmsError, toBase64 } from '@openkms/core';
import { MAX_PROTO_NESTING, assertNestingWithin, createCosmosChainSigner } from './index.js';
import { CHAIN_ID, RECIPIENT, cosmosTestKeys, msgSend, registry } from './test-fixtures.js';

/** `levels` messages nested through field 1; the innermost holds one varint. */
function nested(levels: number): Uint8Array {
  let m = Uint8Array.from([0x08, 0x01]);
  for (let i = 1; i < levels; i++) {
    m = Buffer.concat([Uint8Array.from([0x0a, ...encodeLength(m.length)]), m]);
  }
  return m;
}

function encodeLength(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A ModeInfo that is `multi` nested `k` times around a direct single. */
function nestedModeInfo(k: number): ModeInfo {
  let m: ModeInfo = ModeInfo.fromPartial({ single: { mode: SignMode.SIGN_MODE_DIRECT } });
  for (let i = 0; i < k; i++) m = ModeInfo.fromPartial({ multi: { modeInfos: [m] } });
  return m;
}

/** A sign doc whose only signer info (the key's) uses `modeInfo`. Depth from the SignDoc: 5 + 2k. */
function signDocWithModeInfo(publicKey: Uint8Array, from: string, modeInfo: ModeInfo): Uint8Array {
  const bodyBytes = registry.encodeTxBody({ messages: [msgSend(from, RECIPIENT, [{ denom: 'uatom', amount: '1' }])], memo: '' });
  const authInfo = AuthInfo.fromPartial({
    signerInfos: [{ publicKey: encodePubkey(encodeSecp256k1Pubkey(publicKey)), modeInfo, sequence: 3n }],
    fee: { amount: [{ denom: 'uatom', amount: '5000' }], gasLimit: 200_000n },
  });
  return SignDoc.encode(makeSignDoc(bodyBytes, AuthInfo.encode(authInfo).finish(), CHAIN_ID, 42)).finish();
}

test(`nesting bound: ${MAX_PROTO_NESTING} levels pass the check, ${MAX_PROTO_NESTING + 1} and far deeper are decode_failed`, () => {
  assert.equal(MAX_PROTO_NESTING, 16);
  assertNestingWithin(nested(MAX_PROTO_NESTING), 'x');
  for (const levels of [MAX_PROTO_NESTING + 1, MAX_PROTO_NESTING + 2, 5_000]) {
    assert.throws(
      () => assertNestingWithin(nested(levels), 'x'),
      (err: unknown) => isOpenKmsError(err) && err.code === 'decode_failed' && err.context.max_depth === MAX_PROTO_NESTING,
    );
  }
  // not protobuf at all, or empty: left to the decoder
  assertNestingWithin(Uint8Array.from([0xff, 0xff]), 'x');
  assertNestingWithin(new Uint8Array(0), 'x');
});

test('a ModeInfo.multi nested past the bound is refused the same way every time; within the bound it decodes', async () => {
  const { key } = await cosmosTestKeys();
  const signer = createCosmosChainSigner();
  const request = (bytes: Uint8Array) => ({ label: 'cosmos-hot', sign_doc_b64: toBase64(bytes), expected_chain_id: CHAIN_ID });
  // 5 + 2·5 = 15 levels ≤ 16: decodes to an intent
  const within = await signer.decode(request(signDocWithModeInfo(key.publicKey, key.address, nestedModeInfo(5))), key);
  assert.equal(within.intent.transfers.length, 1);
  // 5 + 2·6 = 17 levels, and a ~10 000-level one (which used to overflow the stack only when the process was cold)
  const tooDeep = [
    request(signDocWithModeInfo(key.publicKey, key.address, nestedModeInfo(6))),
    request(deepModeInfoSignDoc(key.publicKey, key.address, 5_000)),
  ];
  for (let round = 0; round < 300; round++) {
    for (const r of tooDeep) {
      await assert.rejects(
        async () => signer.decode(r, key),
        (err: unknown) => isOpenKmsError(err) && err.code === 'decode_failed' && /deeper than 16 levels/.test(err.message),
      );
    }
  }
});

/**
 * A sign doc with `k` nested multis written byte by byte (the cosmjs-types encoder itself recurses): auth_info =
 * signer_infos { public_key, mode_info: multi{mode_infos: multi{…}} }.
 */
function deepModeInfoSignDoc(publicKey: Uint8Array, from: string, k: number): Uint8Array {
  const lenDelim = (fieldNo: number, body: Uint8Array) => Buffer.concat([Uint8Array.from([(fieldNo << 3) | 2, ...encodeLength(body.length)]), body]);
  let mode = lenDelim(1, Uint8Array.from([0x08, 0x01])); // ModeInfo{single{mode: DIRECT}}
  for (let i = 0; i < k; i++) mode = lenDelim(2, lenDelim(2, mode)); // ModeInfo{multi{mode_infos: [mode]}}
  const shallow = AuthInfo.decode(SignDoc.decode(signDocWithModeInfo(publicKey, from, nestedModeInfo(0))).authInfoBytes);
  const pub = shallow.signerInfos[0]!.publicKey!;
  const anyBytes = Uint8Array.from([...lenDelim(1, new TextEncoder().encode(pub.typeUrl)), ...lenDelim(2, pub.value)]);
  const signerInfo = Buffer.concat([lenDelim(1, anyBytes), lenDelim(2, mode), Uint8Array.from([0x18, 0x03])]);
  const fee = AuthInfo.encode(AuthInfo.fromPartial({ fee: shallow.fee! })).finish();
  const authInfo = Buffer.concat([lenDelim(1, signerInfo), fee]);
  const bodyBytes = registry.encodeTxBody({ messages: [msgSend(from, RECIPIENT, [{ denom: 'uatom', amount: '1' }])], memo: '' });
  return SignDoc.encode(makeSignDoc(bodyBytes, authInfo, CHAIN_ID, 42)).finish();
}
