import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { address, lamports } from '@solana/kit';
import { getSetComputeUnitLimitInstruction, getSetComputeUnitPriceInstruction } from '@solana-program/compute-budget';
import { getAssignInstruction, getTransferSolInstruction } from '@solana-program/system';
import { TOKEN_PROGRAM_ADDRESS, getTransferCheckedInstruction } from '@solana-program/token';
import { Keypair } from '@solana/web3.js';
import { LiteSVM } from 'litesvm';
import type { Instruction } from '@solana/kit';
import { startTestSigner, type TestResponse, type TestSigner } from './support/test-signer.js';
import { SOL, appendToml, hsmEddsaSigns, keyAddress, signSolana, waitForAudit, withPolicy } from './support/policy-fixtures.js';
import { startLiteSvmRpcShim, type LiteSvmRpcShim } from './support/litesvm-rpc-shim.js';
import { compileMessage, noopSigner } from './support/solana-kit-messages.js';
import { ata, setLookupTable } from './support/solana-vm-fixtures.js';

const SYSTEM = '11111111111111111111111111111111';
const COMPUTE = 'ComputeBudget111111111111111111111111111111';
const MEMO = 'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr';
const addr = (n: number) => Keypair.fromSeed(new Uint8Array(32).fill(n)).publicKey.toBase58();
const MINT = addr(200);
const ALLOWED = addr(201);
const EVIL = addr(202);
const TABLE = addr(203);

describe('Solana denials over HTTP: each with its code and an audit record, never a 5xx for bad bytes', () => {
  let svm: LiteSVM;
  let rpc: LiteSvmRpcShim;
  let s: TestSigner;
  let payer: string;

  before(async () => {
    svm = new LiteSVM();
    setLookupTable(svm, TABLE, [ALLOWED, EVIL]);
    rpc = await startLiteSvmRpcShim(svm);
    s = await startTestSigner({
      config: (toml) =>
        appendToml(`[plugins.solana]\nrpc_url = "${rpc.url}"\nrpc_timeout_ms = 1000`)(
          withPolicy(
            SOL,
            `
allowed_programs = [{ id = "${SYSTEM}", instructions = ["transfer"] }, { id = "${COMPUTE}" }, { id = "${TOKEN_PROGRAM_ADDRESS}" }]
per_tx_caps = { native = "1000000", "spl:${MINT}" = "500" }
fee_caps = { native = "20000" }
allowed_recipients = [{ program = "${SYSTEM}", addresses = ["${ALLOWED}"] }]
# an Assign is also an authority change (a risk flag): allowed here so that the instruction rule alone decides
allowed_flags = ["authority_change"]
`,
          )(toml),
        ),
    });
    payer = await keyAddress(s, SOL);
    svm.airdrop(address(payer), lamports(1_000_000_000n));
  });
  after(async () => {
    await s.close();
    await rpc.close();
  });

  const message = (instructions: Instruction[], opts: { tables?: Record<string, string[]>; feePayer?: string } = {}) =>
    compileMessage({ feePayer: opts.feePayer ?? payer, blockhash: svm.latestBlockhash(), instructions, ...(opts.tables ? { tables: opts.tables } : {}) });
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  const send = (bytes: Uint8Array, extra: Record<string, unknown> = {}) => signSolana(s, { label: SOL, message_b64: b64(bytes), ...extra });
  const transfer = (to: string, amount: bigint) => getTransferSolInstruction({ source: noopSigner(payer), destination: address(to), amount });

  async function deniedWith(res: TestResponse, status: number, code: string): Promise<void> {
    assert.equal(res.status, status, res.text);
    assert.equal(res.json.code, code, res.text);
    const [rec] = await waitForAudit(s, (r) => r.request_id === res.headers.get('x-request-id'));
    assert.ok(rec, `${code} is audited`);
    assert.equal(rec.decision, 'deny');
    assert.equal(rec.reason_code, code);
  }

  test('positive control: a transfer to the allowed recipient through the lookup table is signed', async () => {
    const res = await send(message([transfer(ALLOWED, 1000n)], { tables: { [TABLE]: [ALLOWED, EVIL] } }));
    assert.equal(res.status, 200, res.text);
  });

  test('a program that is not allowed → program_not_allowed', async () => {
    const memo: Instruction = { programAddress: address(MEMO), accounts: [], data: new TextEncoder().encode('hi') };
    await deniedWith(await send(message([transfer(ALLOWED, 1n), memo])), 403, 'program_not_allowed');
  });

  test('an instruction kind not listed for an allowed program → instruction_not_allowed', async () => {
    await deniedWith(
      await send(message([getAssignInstruction({ account: noopSigner(payer), programAddress: address(EVIL) })])),
      403,
      'instruction_not_allowed',
    );
  });

  test('SOL over the per-tx cap split across several instructions → per_tx_cap_exceeded', async () => {
    await deniedWith(await send(message([transfer(ALLOWED, 600_000n), transfer(ALLOWED, 600_000n)])), 403, 'per_tx_cap_exceeded');
  });

  test('SPL over its mint cap → per_tx_cap_exceeded', async () => {
    const ix = getTransferCheckedInstruction({
      source: await ata(payer, MINT),
      mint: address(MINT),
      destination: await ata(ALLOWED, MINT),
      authority: noopSigner(payer),
      amount: 501n,
      decimals: 6,
    });
    const res = await send(message([ix]));
    await deniedWith(res, 403, 'per_tx_cap_exceeded');
    assert.match(res.json.error, new RegExp(`spl:${MINT}`));
  });

  test('a recipient reached through a lookup table that is not in the allowlist → recipient_not_allowed', async () => {
    const bytes = message([transfer(EVIL, 10n)], { tables: { [TABLE]: [ALLOWED, EVIL] } });
    const res = await send(bytes);
    await deniedWith(res, 403, 'recipient_not_allowed');
    assert.match(res.json.error, new RegExp(EVIL));
  });

  test('a client-supplied table that lies about its contents → 400 lookup_table_mismatch naming the table and index', async () => {
    const bytes = message([transfer(EVIL, 10n)], { tables: { [TABLE]: [ALLOWED, EVIL] } });
    const res = await send(bytes, { address_lookup_tables: [{ key: TABLE, addresses: [ALLOWED, ALLOWED] }] });
    await deniedWith(res, 400, 'lookup_table_mismatch');
    assert.equal(res.json.details.table, TABLE);
    assert.equal(res.json.details.index, 1);
  });

  test('a priority fee over fee_caps → fee_cap_exceeded', async () => {
    const ixs = [
      getSetComputeUnitLimitInstruction({ units: 100_000 }),
      getSetComputeUnitPriceInstruction({ microLamports: 1_000_000n }),
      transfer(ALLOWED, 1n),
    ];
    const res = await send(message(ixs));
    await deniedWith(res, 403, 'fee_cap_exceeded');
    assert.match(res.json.error, /105000/);
  });

  test('the key not a signer → signer_mismatch', async () => {
    const other = addr(210);
    const bytes = message([getTransferSolInstruction({ source: noopSigner(other), destination: address(payer), amount: 1n })], { feePayer: other });
    await deniedWith(await send(bytes), 400, 'signer_mismatch');
  });

  test('garbage, truncated, oversize and trailing-byte messages → 400 with a code (never 5xx); the HSM is never asked', async () => {
    const signsBefore = await hsmEddsaSigns(s);
    const good = message([transfer(ALLOWED, 1n)]);
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['garbage', { message_b64: b64(Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0x7f)) }, ['decode_failed']],
      ['truncated', { message_b64: b64(good.subarray(0, good.length - 3)) }, ['decode_failed']],
      ['oversize', { message_b64: b64(new Uint8Array(1300).fill(1)) }, ['decode_failed']],
      ['trailing', { message_b64: b64(Uint8Array.from([...good, 0])) }, ['decode_failed']],
      ['unknown version', { message_b64: b64(Uint8Array.from([0x81, ...good.subarray(1)])) }, ['unsupported']],
      ['not base64', { message_b64: 'not base64!' }, ['invalid_request']],
      ['bad padding', { message_b64: 'AP8=' + 'A' }, ['invalid_request', 'decode_failed']],
      ['transaction as message', { message_b64: b64(Uint8Array.from([1, ...new Uint8Array(64), ...good])) }, ['decode_failed']],
      ['both fields', { message_b64: b64(good), transaction_b64: b64(good) }, ['invalid_request']],
      ['garbage transaction', { transaction_b64: b64(new Uint8Array(100).fill(0xff)) }, ['decode_failed', 'unsupported']],
    ];
    for (const [name, body, codes] of cases) {
      const res = await signSolana(s, { label: SOL, ...body });
      assert.equal(res.status, 400, `${name}: ${res.text}`);
      assert.ok(codes.includes(res.json.code), `${name}: ${res.json.code}`);
      if (name === 'transaction as message') assert.match(res.json.error, /transaction_b64/);
    }
    assert.equal(await hsmEddsaSigns(s), signsBefore);
  });

  test('an unreachable RPC fails closed: 503 rpc_unavailable, audited', async () => {
    const table = addr(220);
    setLookupTable(svm, table, [ALLOWED]);
    await rpc.close();
    const res = await send(message([transfer(ALLOWED, 1n)], { tables: { [table]: [ALLOWED] } }));
    assert.equal(res.status, 503, res.text);
    assert.equal(res.json.code, 'rpc_unavailable');
    const [rec] = await waitForAudit(s, (r) => r.request_id === res.headers.get('x-request-id'));
    assert.equal(rec?.reason_code, 'rpc_unavailable');
  });
});
