import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSecp256k1Pubkey } from '@cosmjs/amino';
import { encodePubkey, makeSignDoc, Registry } from '@cosmjs/proto-signing';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { AuthInfo, SignDoc, TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { keysOf, type KeyInfo } from './support/trust-helpers.js';

const registry = new Registry([['/cosmos.bank.v1beta1.MsgSend', MsgSend]]);

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const lenDelim = (fieldNo: number, body: Uint8Array) => Buffer.concat([Uint8Array.from([(fieldNo << 3) | 2, ...varint(body.length)]), body]);

/**
 * A sign doc for the demo Cosmos key whose signer info's mode_info is `multi` nested `k` times around a direct
 * single, written byte by byte. Nesting depth from the SignDoc: 5 + 2k levels (the bound is 16).
 */
function nestedModeInfoBody(key: KeyInfo, k: number, memo: string): { label: string; sign_doc_b64: string; expected_chain_id: string } {
  const publicKey = Buffer.from(key.public_key_b64, 'base64');
  let mode = lenDelim(1, Uint8Array.from([0x08, 0x01]));
  for (let i = 0; i < k; i++) mode = lenDelim(2, lenDelim(2, mode));
  const pub = encodePubkey(encodeSecp256k1Pubkey(publicKey));
  const anyBytes = Buffer.concat([lenDelim(1, new TextEncoder().encode(pub.typeUrl)), lenDelim(2, pub.value)]);
  const signerInfo = Buffer.concat([lenDelim(1, anyBytes), lenDelim(2, mode)]);
  const fee = AuthInfo.encode(AuthInfo.fromPartial({ fee: { amount: [{ denom: 'uatom', amount: '5000' }], gasLimit: 200_000n } })).finish();
  const authInfo = Buffer.concat([lenDelim(1, signerInfo), fee]);
  const body = TxBody.encode(
    TxBody.fromPartial({
      messages: [
        registry.encodeAsAny({
          typeUrl: '/cosmos.bank.v1beta1.MsgSend',
          value: MsgSend.fromPartial({
            fromAddress: key.address,
            toAddress: 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu',
            amount: [{ denom: 'uatom', amount: '1' }],
          }),
        }),
      ],
      memo,
    }),
  ).finish();
  const doc = SignDoc.encode(makeSignDoc(body, authInfo, 'cosmoshub-4', 1)).finish();
  return { label: 'cosmos-hub-0', sign_doc_b64: Buffer.from(doc).toString('base64'), expected_chain_id: 'cosmoshub-4' };
}

describe('Cosmos protobuf nesting depth is bounded: the same answer cold and warm', () => {
  let s: TestSigner;
  let key: KeyInfo;
  before(async () => {
    // this suite is refused 120 times on purpose: a denial budget above that (auth.denied_per_minute)
    s = await startTestSigner({ config: (toml) => toml.replace('token_file = "tokens.json"', 'token_file = "tokens.json"\ndenied_per_minute = 1000') });
    key = (await keysOf(s))['cosmos-hub-0']!;
  });
  after(async () => {
    await s.close();
  });

  test('17 levels (one past the bound) and ~8 000 levels: 400 decode_failed on every request, from the first one on', async () => {
    const bodies = [6, 4_000].map((k) => ({ k, body: nestedModeInfoBody(key, k, 'deep') }));
    for (let i = 0; i < 60; i++) {
      for (const { k, body } of bodies) {
        const res = await s.request('POST', '/sign/cosmos', { token: s.signerToken, body });
        assert.equal(res.status, 400, `round ${i}, k=${k}: ${res.text}`);
        assert.equal(res.json.code, 'decode_failed');
        assert.match(res.json.error, /deeper than 16 levels/);
      }
    }
  });

  test('15 levels (within the bound) decode: the request reaches policy and is signed', async () => {
    const res = await s.request('POST', '/sign/cosmos', { token: s.signerToken, body: nestedModeInfoBody(key, 5, 'within') });
    assert.equal(res.status, 200, res.text);
  });
});
