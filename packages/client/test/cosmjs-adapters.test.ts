import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeStdTx, serializeSignDoc, type StdSignDoc } from '@cosmjs/amino';
import { Secp256k1, Secp256k1Signature, sha256 } from '@cosmjs/crypto';
import { fromBase64 } from '@cosmjs/encoding';
import { decodeTxRaw, makeSignBytes, makeSignDoc } from '@cosmjs/proto-signing';
import { SigningStargateClient } from '@cosmjs/stargate';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { AuthInfo, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { OpenKmsError } from '../src/index.js';
import { createOpenKmsAminoSigner, createOpenKmsDirectSigner } from '../src/cosmjs-signer.js';
import { startDemoSigner, type DemoSigner } from './support/demo-signer.js';

// The cosmjs adapters used by SigningStargateClient.offline(...).sign(...): direct and amino, verified and decoded.

const ATOM = 'cosmos-hub-0';
const CHAIN_ID = 'cosmoshub-4';
const RECIPIENT = 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu';
const FEE = { amount: [{ denom: 'uatom', amount: '5000' }], gas: '200000' };
const SIGNER_DATA = { accountNumber: 7n, sequence: 3, chainId: CHAIN_ID };
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** cosmjs's verifier accepts high-S signatures: the chain (and openKMS) require low S, checked here. */
const lowS = (sig: Uint8Array) => BigInt('0x' + Buffer.from(sig.subarray(32, 64)).toString('hex')) <= N / 2n;

describe('cosmjs adapters: OfflineDirectSigner and OfflineAminoSigner', () => {
  let s: DemoSigner;
  let address: string;
  let pubkey: Uint8Array;
  const send = (amount: string) => ({
    typeUrl: '/cosmos.bank.v1beta1.MsgSend',
    value: MsgSend.fromPartial({ fromAddress: address, toAddress: RECIPIENT, amount: [{ denom: 'uatom', amount }] }),
  });

  before(async () => {
    s = await startDemoSigner();
    const key = await s.client().key(ATOM);
    address = key.address!;
    pubkey = Uint8Array.from(Buffer.from(key.public_key_b64!, 'base64'));
  });
  after(async () => {
    await s.close();
  });

  test('getAccounts comes from GET /keys: the bech32 address and the 33-byte compressed key', async () => {
    const signer = await createOpenKmsDirectSigner(s.client(), { label: ATOM });
    assert.deepEqual(await signer.getAccounts(), [{ address, algo: 'secp256k1', pubkey }]);
    assert.equal(pubkey.length, 33);
  });

  test('direct: SigningStargateClient.offline(signer).sign → a TxRaw that decodes, whose signature verifies and is low-S', async () => {
    const client = await SigningStargateClient.offline(await createOpenKmsDirectSigner(s.client(), { label: ATOM }));
    const txRaw = await client.sign(address, [send('1000')], FEE, 'direct via openKMS', SIGNER_DATA);
    const tx = decodeTxRaw(TxRaw.encode(txRaw).finish());
    assert.equal(tx.body.messages[0]?.typeUrl, '/cosmos.bank.v1beta1.MsgSend');
    assert.deepEqual(MsgSend.decode(tx.body.messages[0]!.value).toAddress, RECIPIENT);
    assert.equal(tx.body.memo, 'direct via openKMS');
    assert.equal(AuthInfo.decode(txRaw.authInfoBytes).signerInfos[0]?.sequence, 3n);
    const sig = tx.signatures[0]!;
    const signBytes = makeSignBytes(makeSignDoc(txRaw.bodyBytes, txRaw.authInfoBytes, CHAIN_ID, 7n));
    assert.ok(await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(sig), sha256(signBytes), pubkey));
    assert.ok(lowS(sig), 'low S');
  });

  test('amino: SigningStargateClient.offline(aminoSigner).sign → the StdTx signature verifies over serializeSignDoc and is low-S', async () => {
    const docs: StdSignDoc[] = [];
    const amino = await createOpenKmsAminoSigner(s.client(), { label: ATOM });
    const recording = { getAccounts: () => amino.getAccounts(), signAmino: (a: string, d: StdSignDoc) => (docs.push(d), amino.signAmino(a, d)) };
    const client = await SigningStargateClient.offline(recording);
    const txRaw = await client.sign(address, [send('2000')], FEE, 'amino <&> via openKMS', SIGNER_DATA);
    const tx = decodeTxRaw(TxRaw.encode(txRaw).finish());
    assert.equal(AuthInfo.decode(txRaw.authInfoBytes).signerInfos[0]?.modeInfo?.single?.mode, 127, 'SIGN_MODE_LEGACY_AMINO_JSON');
    assert.equal(tx.body.memo, 'amino <&> via openKMS');
    const sig = tx.signatures[0]!;
    assert.ok(await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(sig), sha256(serializeSignDoc(docs[0]!)), pubkey));
    assert.ok(lowS(sig), 'low S');
    const std = makeStdTx(docs[0]!, (await amino.signAmino(address, docs[0]!)).signature);
    assert.deepEqual(fromBase64(std.signatures[0]!.signature), sig, 'signing the same document again gives the same signature (RFC 6979, replay)');
  });

  test('a denial reaches the caller of client.sign as OpenKmsError; another address is refused before any request', async () => {
    const client = await SigningStargateClient.offline(await createOpenKmsDirectSigner(s.client(), { label: ATOM }));
    await assert.rejects(client.sign(address, [send('20000000')], FEE, '', SIGNER_DATA), (e: unknown) => {
      assert.ok(e instanceof OpenKmsError);
      assert.equal(e.code, 'per_tx_cap_exceeded');
      assert.equal(e.status, 403);
      assert.equal(e.details.asset, 'denom:uatom');
      return true;
    });
    const signer = await createOpenKmsAminoSigner(s.client(), { label: ATOM });
    await assert.rejects(signer.signAmino(RECIPIENT, {} as StdSignDoc), { code: 'signer_mismatch' });
  });
});
