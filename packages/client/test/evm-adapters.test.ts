import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicClient, createWalletClient, http, parseEther, recoverTransactionAddress, verifyMessage, verifyTypedData } from 'viem';
import type { Address, PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { recoverAuthorizationAddress } from 'viem/utils';
import { JsonRpcProvider, verifyAuthorization, verifyMessage as ethersVerifyMessage, verifyTypedData as ethersVerifyTypedData } from 'ethers';
import { OpenKmsError } from '../src/index.js';
import { createOpenKmsViemAccount } from '../src/viem-account.js';
import { createOpenKmsEthersSigner } from '../src/ethers-signer.js';
import { anvilBinary, startAnvil, type Anvil } from '@openkms/tooling/test-helpers';
import { startDemoSigner, type DemoSigner } from './support/demo-signer.js';

// The viem Account and the ethers Signer used by their unmodified libraries: sendTransaction mined on anvil.

const EVM = 'evm-hot-0';
const CHAIN_ID = 31337;
const FRIEND = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ORDERS = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const anvilBin = anvilBinary();

const TYPED = {
  domain: { name: 'Orders', version: '1', chainId: CHAIN_ID, verifyingContract: ORDERS },
  types: {
    Order: [
      { name: 'id', type: 'uint256' },
      { name: 'maker', type: 'address' },
      { name: 'tag', type: 'bytes32' },
    ],
  },
  primaryType: 'Order',
} as const;

describe('EVM adapters: viem custom Account and ethers AbstractSigner', { skip: 'missing' in anvilBin ? anvilBin.missing : false }, () => {
  let s: DemoSigner;
  let anvil: Anvil;
  let chain: PublicClient;
  let address: Address;

  before(async () => {
    anvil = await startAnvil((anvilBin as { path: string }).path, CHAIN_ID);
    s = await startDemoSigner({ evmUpstream: anvil.url });
    address = (await s.client().key(EVM)).address as Address;
    chain = createPublicClient({ chain: foundry, transport: http(anvil.url), pollingInterval: 50 });
    await chain.request({ method: 'anvil_setBalance' as never, params: [address, '0x56bc75e2d63100000'] as never });
    // messages and this typed data are refused by the demo policy unless allowed (a runtime overlay)
    // and so is an EIP-7702 delegation to ORDERS (flag, program, and its `delegate` call)
    await s.patchPolicy(EVM, {
      allowed_flags: ['personal_message', 'delegation_authorization'],
      allowed_programs: [{ id: 'native' }, { id: ORDERS }],
      allow_unknown_instructions: true,
      allowed_contracts: [{ address: ORDERS, methods: ['Order', 'delegate'] }],
    });
  });
  after(async () => {
    await s?.close();
    await anvil?.stop();
  });

  test('viem: walletClient.sendTransaction with the openKMS account → mined on anvil, from the key', async () => {
    const account = await createOpenKmsViemAccount(s.client(), { label: EVM });
    assert.equal(account.address, address);
    assert.equal(account.type, 'local');
    const wallet = createWalletClient({ account, chain: foundry, transport: http(anvil.url) });
    const before = await chain.getBalance({ address: FRIEND });
    const hash = await wallet.sendTransaction({ to: FRIEND, value: parseEther('0.1') });
    const receipt = await chain.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, 'success');
    assert.equal(receipt.from.toLowerCase(), address.toLowerCase());
    assert.equal((await chain.getBalance({ address: FRIEND })) - before, parseEther('0.1'));
  });

  test('viem: signTransaction (legacy), signMessage (text and raw), signTypedData (bigint values) and signAuthorization (EIP-7702) verify', async () => {
    const account = await createOpenKmsViemAccount(s.client(), { label: EVM });
    const raw = await account.signTransaction({ chainId: CHAIN_ID, type: 'legacy', nonce: 900, gas: 21000n, gasPrice: 2_000_000_000n, to: FRIEND, value: 1n });
    assert.equal(await recoverTransactionAddress({ serializedTransaction: raw as never }), address);
    assert.equal(await verifyMessage({ address, message: 'hello from viem', signature: await account.signMessage({ message: 'hello from viem' }) }), true);
    const bytes = { raw: new Uint8Array([0, 1, 2, 255]) };
    assert.equal(await verifyMessage({ address, message: bytes, signature: await account.signMessage({ message: bytes }) }), true);
    const message = { id: 42n, maker: address, tag: `0x${'07'.repeat(32)}` as const };
    const signature = await account.signTypedData({ ...TYPED, message });
    assert.equal(await verifyTypedData({ address, ...TYPED, message, signature }), true);
    const authorization = await account.signAuthorization!({ chainId: CHAIN_ID, address: ORDERS, nonce: 5 });
    assert.deepEqual(
      { ...authorization, r: undefined, s: undefined, yParity: undefined },
      { address: ORDERS, chainId: CHAIN_ID, nonce: 5, r: undefined, s: undefined, yParity: undefined },
    );
    assert.equal(await recoverAuthorizationAddress({ authorization }), address);
  });

  test('viem: sign (a raw hash) is not in the API → OpenKmsError unsupported; a denial → per_tx_cap_exceeded', async () => {
    const account = await createOpenKmsViemAccount(s.client(), { label: EVM });
    await assert.rejects(account.sign!({ hash: `0x${'11'.repeat(32)}` }), (e: unknown) => e instanceof OpenKmsError && e.code === 'unsupported');
    const wallet = createWalletClient({ account, chain: foundry, transport: http(anvil.url) });
    await assert.rejects(wallet.sendTransaction({ to: FRIEND, value: parseEther('2') }), (e: unknown) => {
      const cause = (e as { walk?: (f: (c: unknown) => boolean) => unknown }).walk?.((c) => c instanceof OpenKmsError) ?? e;
      assert.ok(cause instanceof OpenKmsError, String(e));
      assert.equal(cause.code, 'per_tx_cap_exceeded');
      assert.equal(cause.status, 403);
      return true;
    });
  });

  test('ethers: signer.sendTransaction with the openKMS signer → mined on anvil; signMessage, signTypedData and authorize (EIP-7702) verify', async () => {
    const provider = new JsonRpcProvider(anvil.url, CHAIN_ID, { staticNetwork: true, pollingInterval: 50 });
    try {
      const signer = await createOpenKmsEthersSigner(s.client(), { label: EVM }, provider);
      assert.equal(await signer.getAddress(), address);
      const tx = await signer.sendTransaction({ to: FRIEND, value: parseEther('0.2') });
      const receipt = await tx.wait();
      assert.equal(receipt?.status, 1);
      assert.equal(receipt?.from, address);
      // balances at the block before and the block of the receipt (ethers briefly caches identical 'latest' queries)
      const block = receipt!.blockNumber;
      assert.equal((await provider.getBalance(FRIEND, block)) - (await provider.getBalance(FRIEND, block - 1)), parseEther('0.2'));

      assert.equal(ethersVerifyMessage('hello from ethers', await signer.signMessage('hello from ethers')), address);
      assert.equal(ethersVerifyMessage(new Uint8Array([9, 8, 7]), await signer.signMessage(new Uint8Array([9, 8, 7]))), address);
      const types = { Order: [...TYPED.types.Order] };
      const value = { id: 43n, maker: address, tag: '0x' + '07'.repeat(32) };
      assert.equal(ethersVerifyTypedData(TYPED.domain, types, value, await signer.signTypedData(TYPED.domain, types, value)), address);

      const auth = await signer.authorize({ address: ORDERS });
      assert.equal(auth.chainId, BigInt(CHAIN_ID));
      assert.equal(auth.nonce, BigInt(await provider.getTransactionCount(address)), 'nonce from the provider');
      assert.equal(verifyAuthorization(auth, auth.signature), address);

      const other = signer.connect(null);
      assert.equal(await other.getAddress(), address);
      await assert.rejects(signer.signTransaction({ from: FRIEND, to: FRIEND, chainId: CHAIN_ID }), { code: 'signer_mismatch' });
      await assert.rejects(signer.sendTransaction({ to: FRIEND, value: parseEther('2') }), { name: 'OpenKmsError', code: 'per_tx_cap_exceeded' });
    } finally {
      provider.destroy();
    }
  });
});
