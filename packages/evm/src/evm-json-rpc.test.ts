import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ErrorCode, MemoryNonceStore, NonceManager, isOpenKmsError, openKmsError } from '@openkms/core';
import type { ChainKey, ChainRpcContext } from '@openkms/core';
import { evmAddress } from './evm-address.js';
import { createEvmJsonRpc } from './evm-json-rpc.js';

// The EVM method table with a fake signer context: what is filled, what is signed, and what happens to nonces.

const publicKey = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true);
const KEY: ChainKey = {
  label: 'evm-0',
  chain: 'evm',
  curve: 'secp256k1',
  ref: { id: '0x0100' } as never,
  publicKey,
  address: evmAddress(publicKey),
  options: { chain_id: 31337 },
};
const ADDRESS = evmAddress(publicKey);
const FRIEND = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

interface Fake {
  ctx: ChainRpcContext;
  signed: Record<string, any>[];
  upstreamCalls: string[];
  refusals: string[];
  nonces: NonceManager;
}

function fake(opts: { sign?: (body: any) => Promise<any>; upstream?: Record<string, (params: any) => unknown>; pending?: bigint } = {}): Fake {
  const signed: Record<string, any>[] = [];
  const upstreamCalls: string[] = [];
  const refusals: string[] = [];
  const nonces = new NonceManager(new MemoryNonceStore());
  const handlers: Record<string, (params: any) => unknown> = {
    eth_estimateGas: () => '0x5208',
    eth_getBlockByNumber: () => ({ baseFeePerGas: '0x3b9aca00' }),
    eth_maxPriorityFeePerGas: () => '0x1',
    eth_gasPrice: () => '0x77359400',
    eth_getTransactionCount: () => `0x${(opts.pending ?? 5n).toString(16)}`,
    eth_sendRawTransaction: () => '0xhash',
    eth_getBalance: () => '0x10',
    ...opts.upstream,
  };
  const ctx: ChainRpcContext = {
    network: { name: 'local', chain: 'evm', upstream: 'http://node', options: { chain_id: 31337 } },
    accounts: async () => [KEY, { ...KEY, label: 'other-chain', options: { chain_id: 1 } }],
    sign: async (body) => {
      signed.push(body as Record<string, any>);
      if (opts.sign) return opts.sign(body);
      return { raw_transaction: '0xraw', tx_hash: '0xhash', signature: '0xsig' };
    },
    upstream: async (method, params) => {
      upstreamCalls.push(method);
      const h = handlers[method];
      if (!h) throw new Error(`unexpected upstream ${method}`);
      return h(params);
    },
    nonces,
    refuse: (code, reason) => refusals.push(`${code}: ${reason}`),
  };
  return { ctx, signed, upstreamCalls, refusals, nonces };
}

const rpc = createEvmJsonRpc();
const key = NonceManager.key('local', ADDRESS);
const rejected = (message: string) =>
  openKmsError(ErrorCode.upstreamRejected, `refused: ${message}`, { upstream_code: -32000, upstream_message: message }, { code: -32000, message });

test('eth_accounts lists the keys of the network (chain_id), eth_chainId needs no node', async () => {
  const f = fake();
  assert.deepEqual(await rpc.handle({ method: 'eth_accounts', params: [] }, f.ctx), [ADDRESS]);
  assert.equal(await rpc.handle({ method: 'eth_chainId', params: [] }, f.ctx), '0x7a69');
  assert.deepEqual(f.upstreamCalls, []);
});

test('eth_sendTransaction fills gas, EIP-1559 fees (2 × base fee + priority) and the nonce, then sends', async () => {
  const f = fake();
  assert.equal(await rpc.handle({ method: 'eth_sendTransaction', params: [{ from: ADDRESS.toLowerCase(), to: FRIEND, value: '0x1' }] }, f.ctx), '0xhash');
  const tx = f.signed[0]!.tx;
  assert.equal(f.signed[0]!.label, 'evm-0');
  assert.equal(f.signed[0]!.expected_chain_id, '31337');
  assert.deepEqual(
    { nonce: tx.nonce, gas: tx.gas, maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas, chainId: tx.chainId },
    { nonce: '0x5', gas: '0x5208', maxFeePerGas: '0x77359401', maxPriorityFeePerGas: '0x1', chainId: '0x7a69' },
  );
  assert.equal(tx.gasPrice, undefined);
  assert.deepEqual(f.upstreamCalls, [
    'eth_estimateGas',
    'eth_getBlockByNumber',
    'eth_maxPriorityFeePerGas',
    'eth_getTransactionCount',
    'eth_sendRawTransaction',
  ]);
});

test('no base fee (a pre-London chain): a legacy transaction at eth_gasPrice', async () => {
  const f = fake({ upstream: { eth_getBlockByNumber: () => ({ number: '0x1' }) } });
  await rpc.handle({ method: 'eth_sendTransaction', params: [{ from: ADDRESS, to: FRIEND, value: '0x1', gas: '0x5208' }] }, f.ctx);
  assert.equal(f.signed[0]!.tx.gasPrice, '0x77359400');
  assert.equal(f.signed[0]!.tx.maxFeePerGas, undefined);
});

test('a refused signature (before the node) releases its nonce: the next send gets it', async () => {
  let refuse = true;
  const f = fake({
    sign: async () => {
      if (refuse) throw openKmsError(ErrorCode.recipientNotAllowed, 'policy: no', {});
      return { raw_transaction: '0xraw', tx_hash: '0xhash' };
    },
  });
  const send = () => rpc.handle({ method: 'eth_sendTransaction', params: [{ from: ADDRESS, to: FRIEND, value: '0x1' }] }, f.ctx);
  await assert.rejects(send(), (e) => isOpenKmsError(e) && e.code === ErrorCode.recipientNotAllowed);
  refuse = false;
  await send();
  assert.deepEqual(
    f.signed.map((b) => b.tx.nonce),
    ['0x5', '0x5'],
  );
  assert.deepEqual(await f.nonces.store.peek(key), { next: 6n, released: [], leased: [] }, 'the sent nonce confirmed: no lease left');
});

test('a node rejection (insufficient funds) releases the nonce; an unreachable node before sending too', async () => {
  let answer: () => unknown = () => {
    throw rejected('insufficient funds for gas * price + value');
  };
  const f = fake({ upstream: { eth_sendRawTransaction: () => answer() } });
  const send = () => rpc.handle({ method: 'eth_sendTransaction', params: [{ from: ADDRESS, to: FRIEND, value: '0x1' }] }, f.ctx);
  await assert.rejects(send(), (e) => isOpenKmsError(e) && e.code === ErrorCode.upstreamRejected);
  assert.deepEqual(await f.nonces.store.peek(key), { next: 5n, released: [], leased: [] });
  answer = () => {
    throw openKmsError(ErrorCode.rpcUnavailable, 'down', { delivery: 'not_sent' });
  };
  await assert.rejects(send(), (e) => isOpenKmsError(e) && e.code === ErrorCode.rpcUnavailable);
  assert.deepEqual(await f.nonces.store.peek(key), { next: 5n, released: [], leased: [] });
  // a timeout after the request was written: fate unknown, the next send re-reads the node
  answer = () => {
    throw openKmsError(ErrorCode.rpcUnavailable, 'timeout', { delivery: 'unknown' });
  };
  await assert.rejects(send());
  assert.equal(await f.nonces.store.peek(key), undefined);
});

for (const [what, message, chainNext] of [
  ['"nonce too low" (the account was used elsewhere)', 'nonce too low: next nonce 9, tx nonce 5', 9n],
  [
    'a nonce another pending transaction holds ("replacement transaction underpriced": a sender whose lease lapsed sent it after all)',
    'replacement transaction underpriced',
    6n,
  ],
] as const) {
  test(`${what}: resynchronised from the node and retried once with the new nonce`, async () => {
    let pending = 5n;
    let first = true;
    const f = fake({
      upstream: {
        eth_getTransactionCount: () => `0x${pending.toString(16)}`,
        eth_sendRawTransaction: () => {
          if (first) {
            first = false;
            pending = chainNext;
            throw rejected(message);
          }
          return '0xhash';
        },
      },
    });
    await rpc.handle({ method: 'eth_sendTransaction', params: [{ from: ADDRESS, to: FRIEND, value: '0x1' }] }, f.ctx);
    assert.deepEqual(
      f.signed.map((b) => b.tx.nonce),
      ['0x5', `0x${chainNext.toString(16)}`],
    );
    assert.deepEqual(await f.nonces.store.peek(key), { next: chainNext + 1n, released: [], leased: [] });
  });
}

test('"already known" is success, and confirms the nonce', async () => {
  const known = fake({
    upstream: {
      eth_sendRawTransaction: () => {
        throw rejected('already known');
      },
    },
  });
  assert.equal(await rpc.handle({ method: 'eth_sendTransaction', params: [{ from: ADDRESS, to: FRIEND, value: '0x1' }] }, known.ctx), '0xhash');
  assert.deepEqual(await known.nonces.store.peek(key), { next: 6n, released: [], leased: [] });
});

test('the transaction is out but its confirmation fails (the store unreachable): the hash is still the answer', async () => {
  const f = fake();
  const store = f.nonces.store as MemoryNonceStore;
  store.confirm = async () => {
    throw openKmsError('state_unavailable', 'redis down', {});
  };
  assert.equal(await rpc.handle({ method: 'eth_sendTransaction', params: [{ from: ADDRESS, to: FRIEND, value: '0x1' }] }, f.ctx), '0xhash');
  assert.deepEqual(await store.peek(key), { next: 6n, released: [], leased: [5n] }, 'left to its lease');
});

test('a client nonce is used as is; eth_signTransaction reads the pending nonce without allocating', async () => {
  const f = fake();
  await rpc.handle({ method: 'eth_sendTransaction', params: [{ from: ADDRESS, to: FRIEND, value: '0x1', nonce: '0x2a' }] }, f.ctx);
  assert.equal(f.signed[0]!.tx.nonce, '0x2a');
  assert.equal(await f.nonces.store.peek(key), undefined);
  assert.equal(await rpc.handle({ method: 'eth_signTransaction', params: [{ from: ADDRESS, to: FRIEND, value: '0x1' }] }, f.ctx), '0xraw');
  assert.equal(f.signed[1]!.tx.nonce, '0x5');
  assert.equal(await f.nonces.store.peek(key), undefined);
});

test('refusals: a from that is not the caller’s (audited), unknown fields, eth_sign (audited), methods off the allowlist', async () => {
  const f = fake();
  const code = (c: string) => (e: unknown) => isOpenKmsError(e) && e.code === c;
  await assert.rejects(rpc.handle({ method: 'eth_sendTransaction', params: [{ from: FRIEND, to: FRIEND }] }, f.ctx), code('forbidden_scope'));
  await assert.rejects(rpc.handle({ method: 'eth_sendTransaction', params: [{ from: ADDRESS, to: FRIEND, blobs: [] }] }, f.ctx), code('invalid_request'));
  await assert.rejects(rpc.handle({ method: 'eth_sign', params: [ADDRESS, '0x00'] }, f.ctx), code('rpc_method_not_allowed'));
  await assert.rejects(rpc.handle({ method: 'eth_sendRawTransaction', params: ['0x00'] }, f.ctx), code('rpc_method_not_allowed'));
  await assert.rejects(rpc.handle({ method: 'eth_sendTransaction', params: { from: ADDRESS } }, f.ctx), code('invalid_request'));
  assert.equal(f.refusals.length, 2);
  assert.equal(await rpc.handle({ method: 'eth_getBalance', params: [ADDRESS, 'latest'] }, f.ctx), '0x10');
  assert.deepEqual(f.signed, []);
});

test('personal_sign (hex or text) and eth_signTypedData_v4 (JSON string) go to the pipeline as /sign/evm bodies', async () => {
  const f = fake();
  await rpc.handle({ method: 'personal_sign', params: ['0x6869', ADDRESS] }, f.ctx);
  await rpc.handle({ method: 'personal_sign', params: ['hi', ADDRESS] }, f.ctx);
  const typed = { domain: { chainId: 31337 }, types: { X: [{ name: 'a', type: 'uint256' }] }, primaryType: 'X', message: { a: '1' } };
  await rpc.handle({ method: 'eth_signTypedData_v4', params: [ADDRESS, JSON.stringify(typed)] }, f.ctx);
  assert.deepEqual(f.signed, [
    { label: 'evm-0', message_hex: '0x6869' },
    { label: 'evm-0', message: 'hi' },
    { label: 'evm-0', expected_chain_id: '31337', typed_data: typed },
  ]);
});
