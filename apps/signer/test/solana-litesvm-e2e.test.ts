import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { address, lamports } from '@solana/kit';
import { getSetComputeUnitLimitInstruction, getSetComputeUnitPriceInstruction } from '@solana-program/compute-budget';
import { getAdvanceNonceAccountInstruction, getTransferSolInstruction } from '@solana-program/system';
import { TOKEN_PROGRAM_ADDRESS, getCreateAssociatedTokenIdempotentInstruction, getTransferCheckedInstruction } from '@solana-program/token';
import { Keypair, PublicKey, SystemProgram, TransactionMessage, VersionedTransaction } from '@solana/web3.js';
import { LiteSVM } from 'litesvm';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { SOL, appendToml, keyAddress, signSolana, waitForAudit, withPolicy } from './support/policy-fixtures.js';
import { startLiteSvmRpcShim, type LiteSvmRpcShim } from './support/litesvm-rpc-shim.js';
import { compileMessage, noopSigner } from './support/solana-kit-messages.js';
import { ata, execute, setLookupTable, setMint, setTokenAccount, tokenBalance, wireTransaction } from './support/solana-vm-fixtures.js';

const SYSTEM = '11111111111111111111111111111111';
const COMPUTE = 'ComputeBudget111111111111111111111111111111';
const ATA_PROGRAM = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';
const addr = (n: number) => Keypair.fromSeed(new Uint8Array(32).fill(n)).publicKey.toBase58();
const MINT = addr(100);
const WALLET = addr(101);
const SOL_1 = 1_000_000_000n;

describe('Solana end to end: HTTP → signer → litesvm executes the signed bytes', () => {
  let svm: LiteSVM;
  let rpc: LiteSvmRpcShim;
  let s: TestSigner;
  let payer: string;
  const balance = (a: string) => svm.getBalance(address(a)) ?? 0n;

  before(async () => {
    svm = new LiteSVM();
    rpc = await startLiteSvmRpcShim(svm);
    s = await startTestSigner({
      config: (toml) =>
        appendToml(`[plugins.solana]\nrpc_url = "${rpc.url}"\nrpc_timeout_ms = 2000`)(
          withPolicy(
            SOL,
            `
allowed_programs = [{ id = "${SYSTEM}" }, { id = "${COMPUTE}" }, { id = "${TOKEN_PROGRAM_ADDRESS}" }, { id = "${ATA_PROGRAM}" }]
per_tx_caps = { native = "${3n * SOL_1}", "spl:${MINT}" = "1000000" }
fee_caps = { native = "1000000" }
allowed_recipients = [{ program = "${TOKEN_PROGRAM_ADDRESS}", addresses = ["${WALLET}"] }]
`,
          )(toml),
        ),
    });
    payer = await keyAddress(s, SOL);
    svm.airdrop(address(payer), lamports(10n * SOL_1));
    setMint(svm, MINT, 6, 10_000_000n);
  });
  after(async () => {
    await s.close();
    await rpc.close();
  });

  async function signAndExecute(messageBytes: Uint8Array, extra: Record<string, unknown> = {}): Promise<void> {
    const res = await signSolana(s, { label: SOL, message_b64: Buffer.from(messageBytes).toString('base64'), ...extra });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.fee_payer, payer);
    const [rec] = await waitForAudit(s, (r) => r.request_id === res.headers.get('x-request-id') && r.decision === 'allow');
    assert.ok(rec, 'the signature is audited');
    execute(svm, wireTransaction(messageBytes, res.json.signature_b64));
  }

  test('a legacy SOL transfer executes; balances move by the amount and the base fee', async () => {
    const to = addr(110);
    const before = balance(payer);
    const message = compileMessage({
      version: 'legacy',
      feePayer: payer,
      blockhash: svm.latestBlockhash(),
      instructions: [getTransferSolInstruction({ source: noopSigner(payer), destination: address(to), amount: SOL_1 })],
    });
    await signAndExecute(message);
    assert.equal(balance(to), SOL_1);
    assert.equal(balance(payer), before - SOL_1 - 5000n);
  });

  test('a v0 transfer whose recipient comes from a real lookup table, resolved through the RPC', async () => {
    const table = addr(120);
    const to = addr(121);
    setLookupTable(svm, table, [addr(122), to]);
    const message = compileMessage({
      feePayer: payer,
      blockhash: svm.latestBlockhash(),
      instructions: [getTransferSolInstruction({ source: noopSigner(payer), destination: address(to), amount: 2n * SOL_1 })],
      tables: { [table]: [addr(122), to] },
    });
    assert.equal(Buffer.from(message).includes(new PublicKey(to).toBuffer()), false, 'the recipient is not in the message itself');
    await signAndExecute(message);
    assert.ok(rpc.calls.includes(table), 'the table was read from the RPC');
    assert.equal(balance(to), 2n * SOL_1);
  });

  test('ATA creation with compute budget instructions: fee = base + priority, paid by the key', async () => {
    const walletAta = await ata(WALLET, MINT);
    const before = balance(payer);
    const message = compileMessage({
      feePayer: payer,
      blockhash: svm.latestBlockhash(),
      instructions: [
        getSetComputeUnitLimitInstruction({ units: 60_000 }),
        getSetComputeUnitPriceInstruction({ microLamports: 500_000n }),
        getCreateAssociatedTokenIdempotentInstruction({ payer: noopSigner(payer), ata: walletAta, owner: address(WALLET), mint: address(MINT) }),
      ],
    });
    await signAndExecute(message);
    assert.equal(tokenBalance(svm, walletAta), 0n, 'the ATA exists');
    const rent = balance(walletAta);
    assert.equal(before - balance(payer), 5000n + 30_000n + rent, 'base fee + ceil(500000 × 60000 / 1e6) + rent');
  });

  test("an SPL TransferChecked into an allowed wallet's ATA executes (recipient passes by derivation)", async () => {
    const from = await setTokenAccount(svm, payer, MINT, 1_000_000n);
    const to = await ata(WALLET, MINT);
    const message = compileMessage({
      feePayer: payer,
      blockhash: svm.latestBlockhash(),
      instructions: [
        getTransferCheckedInstruction({ source: from, mint: address(MINT), destination: to, authority: noopSigner(payer), amount: 250_000n, decimals: 6 }),
      ],
    });
    await signAndExecute(message);
    assert.equal(tokenBalance(svm, to), 250_000n);
    assert.equal(tokenBalance(svm, from), 750_000n);
  });

  test('a partially signed transaction_b64: signed_transaction_b64 executes unchanged', async () => {
    const cosigner = Keypair.fromSeed(new Uint8Array(32).fill(130));
    const to = addr(131);
    svm.airdrop(address(cosigner.publicKey.toBase58()), lamports(SOL_1));
    const message = new TransactionMessage({
      payerKey: new PublicKey(payer),
      recentBlockhash: svm.latestBlockhash(),
      instructions: [SystemProgram.transfer({ fromPubkey: cosigner.publicKey, toPubkey: new PublicKey(to), lamports: 400_000_000n })],
    }).compileToV0Message();
    const tx = new VersionedTransaction(message);
    tx.sign([cosigner]);
    const sent = tx.serialize();
    const res = await signSolana(s, { label: SOL, transaction_b64: Buffer.from(sent).toString('base64') });
    assert.equal(res.status, 200, res.text);
    const signed = Buffer.from(res.json.signed_transaction_b64, 'base64');
    assert.deepEqual(signed.subarray(65), Buffer.from(sent.subarray(65)), 'co-signature and message untouched');
    execute(svm, signed);
    assert.equal(balance(to), 400_000_000n);
  });

  test('a replay returns the body of the same request shape: a message first, then the whole transaction', async () => {
    const message = compileMessage({
      feePayer: payer,
      blockhash: svm.latestBlockhash(),
      instructions: [getTransferSolInstruction({ source: noopSigner(payer), destination: address(addr(140)), amount: 5n })],
    });
    const asMessage = await signSolana(s, { label: SOL, message_b64: Buffer.from(message).toString('base64') });
    assert.equal(asMessage.status, 200, asMessage.text);
    assert.equal(asMessage.json.signed_transaction_b64, undefined);
    const unsigned = Uint8Array.from([1, ...new Uint8Array(64), ...message]);
    const asTransaction = await signSolana(s, { label: SOL, transaction_b64: Buffer.from(unsigned).toString('base64') });
    assert.equal(asTransaction.status, 200, asTransaction.text);
    assert.equal(asTransaction.json.signature_b64, asMessage.json.signature_b64);
    assert.ok(asTransaction.json.signed_transaction_b64, 'not the cached message-shaped body');
    const again = await signSolana(s, { label: SOL, transaction_b64: Buffer.from(unsigned).toString('base64') });
    assert.deepEqual(again.json, asTransaction.json);
    const [rec] = await waitForAudit(s, (r) => r.request_id === again.headers.get('x-request-id'));
    assert.equal(rec?.decision, 'replay');
  });

  test('a durable-nonce transaction is signed and flagged durable_nonce in the audit record', async () => {
    const nonce = addr(150);
    const message = compileMessage({
      feePayer: payer,
      blockhash: addr(151),
      instructions: [
        getAdvanceNonceAccountInstruction({ nonceAccount: address(nonce), nonceAuthority: noopSigner(payer) }),
        getTransferSolInstruction({ source: noopSigner(payer), destination: address(addr(152)), amount: 5n }),
      ],
    });
    const res = await signSolana(s, { label: SOL, message_b64: Buffer.from(message).toString('base64') });
    assert.equal(res.status, 200, res.text);
    const [rec] = await waitForAudit(s, (r) => r.request_id === res.headers.get('x-request-id'));
    assert.ok(rec?.intent?.flags.includes('durable_nonce'));
  });
});
