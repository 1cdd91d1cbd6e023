import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenKmsError } from '@openkms/core';
import type { ErrorCode } from '@openkms/core';
import { hashTypedData, keccak256, parseTransaction, recoverTransactionAddress, serializeTransaction, toHex, verifyMessage, verifyTypedData } from 'viem';
import type { TransactionSerializable } from 'viem';
import plugin, { createEvmChainSigner, evmAddress, isLowS } from './index.js';
import type { EvmSignRequest } from './index.js';
import { CHAIN_ID, RECIPIENT, account, chainKey, evmTestKeys, tamperingBackend } from './test-fixtures.js';

const signer = createEvmChainSigner();
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

async function rejectsWith(fn: () => unknown, code: ErrorCode, check?: (err: { message: string; context: Record<string, unknown> }) => void): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (err: unknown) => {
      assert.ok(isOpenKmsError(err), String(err));
      assert.equal(err.code, code, err.message);
      check?.(err as never);
      return true;
    },
  );
}

async function signBody(body: EvmSignRequest) {
  const { backend, key } = await evmTestKeys();
  const decoded = signer.decode(body, key) as ReturnType<typeof signer.decode> & { intent: unknown };
  const d = await decoded;
  const signed = await signer.sign(d, key, backend);
  return { decoded: d, body: signed.body as Record<string, string | number>, signature: signed.signature, key, backend };
}

const base = { chainId: Number(CHAIN_ID), nonce: 7, gas: 21000n, to: RECIPIENT as `0x${string}`, value: 1_000_000_000_000_000n } as const;
const txs: Record<string, TransactionSerializable> = {
  legacy: { ...base, type: 'legacy', gasPrice: 2_000_000_000n },
  eip2930: { ...base, type: 'eip2930', gasPrice: 2_000_000_000n, accessList: [{ address: RECIPIENT, storageKeys: [toHex(1, { size: 32 })] }] },
  eip1559: { ...base, type: 'eip1559', maxFeePerGas: 3_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n },
};

test('the plugin manifest: chain evm, secp256k1, address = EIP-55 address of the compressed key', async () => {
  assert.equal(plugin.chain, 'evm');
  assert.equal(signer.curve, 'secp256k1');
  const { key } = await evmTestKeys();
  assert.equal(signer.address(key.publicKey, {}), account.address);
  assert.equal(evmAddress(key.publicKey), account.address);
  await rejectsWith(() => signer.address(new Uint8Array(32), {}), 'wrong_chain');
  await rejectsWith(() => signer.address(Uint8Array.from([4, ...new Array<number>(32).fill(1)]), {}), 'wrong_chain');
});

for (const [type, tx] of Object.entries(txs)) {
  test(`${type}: tx_hex and JSON fields sign to exactly what viem's local account signs; the sender recovers to the key`, async () => {
    const expected = await account.signTransaction(tx as never);
    const fromHex = await signBody({ label: 'evm-hot', expected_chain_id: CHAIN_ID.toString(), tx_hex: serializeTransaction(tx) });
    assert.equal(fromHex.body.raw_transaction, expected);
    assert.equal(fromHex.body.tx_hash, keccak256(expected));
    assert.equal(await recoverTransactionAddress({ serializedTransaction: fromHex.body.raw_transaction as never }), account.address);
    const parsed = parseTransaction(expected as never) as { r: string; s: string; yParity: number; v?: bigint };
    assert.equal(fromHex.body.r, parsed.r);
    assert.equal(fromHex.body.s, parsed.s);
    assert.equal(fromHex.body.y_parity, parsed.yParity);
    assert.equal(BigInt(fromHex.body.v as string), type === 'legacy' ? CHAIN_ID * 2n + 35n + BigInt(parsed.yParity) : BigInt(parsed.yParity));
    assert.equal((fromHex.body.signature as string).length, 132);
    assert.equal(fromHex.body.signer_address, account.address);
    assert.equal(fromHex.body.kind, 'transaction');
    assert.equal(fromHex.body.digest, keccak256(serializeTransaction(tx)));
    assert.ok(isLowS(fromHex.signature.subarray(0, 64)));

    const q = (n: bigint | number | undefined) => (n === undefined ? undefined : typeof n === 'number' ? n : `0x${n.toString(16)}`);
    const t = tx as Record<string, unknown>;
    const json: Record<string, unknown> = { type, nonce: 7, gas: '21000', to: RECIPIENT.toLowerCase(), value: base.value.toString() };
    for (const k of ['gasPrice', 'maxFeePerGas', 'maxPriorityFeePerGas']) if (t[k] !== undefined) json[k] = q(t[k] as bigint);
    if (t.accessList !== undefined) json.accessList = t.accessList;
    const fromJson = await signBody({ label: 'evm-hot', expected_chain_id: `0x${CHAIN_ID.toString(16)}`, tx: json });
    assert.equal(fromJson.body.raw_transaction, expected);
  });
}

test('a contract call with calldata signs; intent and signature both come from the same bytes', async () => {
  const tx: TransactionSerializable = {
    ...txs.eip1559!,
    value: 0n,
    data: '0xa9059cbb' + '00'.repeat(12) + RECIPIENT.slice(2).toLowerCase() + toHex(5n, { size: 32 }).slice(2),
  } as never;
  const r = await signBody({ label: 'evm-hot', expected_chain_id: CHAIN_ID.toString(), tx_hex: serializeTransaction(tx) });
  assert.equal(r.body.raw_transaction, await account.signTransaction(tx as never));
  assert.equal(r.decoded.intent.transfers[0]!.amount, 5n);
});

test('EIP-712 typed data: the signature verifies with viem verifyTypedData and equals the local account’s', async () => {
  const typed = {
    domain: { name: 'Mail', version: '1', chainId: Number(CHAIN_ID), verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' },
    types: {
      Person: [
        { name: 'name', type: 'string' },
        { name: 'wallet', type: 'address' },
      ],
      Mail: [
        { name: 'from', type: 'Person' },
        { name: 'to', type: 'Person' },
        { name: 'contents', type: 'string' },
        { name: 'amount', type: 'uint256' },
      ],
    },
    primaryType: 'Mail',
    message: {
      from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
      to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' },
      contents: 'Hello, Bob!',
      amount: '1000000000000000000000',
    },
  } as const;
  const r = await signBody({ label: 'evm-hot', expected_chain_id: Number(CHAIN_ID), typed_data: typed as never });
  const viemTyped = { ...typed, message: { ...typed.message, amount: 10n ** 21n } } as const;
  assert.equal(r.body.digest, hashTypedData(viemTyped as never));
  assert.equal(await verifyTypedData({ address: account.address, ...viemTyped, signature: r.body.signature as never } as never), true);
  assert.equal(r.body.signature, await account.signTypedData(viemTyped as never));
  assert.equal(r.body.kind, 'typed_data');
  assert.equal(r.body.v, r.body.y_parity === 0 ? '0x1b' : '0x1c');
  assert.equal(r.body.raw_transaction, undefined);
});

test('EIP-191 personal message (text or hex) and EIP-7702 authorization sign like the local account', async () => {
  const text = await signBody({ label: 'evm-hot', message: 'hello openKMS' });
  assert.equal(text.body.signature, await account.signMessage({ message: 'hello openKMS' }));
  assert.equal(await verifyMessage({ address: account.address, message: 'hello openKMS', signature: text.body.signature as never }), true);
  assert.deepEqual([...text.decoded.intent.flags], ['personal_message']);
  const raw = await signBody({ label: 'evm-hot', message_hex: '0xdeadbeef' });
  assert.equal(raw.body.signature, await account.signMessage({ message: { raw: '0xdeadbeef' } }));

  const delegate = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
  const auth = await signBody({
    label: 'evm-hot',
    expected_chain_id: CHAIN_ID.toString(),
    authorization: { chainId: Number(CHAIN_ID), address: delegate, nonce: 3 },
  });
  const expected = await account.signAuthorization({ chainId: Number(CHAIN_ID), address: delegate, nonce: 3 });
  assert.deepEqual([auth.body.r, auth.body.s, auth.body.y_parity], [expected.r, expected.s, expected.yParity]);
  assert.deepEqual([...auth.decoded.intent.flags], ['delegation_authorization']);
  await rejectsWith(
    () => signer.decode({ label: 'evm-hot', expected_chain_id: '31337', authorization: { chainId: 0, address: delegate, nonce: 0 } }, auth.key),
    'chain_id_mismatch',
  );
});

test('chain ids: the transaction, expected_chain_id and the key’s chain_id must all agree; a key without chain_id never signs', async () => {
  const { key, backend } = await evmTestKeys();
  const hex = serializeTransaction(txs.eip1559!);
  await rejectsWith(
    () => signer.decode({ label: 'evm-hot', expected_chain_id: '1', tx_hex: hex }, key),
    'chain_id_mismatch',
    (e) => assert.equal(e.context.key_chain_id, '31337'),
  );
  const onOther = chainKey('evm-hot', 'k1', key.publicKey, { chain_id: '1' });
  await rejectsWith(
    () => signer.decode({ label: 'evm-hot', expected_chain_id: '1', tx_hex: hex }, onOther),
    'chain_id_mismatch',
    (e) => assert.equal(e.context.expected_chain_id, '1'),
  );
  await rejectsWith(
    () => signer.decode({ label: 'evm-hot', expected_chain_id: '31337', tx: { chainId: '1', nonce: 0, gas: 21000, gasPrice: 1, to: RECIPIENT } }, key),
    'chain_id_mismatch',
  );
  for (const options of [{}, { chain_id: 0 }, { chain_id: 'mainnet' }, { chain_id: -1 }]) {
    await rejectsWith(
      () => signer.decode({ label: 'evm-hot', expected_chain_id: '31337', tx_hex: hex }, chainKey('evm-hot', 'k1', key.publicKey, options)),
      'config_invalid',
    );
  }
  await rejectsWith(() => signer.decode({ label: 'evm-hot', message: 'x' }, chainKey('evm-hot', 'k1', key.publicKey, {})), 'config_invalid');
  // a message with an expected_chain_id must name the key's chain
  await rejectsWith(() => signer.decode({ label: 'evm-hot', expected_chain_id: 5, message: 'x' }, key), 'chain_id_mismatch');
  // typed data without a domain chainId
  await rejectsWith(
    () =>
      signer.decode(
        {
          label: 'evm-hot',
          expected_chain_id: '31337',
          typed_data: { domain: { name: 'x' }, types: { A: [{ name: 'a', type: 'uint8' }] }, primaryType: 'A', message: { a: 1 } },
        },
        key,
      ),
    'chain_id_mismatch',
  );
  assert.equal(backend.signCount('k1'), 0);
});

test('tx_hex: signed, pre-EIP-155, non-canonical, garbage and unknown-type inputs are refused with codes', async () => {
  const { key } = await evmTestKeys();
  const decode = (tx_hex: string) => signer.decode({ label: 'evm-hot', expected_chain_id: '31337', tx_hex }, key);
  const signedTx = await account.signTransaction(txs.eip1559 as never);
  await rejectsWith(() => decode(signedTx), 'decode_failed');
  const preEip155 = serializeTransaction({ ...txs.legacy!, chainId: undefined } as never);
  await rejectsWith(() => decode(preEip155), 'chain_id_mismatch');
  // 0x02 ‖ rlp with a leading-zero nonce (0x0007 instead of 0x07): not canonical
  const canonical = serializeTransaction(txs.eip1559!);
  await rejectsWith(() => decode(canonical + '00'), 'decode_failed');
  for (const g of ['0x', '0x02', '0x02c0', '0xzz', '0x123', 'deadbeef', '0xc0']) await rejectsWith(() => decode(g), 'decode_failed');
  await rejectsWith(() => decode('0x05c0'), 'unsupported');
  await rejectsWith(() => decode('0x7ec0'), 'unsupported');
});

test('JSON tx: missing or foreign fields are invalid_request naming the field; exactly one payload', async () => {
  const { key } = await evmTestKeys();
  const d = (tx: Record<string, unknown>) => signer.decode({ label: 'evm-hot', expected_chain_id: '31337', tx } as never, key);
  await rejectsWith(
    () => d({ nonce: 0, gas: 21000, to: RECIPIENT }),
    'invalid_request',
    (e) => assert.equal(e.context.field, 'tx.gasPrice'),
  );
  await rejectsWith(
    () => d({ type: 'eip1559', nonce: 0, gas: 21000, gasPrice: 1, maxFeePerGas: 1, maxPriorityFeePerGas: 1 }),
    'invalid_request',
    (e) => assert.equal(e.context.field, 'tx.gasPrice'),
  );
  await rejectsWith(
    () => d({ nonce: 0, gas: 21000, gasPrice: 1, to: '0x70997970c51812dc3a010c7d01b50e0d17dc79C8' }),
    'invalid_request',
    (e) => assert.match(e.message, /checksum/),
  );
  await rejectsWith(() => d({ nonce: 0, gas: 2n ** 64n, gasPrice: 1 }), 'invalid_request');
  await rejectsWith(() => d({ nonce: 0, gas: '1e6', gasPrice: 1 }), 'invalid_request');
  await rejectsWith(() => d({ nonce: 0, gas: 1, gasPrice: 1, data: '0x1' }), 'invalid_request');
  await rejectsWith(() => signer.decode({ label: 'evm-hot', expected_chain_id: '31337', message: 'a', tx_hex: '0x00' } as never, key), 'invalid_request');
  await rejectsWith(
    () => signer.decode({ label: 'evm-hot', tx_hex: serializeTransaction(txs.eip1559!) } as never, key),
    'invalid_request',
    (e) => assert.equal(e.context.field, 'expected_chain_id'),
  );
});

test('backend faults never become signatures: high S, wrong recovery id, another key’s signature', async () => {
  const { backend, key, other } = await evmTestKeys();
  const decoded = await signer.decode({ label: 'evm-hot', expected_chain_id: '31337', tx_hex: serializeTransaction(txs.eip1559!) }, key);
  const highS = tamperingBackend(backend, ({ signature, recovery }) => {
    const s = BigInt(toHex(signature.subarray(32)));
    const flipped = Uint8Array.from([...signature.subarray(0, 32), ...Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex')]);
    return { signature: flipped, recovery: (1 - recovery) as 0 | 1 };
  });
  await rejectsWith(() => signer.sign(decoded, key, highS), 'signature_verification_failed');
  await rejectsWith(
    () =>
      signer.sign(
        decoded,
        key,
        tamperingBackend(backend, (x) => ({ ...x, recovery: (1 - x.recovery) as 0 | 1 })),
      ),
    'signature_verification_failed',
  );
  const wrongKey = { ...backend, signSecp256k1: (_ref: unknown, digest: Uint8Array) => backend.signSecp256k1(other.ref, digest) } as typeof backend;
  await rejectsWith(() => signer.sign(decoded, key, wrongKey), 'signature_verification_failed');
  const msg = await signer.decode({ label: 'evm-hot', message: 'x' }, key);
  await rejectsWith(() => signer.sign(msg, key, wrongKey), 'signature_verification_failed');
});

test('a non-secp256k1 key is wrong_chain', async () => {
  const { key } = await evmTestKeys();
  await rejectsWith(() => signer.decode({ label: 'x', message: 'x' }, { ...key, curve: 'ed25519' }), 'wrong_chain');
});

test('EIP-4844: the unsigned transaction signs (when policy allows); the network wrapper with blob sidecars is refused', async () => {
  const { key } = await evmTestKeys();
  const blob: TransactionSerializable = {
    ...txs.eip1559!,
    type: 'eip4844',
    maxFeePerBlobGas: 1n,
    blobVersionedHashes: [`0x01${'ab'.repeat(31)}`],
  } as TransactionSerializable;
  const r = await signBody({ label: 'evm-hot', expected_chain_id: '31337', tx_hex: serializeTransaction(blob) });
  assert.equal(await recoverTransactionAddress({ serializedTransaction: r.body.raw_transaction as never }), account.address);
  assert.deepEqual([...r.decoded.intent.flags], ['blob_transaction']);
  const sidecar = { blob: `0x${'00'.repeat(131072)}`, commitment: `0x${'c0'.repeat(48)}`, proof: `0x${'c0'.repeat(48)}` } as const;
  const wrapped = serializeTransaction({ ...blob, sidecars: [sidecar] } as never);
  await rejectsWith(
    () => signer.decode({ label: 'evm-hot', expected_chain_id: '31337', tx_hex: wrapped }, key),
    'decode_failed',
    (e) => assert.match(e.message, /sidecars/),
  );
});
