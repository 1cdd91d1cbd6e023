import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StdSignDoc } from '@cosmjs/amino';
import { makeStdTx, serializeSignDoc } from '@cosmjs/amino';
import { join } from 'node:path';
import { Secp256k1, Secp256k1Signature, keccak256, sha256 } from '@cosmjs/crypto';
import { fromBase64, toBech32, toUtf8 } from '@cosmjs/encoding';
import { decodeTxRaw, makeAuthInfoBytes, makeSignBytes, makeSignDoc } from '@cosmjs/proto-signing';
import { SigningStargateClient } from '@cosmjs/stargate';
import { MsgExec } from 'cosmjs-types/cosmos/authz/v1beta1/tx';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { SignDoc, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { Any } from 'cosmjs-types/google/protobuf/any';
import { TokenStore } from '../src/auth/token-store.js';
import { startTestSigner, type TestResponse, type TestSigner } from './support/test-signer.js';
import { ATOM, appendToml, cosmosPublicKey, keyAddress, waitForAudit, withPolicy } from './support/policy-fixtures.js';
import {
  COSMOS_CHAIN_ID,
  RefusedError,
  cosmosRegistry,
  cosmosSignDocBytes,
  openKmsAminoSigner,
  openKmsDirectSigner,
  signCosmosBytes,
} from './support/cosmos-client-fixtures.js';

const RECIPIENT = 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu';
const VAL = 'cosmosvaloper1sjllsnramtg3ewxqwwrwjxfgc4n4ef9u2lcnj0';
const CONTRACT = 'cosmos14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s4hmalr';
const GRANTER = 'cosmos1granter0000000000000000000000000000';
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const FEE = { amount: [{ denom: 'uatom', amount: '5000' }], gas: '200000' };
const SIGNER_DATA = { accountNumber: 1n, sequence: 0, chainId: COSMOS_CHAIN_ID };

const lowS = (sig: Uint8Array) => BigInt('0x' + Buffer.from(sig.subarray(32)).toString('hex')) <= N / 2n;

describe('POST /sign/cosmos: direct and amino through cosmjs clients, every denial with its code and audit record', () => {
  let s: TestSigner;
  let k: { publicKey: Uint8Array; address: string };
  const send = (to: string, amount: string, from = k.address) => ({
    typeUrl: '/cosmos.bank.v1beta1.MsgSend',
    value: MsgSend.fromPartial({ fromAddress: from, toAddress: to, amount: [{ denom: 'uatom', amount }] }),
  });

  /** A refusal: status, code, an audit record with the same code, and no signature. */
  async function refused(res: TestResponse, status: number, code: string, pattern?: RegExp): Promise<void> {
    assert.equal(res.status, status, res.text);
    assert.equal(res.json.code, code, res.text);
    assert.equal(res.json.signature_b64, undefined);
    if (pattern) assert.match(res.json.error, pattern);
    const [rec] = await waitForAudit(s, (r) => r.request_id === res.json.request_id);
    assert.ok(rec, `an audit record for ${code}`);
    assert.equal(rec.reason_code, code);
    assert.equal(rec.decision, 'deny');
  }

  before(async () => {
    s = await startTestSigner({
      config: withPolicy(
        ATOM,
        `
max_signs_per_minute = 1000
per_tx_caps = { "denom:uatom" = "1000000" }
window_caps = { "denom:uatom" = "100000000" }
fee_caps = { "denom:uatom" = "50000" }
allowed_messages = [
  { type_url = "/cosmos.bank.v1beta1.MsgSend", allowed_recipients = ["${RECIPIENT}"] },
  { type_url = "/ibc.applications.transfer.v1.MsgTransfer", allowed_channels = ["channel-141"] },
  { type_url = "/cosmos.staking.v1beta1.MsgDelegate", allowed_recipients = ["${VAL}"] },
  { type_url = "/cosmwasm.wasm.v1.MsgExecuteContract", allowed_contracts = ["${CONTRACT}"], allowed_methods = ["swap"] },
  { type_url = "/cosmos.authz.v1beta1.MsgExec" },
]
`,
      ),
    });
    k = { publicKey: await cosmosPublicKey(s), address: await keyAddress(s, ATOM) };
  });
  after(async () => {
    await s.close();
  });

  test('direct: SigningStargateClient signing through openKMS → TxRaw that decodeTxRaw reads; the signature verifies and is low-S', async () => {
    const seen: TestResponse[] = [];
    const client = await SigningStargateClient.offline(openKmsDirectSigner(s, k, seen));
    const msgs = [
      send(RECIPIENT, '1000'),
      {
        typeUrl: '/cosmos.staking.v1beta1.MsgDelegate',
        value: { delegatorAddress: k.address, validatorAddress: VAL, amount: { denom: 'uatom', amount: '10' } },
      },
    ];
    const txRaw = await client.sign(k.address, msgs, FEE, 'direct', SIGNER_DATA);
    assert.equal(seen[0]?.status, 200);
    assert.equal(seen[0]?.json.signer_address, k.address);
    assert.deepEqual(seen[0]?.json.pub_key, { type: 'tendermint/PubKeySecp256k1', value: Buffer.from(k.publicKey).toString('base64') });
    const tx = decodeTxRaw(TxRaw.encode(txRaw).finish());
    assert.deepEqual(
      tx.body.messages.map((m) => m.typeUrl),
      msgs.map((m) => m.typeUrl),
    );
    const signBytes = makeSignBytes(makeSignDoc(txRaw.bodyBytes, txRaw.authInfoBytes, COSMOS_CHAIN_ID, 1n));
    const sig = tx.signatures[0]!;
    assert.ok(await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(sig), sha256(signBytes), k.publicKey));
    assert.ok(lowS(sig));
  });

  test('amino: SigningStargateClient in amino mode through openKMS → makeStdTx verifies over serializeSignDoc; low-S', async () => {
    const seen: TestResponse[] = [];
    const docs: StdSignDoc[] = [];
    const client = await SigningStargateClient.offline(openKmsAminoSigner(s, k, seen, docs));
    const ibc = {
      typeUrl: '/ibc.applications.transfer.v1.MsgTransfer',
      value: {
        sourcePort: 'transfer',
        sourceChannel: 'channel-141',
        token: { denom: 'uatom', amount: '7' },
        sender: k.address,
        receiver: 'osmo1receiver',
        timeoutTimestamp: 10n ** 18n,
        memo: '',
      },
    };
    await client.sign(k.address, [send(RECIPIENT, '2000'), ibc], FEE, 'amino <&>', SIGNER_DATA);
    assert.equal(seen[0]?.status, 200, seen[0]?.text);
    const stdTx = makeStdTx(docs[0]!, { pub_key: seen[0]!.json.pub_key, signature: seen[0]!.json.signature_b64 });
    const sig = fromBase64(stdTx.signatures[0]!.signature);
    const rebuilt: StdSignDoc = { ...docs[0]!, msgs: stdTx.msg, fee: stdTx.fee, memo: stdTx.memo ?? '' };
    assert.ok(await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(sig), sha256(serializeSignDoc(rebuilt)), k.publicKey));
    assert.ok(lowS(sig));
    const [rec] = await waitForAudit(s, (r) => r.request_id === seen[0]!.headers.get('x-request-id'));
    assert.deepEqual(rec?.intent?.message_types, ['/cosmos.bank.v1beta1.MsgSend', '/ibc.applications.transfer.v1.MsgTransfer']);
    assert.ok((rec?.intent as { notes?: string[] } | undefined)?.notes?.includes('sign_mode=amino'), 'the audit record keeps the intent notes');
  });

  test("chain id: document ≠ expected_chain_id, and a chain other than the key's → 400 chain_id_mismatch", async () => {
    await refused(
      await signCosmosBytes(s, cosmosSignDocBytes({ signerPubkey: k.publicKey, messages: [send(RECIPIENT, '1')], chainId: 'osmosis-1' })),
      400,
      'chain_id_mismatch',
    );
    await refused(
      await signCosmosBytes(s, cosmosSignDocBytes({ signerPubkey: k.publicKey, messages: [send(RECIPIENT, '1')], chainId: 'osmosis-1' }), 'osmosis-1'),
      400,
      'chain_id_mismatch',
      /configured/,
    );
  });

  test('public key mismatch and a message from another address → 400 signer_mismatch', async () => {
    const other = Uint8Array.from(k.publicKey);
    other[0] = other[0] === 2 ? 3 : 2;
    await refused(await signCosmosBytes(s, cosmosSignDocBytes({ signerPubkey: other, messages: [send(RECIPIENT, '1')] })), 400, 'signer_mismatch', /pubkey/);
    await refused(
      await signCosmosBytes(s, cosmosSignDocBytes({ signerPubkey: k.publicKey, messages: [send(RECIPIENT, '1', GRANTER)] })),
      400,
      'signer_mismatch',
    );
  });

  test('per-denom cap: the fee counts (996000 + 5000 fee > 1000000) → 403 per_tx_cap_exceeded', async () => {
    const res = await signCosmosBytes(s, cosmosSignDocBytes({ signerPubkey: k.publicKey, messages: [send(RECIPIENT, '996000')] }));
    await refused(res, 403, 'per_tx_cap_exceeded', /attempted=1001000 asset=denom:uatom/);
    assert.equal((await signCosmosBytes(s, cosmosSignDocBytes({ signerPubkey: k.publicKey, messages: [send(RECIPIENT, '995000')] }))).status, 200);
  });

  test('type, recipient, contract, method and channel not allowed → 403 with their codes', async () => {
    const bytes = (m: { typeUrl: string; value: unknown }) => cosmosSignDocBytes({ signerPubkey: k.publicKey, messages: [m] });
    await refused(
      await signCosmosBytes(s, bytes({ typeUrl: '/cosmos.gov.v1beta1.MsgVote', value: { proposalId: 1n, voter: k.address, option: 1 } })),
      403,
      'message_not_allowed',
    );
    await refused(await signCosmosBytes(s, bytes(send(GRANTER, '1'))), 403, 'recipient_not_allowed');
    const exec = (contract: string, msg: object) => ({
      typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract',
      value: { sender: k.address, contract, msg: toUtf8(JSON.stringify(msg)), funds: [] },
    });
    assert.equal((await signCosmosBytes(s, bytes(exec(CONTRACT, { swap: {} })))).status, 200);
    await refused(await signCosmosBytes(s, bytes(exec(RECIPIENT, { swap: {} }))), 403, 'contract_not_allowed');
    await refused(await signCosmosBytes(s, bytes(exec(CONTRACT, { withdraw_all: {} }))), 403, 'method_not_allowed_by_policy', /withdraw_all/);
    const ibc = (channel: string) => ({
      typeUrl: '/ibc.applications.transfer.v1.MsgTransfer',
      value: {
        sourcePort: 'transfer',
        sourceChannel: channel,
        token: { denom: 'uatom', amount: '1' },
        sender: k.address,
        receiver: 'osmo1x',
        timeoutTimestamp: 1n,
      },
    });
    assert.equal((await signCosmosBytes(s, bytes(ibc('channel-141')))).status, 200);
    await refused(await signCosmosBytes(s, bytes(ibc('channel-0'))), 403, 'channel_not_allowed', /channel-0/);
  });

  test('authz MsgExec hiding a disallowed message → 403 (each inner message passes every rule)', async () => {
    const exec = (inner: { typeUrl: string; value: unknown }) => ({
      typeUrl: '/cosmos.authz.v1beta1.MsgExec',
      value: MsgExec.fromPartial({ grantee: k.address, msgs: [cosmosRegistry.encodeAsAny(inner)] }),
    });
    const ok = await signCosmosBytes(s, cosmosSignDocBytes({ signerPubkey: k.publicKey, messages: [exec(send(RECIPIENT, '1', GRANTER))] }));
    assert.equal(ok.status, 200, ok.text);
    await refused(
      await signCosmosBytes(s, cosmosSignDocBytes({ signerPubkey: k.publicKey, messages: [exec(send(GRANTER, '1', GRANTER))] })),
      403,
      'recipient_not_allowed',
    );
    await refused(
      await signCosmosBytes(
        s,
        cosmosSignDocBytes({
          signerPubkey: k.publicKey,
          messages: [exec({ typeUrl: '/cosmos.gov.v1beta1.MsgVote', value: { proposalId: 1n, voter: GRANTER, option: 1 } })],
        }),
      ),
      403,
      'message_not_allowed',
      /MsgVote/,
    );
    await refused(
      await signCosmosBytes(s, cosmosSignDocBytes({ signerPubkey: k.publicKey, messages: [exec(send(RECIPIENT, '2000000', GRANTER))] })),
      403,
      'per_tx_cap_exceeded',
    );
  });

  test('garbage, truncated and non-canonical documents (both modes) → 400, never 5xx', async () => {
    const good = cosmosSignDocBytes({ signerPubkey: k.publicKey, messages: [send(RECIPIENT, '1')] });
    const doc = SignDoc.decode(good);
    const cases: Uint8Array[] = [
      Uint8Array.from([0xff, 0xff, 0xff, 0xff]),
      good.subarray(0, good.length - 20),
      good.subarray(0, 7),
      Uint8Array.from([...good, 0x78, 0x01]),
      SignDoc.encode({ ...doc, bodyBytes: Uint8Array.from([...doc.bodyBytes, 0x78, 0x01]) }).finish(),
      SignDoc.encode({
        ...doc,
        bodyBytes: TxBody.encode({ ...TxBody.decode(doc.bodyBytes), extensionOptions: [{ typeUrl: '/x.Critical', value: new Uint8Array() }] }).finish(),
      }).finish(),
    ];
    for (const bytes of cases) {
      const res = await signCosmosBytes(s, bytes);
      assert.equal(res.status, 400, res.text);
      assert.ok(['decode_failed', 'chain_id_mismatch'].includes(res.json.code), res.text);
      const [rec] = await waitForAudit(s, (r) => r.request_id === res.json.request_id);
      assert.equal(rec?.reason_code, res.json.code);
    }
    const bad = await s.request('POST', '/sign/cosmos', {
      token: s.signerToken,
      body: { label: ATOM, sign_doc_b64: 'not base64!', expected_chain_id: COSMOS_CHAIN_ID },
    });
    assert.equal(bad.status, 400);
    // amino: an unknown field inside a message, an unknown amino type, the wrong shape, and mixing the two modes
    const aminoDoc = {
      chain_id: COSMOS_CHAIN_ID,
      account_number: '1',
      sequence: '0',
      fee: FEE,
      memo: '',
      msgs: [{ type: 'cosmos-sdk/MsgSend', value: { from_address: k.address, to_address: RECIPIENT, amount: [{ denom: 'uatom', amount: '1' }], extra: 'x' } }],
    };
    for (const body of [
      { label: ATOM, sign_mode: 'amino', sign_doc: aminoDoc, expected_chain_id: COSMOS_CHAIN_ID },
      { label: ATOM, sign_mode: 'amino', sign_doc: { ...aminoDoc, msgs: [{ type: 'cosmos-sdk/MsgHidden', value: {} }] }, expected_chain_id: COSMOS_CHAIN_ID },
      { label: ATOM, sign_mode: 'amino', sign_doc: { ...aminoDoc, account_number: 1 }, expected_chain_id: COSMOS_CHAIN_ID },
      { label: ATOM, sign_mode: 'amino', sign_doc_b64: Buffer.from(good).toString('base64'), expected_chain_id: COSMOS_CHAIN_ID },
      { label: ATOM, sign_doc: aminoDoc, expected_chain_id: COSMOS_CHAIN_ID },
    ]) {
      const res = await s.request('POST', '/sign/cosmos', { token: s.signerToken, body });
      assert.equal(res.status, 400, res.text);
      assert.ok(['decode_failed', 'invalid_request'].includes(res.json.code), res.text);
    }
  });

  test('a refusal inside a cosmjs client surfaces as the API error', async () => {
    const client = await SigningStargateClient.offline(openKmsDirectSigner(s, k));
    await assert.rejects(
      client.sign(k.address, [send(GRANTER, '1')], FEE, '', SIGNER_DATA),
      (e: unknown) => e instanceof RefusedError && e.res.json.code === 'recipient_not_allowed',
    );
  });
});

describe('POST /sign/cosmos with an Ethermint-style key (same HSM key, pubkey_type ethsecp256k1)', () => {
  let s: TestSigner;
  let token: string;
  before(async () => {
    s = await startTestSigner({
      config: appendToml(`
[keys.evmos-0]
chain = "cosmos"
key_id = "0x0100"
[keys.evmos-0.options]
chain_id = "evmos_9001-2"
bech32_prefix = "evmos"
pubkey_type = "/ethermint.crypto.v1.ethsecp256k1.PubKey"
[keys.evmos-0.policy]
per_tx_caps = { "denom:aevmos" = "1000" }
allowed_messages = [{ type_url = "/cosmos.bank.v1beta1.MsgSend" }]
`),
    });
    token = TokenStore.load(join(s.dir, 'tokens.json')).create('evm-agent', ['sign:evmos-0', 'read']);
    assert.equal((await s.request('POST', '/admin/reload', { token: s.adminToken })).status, 200);
  });
  after(async () => {
    await s.close();
  });

  test('the address is the bech32 keccak address; the signature verifies over keccak256 of the sign bytes, low-S', async () => {
    const publicKey = await cosmosPublicKey(s);
    const address = await keyAddress(s, 'evmos-0');
    assert.equal(address, toBech32('evmos', keccak256(Secp256k1.uncompressPubkey(publicKey).subarray(1)).subarray(12)));
    const pubkey = Any.fromPartial({ typeUrl: '/ethermint.crypto.v1.ethsecp256k1.PubKey', value: PubKey.encode({ key: publicKey }).finish() });
    const body = cosmosRegistry.encodeTxBody({
      messages: [
        {
          typeUrl: '/cosmos.bank.v1beta1.MsgSend',
          value: MsgSend.fromPartial({ fromAddress: address, toAddress: RECIPIENT, amount: [{ denom: 'aevmos', amount: '5' }] }),
        },
      ],
      memo: '',
    });
    const authInfo = makeAuthInfoBytes([{ pubkey, sequence: 0n }], [{ denom: 'aevmos', amount: '20' }], 200_000, undefined, undefined);
    const bytes = makeSignBytes(makeSignDoc(body, authInfo, 'evmos_9001-2', 3n));
    const res = await s.request('POST', '/sign/cosmos', {
      token,
      body: { label: 'evmos-0', sign_doc_b64: Buffer.from(bytes).toString('base64'), expected_chain_id: 'evmos_9001-2' },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.signer_address, address);
    assert.equal(res.json.pub_key.type, 'ethermint/PubKeyEthSecp256k1');
    const sig = fromBase64(res.json.signature_b64);
    assert.ok(await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(sig), keccak256(bytes), publicKey));
    assert.ok(lowS(sig));
    // the same key under the plain secp256k1 type is not this key's signer info
    const plain = cosmosSignDocBytes({
      signerPubkey: publicKey,
      messages: [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: MsgSend.fromPartial({ fromAddress: address, toAddress: RECIPIENT }) }],
      chainId: 'evmos_9001-2',
    });
    const wrong = await s.request('POST', '/sign/cosmos', {
      token,
      body: { label: 'evmos-0', sign_doc_b64: Buffer.from(plain).toString('base64'), expected_chain_id: 'evmos_9001-2' },
    });
    assert.equal(wrong.status, 400, wrong.text);
    assert.equal(wrong.json.code, 'signer_mismatch');
  });
});
