import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  address,
  appendTransactionMessageInstructions,
  blockhash,
  createTransactionMessage,
  getSignatureFromTransaction,
  getTransactionDecoder,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
} from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import { Keypair, PublicKey, SystemProgram, Transaction, TransactionMessage, VersionedTransaction } from '@solana/web3.js';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import { OpenKmsError } from '../src/index.js';
import { createOpenKmsKitSigner } from '../src/solana-kit-signer.js';
import { createOpenKmsWeb3Signer } from '../src/solana-web3-signer.js';
import { startDemoSigner, type DemoSigner } from './support/demo-signer.js';

// The Solana adapters used by their unmodified libraries; the signed transactions execute in litesvm.

const SOL = 'solana-hot-0';
const SOL_1 = 1_000_000_000n;
const addr = (n: number) => Keypair.fromSeed(new Uint8Array(32).fill(n)).publicKey.toBase58();

/** litesvm 1.x takes @solana/kit transactions: web3.js wire bytes go through kit's decoder. */
const fromWire = (wire: Uint8Array) => getTransactionDecoder().decode(wire);

function executeOk(result: ReturnType<LiteSVM['sendTransaction']>): void {
  if (result instanceof FailedTransactionMetadata) assert.fail(`transaction failed: ${result.toString()}`);
}

describe('Solana adapters: @solana/kit TransactionPartialSigner and the @solana/web3.js wallet shape', () => {
  let s: DemoSigner;
  let svm: LiteSVM;
  let payer: string;
  const balance = (a: string) => svm.getBalance(address(a)) ?? 0n;

  before(async () => {
    s = await startDemoSigner();
    svm = new LiteSVM();
    payer = (await s.client().key(SOL)).address!;
    svm.airdrop(address(payer), lamports(10n * SOL_1));
  });
  after(async () => {
    await s.close();
  });

  test('kit: signTransactionMessageWithSigners with the openKMS signer as fee payer → the transaction executes in litesvm', async () => {
    const signer = await createOpenKmsKitSigner(s.client(), { label: SOL, cluster: 'mainnet-beta' });
    assert.equal(signer.address, payer);
    const to = addr(10);
    const message = pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(signer, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: blockhash(svm.latestBlockhash()), lastValidBlockHeight: 1_000_000n }, m),
      (m) => appendTransactionMessageInstructions([getTransferSolInstruction({ source: signer, destination: address(to), amount: SOL_1 })], m),
    );
    const signed = await signTransactionMessageWithSigners(message);
    const before = balance(payer);
    executeOk(svm.sendTransaction(signed));
    assert.equal(balance(to), SOL_1);
    assert.equal(balance(payer), before - SOL_1 - 5000n);
    assert.equal(typeof getSignatureFromTransaction(signed), 'string');
  });

  test('kit: a transfer over the per-tx cap is refused: OpenKmsError per_tx_cap_exceeded, 403, with the rule in details', async () => {
    const signer = await createOpenKmsKitSigner(s.client(), { label: SOL });
    const message = pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(signer, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: blockhash(svm.latestBlockhash()), lastValidBlockHeight: 1_000_000n }, m),
      (m) => appendTransactionMessageInstructions([getTransferSolInstruction({ source: signer, destination: address(addr(11)), amount: 6n * SOL_1 })], m),
    );
    await assert.rejects(signTransactionMessageWithSigners(message), (err: unknown) => {
      assert.ok(err instanceof OpenKmsError, String(err));
      assert.equal(err.code, 'per_tx_cap_exceeded');
      assert.equal(err.status, 403);
      assert.equal(err.details.rule, 'per_tx_caps');
      assert.ok(err.requestId);
      return true;
    });
  });

  test('web3.js: a VersionedTransaction co-signed by another keypair, signed through the adapter, executes in litesvm', async () => {
    const wallet = await createOpenKmsWeb3Signer(s.client(), { label: SOL });
    assert.ok(wallet.publicKey.equals(new PublicKey(payer)));
    const cosigner = Keypair.fromSeed(new Uint8Array(32).fill(20));
    svm.airdrop(address(cosigner.publicKey.toBase58()), lamports(SOL_1));
    const to = addr(21);
    const tx = new VersionedTransaction(
      new TransactionMessage({
        payerKey: wallet.publicKey,
        recentBlockhash: svm.latestBlockhash(),
        instructions: [
          SystemProgram.transfer({ fromPubkey: wallet.publicKey, toPubkey: new PublicKey(to), lamports: 300_000_000n }),
          SystemProgram.transfer({ fromPubkey: cosigner.publicKey, toPubkey: new PublicKey(to), lamports: 200_000_000n }),
        ],
      }).compileToV0Message(),
    );
    tx.sign([cosigner]);
    const same = await wallet.signTransaction(tx);
    assert.equal(same, tx, 'signed in place, as a wallet does');
    executeOk(svm.sendTransaction(fromWire(tx.serialize())));
    assert.equal(balance(to), 500_000_000n);
  });

  test('web3.js: signAllTransactions with legacy Transactions (fee payer filled in) → each executes', async () => {
    const wallet = await createOpenKmsWeb3Signer(s.client(), { label: SOL });
    const legacy = (to: string, n: number) => {
      const t = new Transaction({ recentBlockhash: svm.latestBlockhash() });
      t.add(SystemProgram.transfer({ fromPubkey: wallet.publicKey, toPubkey: new PublicKey(to), lamports: n }));
      return t;
    };
    const [a, b] = await wallet.signAllTransactions([legacy(addr(30), 1_000_000), legacy(addr(31), 2_000_000)]);
    assert.ok(a!.feePayer?.equals(wallet.publicKey));
    assert.ok(a!.verifySignatures() && b!.verifySignatures());
    executeOk(svm.sendTransaction(fromWire(a!.serialize())));
    executeOk(svm.sendTransaction(fromWire(b!.serialize())));
    assert.equal(balance(addr(30)), 1_000_000n);
    assert.equal(balance(addr(31)), 2_000_000n);
  });

  test('kit: the cluster option is sent as expected_chain_id: another cluster than the key signs for → 400 chain_id_mismatch', async () => {
    const signer = await createOpenKmsKitSigner(s.client(), { label: SOL, cluster: 'devnet' });
    const message = pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(signer, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: blockhash(svm.latestBlockhash()), lastValidBlockHeight: 1_000_000n }, m),
      (m) => appendTransactionMessageInstructions([getTransferSolInstruction({ source: signer, destination: address(addr(12)), amount: 1n })], m),
    );
    await assert.rejects(signTransactionMessageWithSigners(message), { name: 'OpenKmsError', code: 'chain_id_mismatch', status: 400 });
  });

  test('an adapter for a key of another chain or an unknown label is refused before signing', async () => {
    await assert.rejects(createOpenKmsKitSigner(s.client(), { label: 'cosmos-hub-0' }), { code: 'signer_mismatch' });
    await assert.rejects(createOpenKmsWeb3Signer(s.client(), { label: 'nope' }), { code: 'unknown_label' });
  });
});
