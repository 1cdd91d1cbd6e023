import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createPublicClient,
  encodeFunctionData,
  erc20Abi,
  http,
  keccak256,
  maxUint256,
  parseTransaction,
  recoverTransactionAddress,
  serializeTransaction,
  verifyMessage,
  verifyTypedData,
} from 'viem';
import type { Address, Hex, PublicClient, TransactionSerializable } from 'viem';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from '../src/auth/token-store.js';
import { anvilBinary, startAnvil, type Anvil } from '@openkms/tooling/test-helpers';
import { appendToml, keyAddress, waitForAudit } from './support/policy-fixtures.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';

// POST /sign/evm end to end: the demo's simulated YubiHSM2 secp256k1 key (object 0x0100, the one cosmos-hub-0 uses)
// configured a second time as an EVM key; signatures are recovered locally with viem and mined on a real anvil.

const EVM = 'evm-test-0';
const CHAIN_ID = 31337;
const FRIEND = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const STRANGER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const OTHER_CONTRACT = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';

const EVM_KEY = `
[keys.${EVM}]
chain = "evm"
key_id = "0x0100"

[keys.${EVM}.options]
chain_id = ${CHAIN_ID}

[keys.${EVM}.policy]
max_signs_per_minute = 1000
per_tx_caps = { native = "2000000000000000000", "erc20:${TOKEN}" = "1000" }
fee_caps = { native = "10000000000000000" }
allowed_programs = [{ id = "native", comment = "plain ETH transfers" }]
allowed_recipients = [{ asset = "native", addresses = ["${FRIEND}"] }, { asset = "erc20:${TOKEN}", addresses = ["${FRIEND}"] }]
allowed_contracts = [{ address = "${TOKEN}", methods = ["transfer", "0x095ea7b3"] }]
`;

const anvilBin = anvilBinary();

describe('POST /sign/evm over HTTP against a local anvil node', () => {
  let s: TestSigner;
  let anvil: Anvil | undefined;
  let client: PublicClient | undefined;
  let address: Address;
  let token: string;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openkms-evm-'));
    s = await startTestSigner({
      dir,
      config: (toml) => {
        token = TokenStore.load(join(dir, 'tokens.json')).create('evm-agent', [`sign:${EVM}`, 'read']);
        return appendToml(EVM_KEY)(toml);
      },
    });
    address = (await keyAddress(s, EVM)) as Address;
    if ('path' in anvilBin) {
      anvil = await startAnvil(anvilBin.path, CHAIN_ID);
      client = createPublicClient({ transport: http(anvil.url) });
      await client.request({ method: 'anvil_setBalance' as never, params: [address, '0x56bc75e2d63100000'] as never });
    }
  });
  after(async () => {
    await anvil?.stop();
    await s.close();
  });

  const sign = (body: Record<string, unknown>) => s.request('POST', '/sign/evm', { token, body: { label: EVM, ...body } });
  const nonce = async () => (client ? await client.getTransactionCount({ address, blockTag: 'pending' }) : 0);

  test('GET /keys shows the EVM key with its EIP-55 address', async () => {
    assert.match(address, /^0x[0-9a-fA-F]{40}$/);
    assert.notEqual(address, address.toLowerCase(), 'checksummed (mixed case)');
  });

  for (const type of ['legacy', 'eip2930', 'eip1559'] as const) {
    test(`${type}: the signature recovers to the key's address and the transaction is mined`, async (t) => {
      const fees = type === 'eip1559' ? { maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n } : { gasPrice: 2_000_000_000n };
      const tx = { type, chainId: CHAIN_ID, nonce: await nonce(), gas: 21_000n, to: FRIEND, value: 10n ** 15n, ...fees } as TransactionSerializable;
      const body =
        type === 'eip2930' ? { tx: { ...jsonFields(tx), accessList: [] } } : type === 'legacy' ? { tx_hex: serializeTransaction(tx) } : { tx: jsonFields(tx) };
      const res = await sign({ expected_chain_id: String(CHAIN_ID), ...body });
      assert.equal(res.status, 200, res.text);
      const raw = res.json.raw_transaction as Hex;
      assert.equal(await recoverTransactionAddress({ serializedTransaction: raw as never }), address);
      assert.equal(res.json.signer_address, address);
      assert.equal(res.json.tx_hash, keccak256(raw));
      const parsed = parseTransaction(raw) as { type: string; r: Hex; s: Hex };
      assert.equal(parsed.type, type);
      assert.equal(BigInt(parsed.s) <= 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n, true, 'low S');
      const [rec] = await waitForAudit(s, (r) => r.request_id === res.headers.get('x-request-id'));
      assert.equal(rec?.decision, 'allow');
      assert.equal(rec?.intent?.transfers[0]?.to, FRIEND.toLowerCase());
      assert.ok(rec);
      if (!client) return t.skip(`anvil unavailable: ${'missing' in anvilBin ? anvilBin.missing : ''}`);
      const hash = await client.sendRawTransaction({ serializedTransaction: raw });
      assert.equal(hash, res.json.tx_hash);
      const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 20_000 });
      assert.equal(receipt.status, 'success');
      assert.equal(receipt.from.toLowerCase(), address.toLowerCase());
    });
  }

  test('an allowed ERC-20 transfer within its cap signs and is mined', async (t) => {
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [FRIEND, 1000n] });
    const res = await sign({
      expected_chain_id: CHAIN_ID,
      tx: { nonce: await nonce(), gas: '60000', maxFeePerGas: '2000000000', maxPriorityFeePerGas: '1', to: TOKEN, data },
    });
    assert.equal(res.status, 200, res.text);
    if (!client) return t.skip('anvil unavailable');
    const receipt = await client.waitForTransactionReceipt({
      hash: await client.sendRawTransaction({ serializedTransaction: res.json.raw_transaction }),
      pollingInterval: 50,
    });
    assert.equal(receipt.status, 'success');
  });

  test('EIP-712 typed data: the signature verifies with viem verifyTypedData', async () => {
    const typed = {
      domain: { name: 'Orders', version: '1', chainId: CHAIN_ID, verifyingContract: TOKEN },
      types: {
        Order: [
          { name: 'id', type: 'uint256' },
          { name: 'maker', type: 'address' },
        ],
      },
      primaryType: 'Order',
      message: { id: '42', maker: address },
    };
    // unknown typed data is an unknown action of TOKEN with method "Order": allow it for this test through an overlay
    const patch = await s.request('PATCH', `/admin/keys/${EVM}/policy`, {
      token: s.adminToken,
      body: { allow_unknown_instructions: true, allowed_contracts: [{ address: TOKEN, methods: ['transfer', '0x095ea7b3', 'Order'] }] },
    });
    assert.equal(patch.status, 200, patch.text);
    try {
      const res = await sign({ expected_chain_id: CHAIN_ID, typed_data: typed });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.kind, 'typed_data');
      const ok = await verifyTypedData({ address, ...typed, message: { id: 42n, maker: address }, signature: res.json.signature } as never);
      assert.equal(ok, true);
    } finally {
      await s.request('DELETE', `/admin/keys/${EVM}/policy`, { token: s.adminToken });
    }
  });

  test('personal messages only where the policy allows them (allowed_flags = ["personal_message"])', async () => {
    const denied = await sign({ message: 'hello' });
    assert.equal(denied.status, 403, denied.text);
    assert.equal(denied.json.code, 'flag_not_allowed');
    await s.request('PATCH', `/admin/keys/${EVM}/policy`, { token: s.adminToken, body: { allowed_flags: ['personal_message'] } });
    try {
      const res = await sign({ message: 'hello' });
      assert.equal(res.status, 200, res.text);
      assert.equal(await verifyMessage({ address, message: 'hello', signature: res.json.signature }), true);
    } finally {
      await s.request('DELETE', `/admin/keys/${EVM}/policy`, { token: s.adminToken });
    }
  });

  const tx1559 = (fields: Record<string, unknown>) => ({ nonce: 0, gas: '100000', maxFeePerGas: '1000000000', maxPriorityFeePerGas: '1', ...fields });
  const denials: [string, number, string, Record<string, unknown>][] = [
    ['recipient not allowed', 403, 'recipient_not_allowed', { expected_chain_id: CHAIN_ID, tx: tx1559({ to: STRANGER, value: '1' }) }],
    [
      'ERC-20 amount over its cap',
      403,
      'per_tx_cap_exceeded',
      { expected_chain_id: CHAIN_ID, tx: tx1559({ to: TOKEN, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [FRIEND, 1001n] }) }) },
    ],
    [
      'ERC-20 transfer to a recipient not allowed (the decoded recipient, not the token contract)',
      403,
      'recipient_not_allowed',
      { expected_chain_id: CHAIN_ID, tx: tx1559({ to: TOKEN, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [STRANGER, 1n] }) }) },
    ],
    [
      'an unlimited approve',
      403,
      'flag_not_allowed',
      {
        expected_chain_id: CHAIN_ID,
        tx: tx1559({ to: TOKEN, data: encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [FRIEND, maxUint256] }) }),
      },
    ],
    ['wrong chain id (expected_chain_id)', 400, 'chain_id_mismatch', { expected_chain_id: 1, tx: tx1559({ to: FRIEND, value: '1' }) }],
    ['wrong chain id (the transaction’s)', 400, 'chain_id_mismatch', { expected_chain_id: CHAIN_ID, tx: tx1559({ chainId: 1, to: FRIEND, value: '1' }) }],
    [
      'a selector not allowed',
      403,
      'method_not_allowed_by_policy',
      {
        expected_chain_id: CHAIN_ID,
        tx: tx1559({ to: TOKEN, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transferFrom', args: [STRANGER, FRIEND, 1n] }) }),
      },
    ],
    [
      'a contract not allowed',
      403,
      'contract_not_allowed',
      { expected_chain_id: CHAIN_ID, tx: tx1559({ to: OTHER_CONTRACT, data: '0xa9059cbb' + '00'.repeat(64) }) },
    ],
    ['a 7702 authorization', 403, 'flag_not_allowed', { expected_chain_id: CHAIN_ID, authorization: { chainId: CHAIN_ID, address: OTHER_CONTRACT, nonce: 0 } }],
    [
      'a 7702 transaction',
      403,
      'flag_not_allowed',
      {
        expected_chain_id: CHAIN_ID,
        tx: tx1559({
          type: 'eip7702',
          to: FRIEND,
          authorizationList: [{ chainId: CHAIN_ID, address: OTHER_CONTRACT, nonce: 0, r: `0x${'11'.repeat(32)}`, s: `0x${'22'.repeat(32)}`, yParity: 0 }],
        }),
      },
    ],
    ['a contract creation', 403, 'flag_not_allowed', { expected_chain_id: CHAIN_ID, tx: tx1559({ data: '0x6000' }) }],
    [
      'a fee over its cap',
      403,
      'fee_cap_exceeded',
      { expected_chain_id: CHAIN_ID, tx: tx1559({ to: FRIEND, value: '1', gas: '21000', maxFeePerGas: '1000000000000' }) },
    ],
  ];
  for (const [name, status, code, body] of denials) {
    test(`denied: ${name} → ${status} ${code}, with an audit record and no signature`, async () => {
      const res = await sign(body);
      assert.equal(res.status, status, res.text);
      assert.equal(res.json.code, code, res.text);
      assert.equal(res.json.signature, undefined);
      const [rec] = await waitForAudit(s, (r) => r.request_id === res.json.request_id);
      assert.ok(rec, 'audit record');
      assert.equal(rec!.decision, 'deny');
      assert.equal(rec!.reason_code, code);
      assert.equal(rec!.label, EVM);
    });
  }

  test('garbage is a 400 with a code, never a 5xx', async () => {
    const bodies: unknown[] = [
      { label: EVM },
      { label: EVM, expected_chain_id: CHAIN_ID, tx_hex: '0xzz' },
      { label: EVM, expected_chain_id: CHAIN_ID, tx_hex: '0x02c0' },
      { label: EVM, expected_chain_id: CHAIN_ID, tx_hex: '0x02' + 'ff'.repeat(40) },
      { label: EVM, expected_chain_id: CHAIN_ID, tx_hex: '0x05c0' },
      { label: EVM, expected_chain_id: CHAIN_ID, tx_hex: '0xc0', message: 'x' },
      { label: EVM, expected_chain_id: CHAIN_ID, tx: { nonce: -1 } },
      { label: EVM, expected_chain_id: CHAIN_ID, tx: { nonce: 0, gas: '1e9', gasPrice: 1 } },
      { label: EVM, expected_chain_id: CHAIN_ID, tx: { nonce: 0, gas: 1, gasPrice: `0x${'f'.repeat(65)}` } },
      { label: EVM, expected_chain_id: CHAIN_ID, tx: { nonce: 0, gas: 1, gasPrice: 1, to: '0x70997970c51812dc3a010c7d01b50e0d17dc79C8' } },
      { label: EVM, expected_chain_id: CHAIN_ID, tx: { nonce: 0, gas: 1, maxFeePerGas: 1, maxPriorityFeePerGas: 1, gasPrice: 1 } },
      { label: EVM, expected_chain_id: CHAIN_ID, typed_data: { domain: {}, types: {}, primaryType: 'X', message: {} } },
      {
        label: EVM,
        expected_chain_id: CHAIN_ID,
        typed_data: { domain: { chainId: CHAIN_ID }, types: { X: [{ name: 'a', type: 'uint256' }] }, primaryType: 'X', message: { a: 'x' } },
      },
      {
        label: EVM,
        expected_chain_id: CHAIN_ID,
        typed_data: { domain: { chainId: CHAIN_ID }, types: { X: [{ name: 'a', type: 'X' }] }, primaryType: 'X', message: { a: { a: {} } } },
      },
      { label: EVM, message: 5 },
      { label: EVM, message_hex: '0x1' },
      { label: EVM, expected_chain_id: 'abc', message: 'x' },
      { label: EVM, expected_chain_id: CHAIN_ID, authorization: { chainId: CHAIN_ID, address: 'nope', nonce: 0 } },
      [1, 2, 3],
    ];
    for (const body of bodies) {
      const res = await s.request('POST', '/sign/evm', { token, body });
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${res.text}`);
      assert.match(res.json.code, /^(invalid_request|decode_failed|chain_id_mismatch|unsupported)$/, res.text);
    }
  });
});

function jsonFields(tx: TransactionSerializable): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tx)) out[k] = typeof v === 'bigint' ? `0x${v.toString(16)}` : v;
  return out;
}
