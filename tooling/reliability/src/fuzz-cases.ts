// The fuzzer's requests: structure-aware mutations of real transactions for every chain (built with each chain's
// library, then mutated as bytes), JSON-level mutations of sign bodies, raw garbage, and requests to explain, the
// Ethereum JSON-RPC endpoint, the REST gateway and the MCP endpoint. Each case says how a 200 is checked.
import { PublicKey, SystemProgram, TransactionMessage, TransactionInstruction } from '@solana/web3.js';
import { MsgExec } from 'cosmjs-types/cosmos/authz/v1beta1/tx';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { Any } from 'cosmjs-types/google/protobuf/any';
import { SignDoc, TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { serializeTransaction, type TransactionSerializable } from 'viem';
import {
  ATOM,
  COSMOS_CHAIN_ID,
  DEMO_CAPS,
  EVM,
  EVM_CHAIN_ID,
  EVM_FRIEND,
  SOL,
  cosmosSignDoc,
  evmTx,
  type KeysByLabel,
  type SignRequest,
} from './chain-requests.js';
import { int, mutateBytes, mutateJson, pick, randomBytes, randomJson, type Rand } from './mutators.js';

export interface FuzzCase {
  readonly family: string;
  readonly method: string;
  readonly path: string;
  readonly body: string | Buffer;
  readonly headers?: Record<string, string>;
  /** When set, a 200 answer carries a signature to check: the chain and the body as sent. */
  readonly signed?: { chain: SignRequest['chain']; sent: unknown; mcp?: boolean; rpc?: boolean };
}

/** A random address (cheaper than generating a key pair). */
const fresh = (rand: Rand): PublicKey => new PublicKey(randomBytes(rand, 32));

const amountNear = (rand: Rand, cap: bigint): bigint =>
  pick(rand, [
    0n,
    1n,
    BigInt(int(rand, 1_000_000)),
    cap / 2n,
    cap - 1n,
    cap,
    cap + 1n,
    cap * 2n,
    2n ** 64n - 1n,
    2n ** 63n,
    cap / 3n + BigInt(int(rand, 1000)),
  ]);

/** A Solana message of 1–3 transfers near the cap, sometimes with another program or System instruction, then 0–3 byte mutations. */
function solanaCase(rand: Rand, keys: KeysByLabel): { body: Record<string, unknown>; note: string } {
  const payer = new PublicKey(keys[SOL]!.address);
  const ixs: TransactionInstruction[] = [];
  for (let n = 1 + int(rand, 3); n > 0; n--) {
    const lamports = amountNear(rand, DEMO_CAPS.solanaPerTxLamports) % 2n ** 64n;
    ixs.push(SystemProgram.transfer({ fromPubkey: payer, toPubkey: fresh(rand), lamports }));
  }
  const extra = int(rand, 10);
  if (extra === 0) ixs.push(new TransactionInstruction({ programId: fresh(rand), keys: [], data: Buffer.from(randomBytes(rand, 4)) }));
  if (extra === 1)
    ixs.push(SystemProgram.createAccount({ fromPubkey: payer, newAccountPubkey: fresh(rand), lamports: 1e10, space: 0, programId: SystemProgram.programId }));
  if (extra === 2) ixs.push(SystemProgram.assign({ accountPubkey: payer, programId: fresh(rand) }));
  if (extra === 3) ixs.push(SystemProgram.transfer({ fromPubkey: fresh(rand), toPubkey: payer, lamports: 10n ** 12n }));
  const msg = new TransactionMessage({ payerKey: payer, recentBlockhash: fresh(rand).toBase58(), instructions: ixs });
  let bytes: Uint8Array = rand() < 0.2 ? msg.compileToV0Message().serialize() : msg.compileToLegacyMessage().serialize();
  const v0 = (bytes[0]! & 0x80) !== 0;
  const h = v0 ? 1 : 0;
  const accounts = bytes[h + 3]!;
  const countAt = [h, h + 1, h + 2, h + 3, h + 4 + accounts * 32 + 32];
  const kinds: string[] = [];
  for (let n = rand() < 0.3 ? 0 : 1 + int(rand, 3); n > 0; n--) {
    const m = mutateBytes(rand, bytes, countAt);
    bytes = m.bytes;
    kinds.push(m.kind);
  }
  return { body: { label: SOL, message_b64: Buffer.from(bytes).toString('base64') }, note: kinds.join('+') };
}

function cosmosCase(rand: Rand, keys: KeysByLabel): { body: Record<string, unknown>; note: string } {
  const key = keys[ATOM]!;
  const denoms = ['uatom', 'uatom', 'uatom', 'uosmo', 'ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2'];
  const sends = Array.from({ length: 1 + int(rand, 3) }, () => ({
    ...(rand() < 0.1 ? { to: key.address } : {}),
    amount: Array.from({ length: 1 + int(rand, 2) }, () => ({ denom: pick(rand, denoms), amount: String(amountNear(rand, DEMO_CAPS.uatomPerTx)) })),
  }));
  const fee = [{ denom: pick(rand, denoms), amount: String(amountNear(rand, DEMO_CAPS.uatomFeePerTx)) }];
  let doc: Uint8Array = cosmosSignDoc(key, sends, fee, rand() < 0.05 ? 'osmosis-1' : COSMOS_CHAIN_ID);
  let note = '';
  if (rand() < 0.1) {
    // nest: the MsgSend inside an authz MsgExec (a message type the policy does not allow)
    const d = SignDoc.decode(doc);
    const body = TxBody.decode(d.bodyBytes);
    const exec = MsgExec.fromPartial({ grantee: key.address, msgs: body.messages });
    body.messages = [Any.fromPartial({ typeUrl: '/cosmos.authz.v1beta1.MsgExec', value: MsgExec.encode(exec).finish() })];
    doc = SignDoc.encode({ ...d, bodyBytes: TxBody.encode(body).finish() }).finish();
    note = 'exec+';
  } else if (rand() < 0.05) {
    // a MsgSend from another address
    const d = SignDoc.decode(doc);
    const body = TxBody.decode(d.bodyBytes);
    body.messages.push(
      Any.fromPartial({
        typeUrl: '/cosmos.bank.v1beta1.MsgSend',
        value: MsgSend.encode(
          MsgSend.fromPartial({
            fromAddress: 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu',
            toAddress: key.address,
            amount: [{ denom: 'uatom', amount: '1' }],
          }),
        ).finish(),
      }),
    );
    doc = SignDoc.encode({ ...d, bodyBytes: TxBody.encode(body).finish() }).finish();
    note = 'foreign+';
  }
  for (let n = rand() < 0.3 ? 0 : 1 + int(rand, 3); n > 0; n--) {
    const m = mutateBytes(rand, doc, [1, 2, 3]);
    doc = m.bytes;
    note += m.kind + '+';
  }
  const body: Record<string, unknown> = { label: ATOM, sign_doc_b64: Buffer.from(doc).toString('base64') };
  if (rand() < 0.8) body.expected_chain_id = COSMOS_CHAIN_ID;
  return { body, note };
}

function evmCase(rand: Rand): { body: Record<string, unknown>; note: string } {
  const value = amountNear(rand, DEMO_CAPS.weiPerTx);
  const type = pick(rand, ['eip1559', 'eip1559', 'legacy', 'eip2930'] as const);
  const fees: Record<string, bigint> =
    type === 'eip1559'
      ? { maxFeePerGas: pick(rand, [2_000_000_000n, 10n ** 12n, 1n]), maxPriorityFeePerGas: 1n }
      : { gasPrice: pick(rand, [2_000_000_000n, 10n ** 13n]) };
  const tx = {
    type,
    chainId: rand() < 0.05 ? 1 : EVM_CHAIN_ID,
    nonce: int(rand, 1_000_000),
    // viem's serializer takes numbers for the nonce and bigints for amounts
    gas: pick(rand, [21_000n, 60_000n, 10_000_000n]),
    to: rand() < 0.9 ? EVM_FRIEND : `0x${Buffer.from(randomBytes(rand, 20)).toString('hex')}`,
    value,
    ...(rand() < 0.1 ? { data: `0x${Buffer.from(randomBytes(rand, 4 + int(rand, 68))).toString('hex')}` } : {}),
    ...(type === 'eip2930' ? { accessList: [] } : {}),
    ...fees,
  } as TransactionSerializable;
  if (rand() < 0.5) {
    let bytes: Uint8Array = Buffer.from(serializeTransaction(tx).slice(2), 'hex');
    let note = 'hex+';
    for (let n = rand() < 0.3 ? 0 : 1 + int(rand, 3); n > 0; n--) {
      const m = mutateBytes(rand, bytes, [0, 1, 2]);
      bytes = m.bytes;
      note += m.kind + '+';
    }
    return { body: { label: EVM, expected_chain_id: String(EVM_CHAIN_ID), tx_hex: `0x${Buffer.from(bytes).toString('hex')}` }, note };
  }
  const json = evmTx(value, {
    ...(tx.to ? { to: tx.to } : {}),
    ...(tx.data ? { data: tx.data } : {}),
    gas: `0x${(tx.gas as bigint).toString(16)}`,
    chainId: tx.chainId,
  });
  if (rand() < 0.3) json[pick(rand, Object.keys(json))] = randomJson(rand, 1);
  return { body: { label: EVM, expected_chain_id: String(EVM_CHAIN_ID), tx: json }, note: 'json' };
}

function chainCase(rand: Rand, keys: KeysByLabel): { chain: SignRequest['chain']; label: string; body: Record<string, unknown> } {
  const chain = pick(rand, ['solana', 'cosmos', 'evm'] as const);
  const c = chain === 'solana' ? solanaCase(rand, keys) : chain === 'cosmos' ? cosmosCase(rand, keys) : evmCase(rand);
  return { chain, label: String(c.body.label), body: c.body };
}

const MCP_HEADERS = { accept: 'application/json, text/event-stream' };

/** One fuzz request. */
export function fuzzCase(rand: Rand, keys: KeysByLabel, gatewayFrom: string): FuzzCase {
  const r = rand();
  if (r < 0.4) {
    // structure-aware: a mutated real transaction to its sign route
    const c = chainCase(rand, keys);
    return { family: `sign-${c.chain}`, method: 'POST', path: `/sign/${c.chain}`, body: JSON.stringify(c.body), signed: { chain: c.chain, sent: c.body } };
  }
  if (r < 0.48) {
    const c = chainCase(rand, keys);
    const { label: _label, ...rest } = c.body;
    return { family: 'explain', method: 'POST', path: `/policy/${c.label}/explain`, body: JSON.stringify(rand() < 0.8 ? rest : mutateJson(rand, rest)) };
  }
  if (r < 0.66) {
    // JSON-level mutations of a sign body, to its route or another one
    const c = chainCase(rand, keys);
    const chain = rand() < 0.85 ? c.chain : pick(rand, ['solana', 'cosmos', 'evm'] as const);
    const body = mutateJson(rand, c.body);
    return { family: 'sign-json', method: 'POST', path: `/sign/${chain}`, body: JSON.stringify(body) ?? 'null', signed: { chain, sent: body } };
  }
  if (r < 0.74) return garbageCase(rand);
  if (r < 0.84) return rpcCase(rand, keys);
  if (r < 0.93) return mcpCase(rand, keys);
  return gatewayCase(rand, gatewayFrom);
}

function garbageCase(rand: Rand): FuzzCase {
  const path = pick(rand, [
    '/sign/solana',
    '/sign/cosmos',
    '/sign/evm',
    '/policy/solana-hot-0/explain',
    '/rpc/evm/local',
    '/mcp',
    '/gateway/token/transfer',
    '/sign/nope',
    '/sign/',
  ]);
  const kind = int(rand, 6);
  const body =
    kind === 0
      ? Buffer.from(randomBytes(rand, int(rand, 2000)))
      : kind === 1
        ? JSON.stringify(randomJson(rand, 4)).slice(0, int(rand, 400))
        : kind === 2
          ? '['.repeat(1 + int(rand, 60_000))
          : kind === 3
            ? 'x'.repeat(70_000 + int(rand, 10_000)) // over the body limit
            : kind === 4
              ? nestedText(1 + int(rand, 20_000))
              : `{"label":"solana-hot-0","message_b64":"${'A'.repeat(int(rand, 60_000))}"}`;
  const contentType = pick(rand, [
    'application/json',
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=utf-16',
    '',
  ]);
  return {
    family: 'garbage',
    method: pick(rand, ['POST', 'POST', 'POST', 'PUT', 'GET']),
    path,
    body,
    headers: contentType ? { 'content-type': contentType, ...(path === '/mcp' ? MCP_HEADERS : {}) } : {},
  };
}

function rpcCase(rand: Rand, keys: KeysByLabel): FuzzCase {
  const from = keys[EVM]!.address;
  const tx = evmTx(amountNear(rand, DEMO_CAPS.weiPerTx), { from });
  delete (tx as { chainId?: unknown }).chainId;
  if (rand() < 0.4) tx[pick(rand, Object.keys(tx))] = randomJson(rand, 1);
  if (rand() < 0.1) (tx as Record<string, unknown>).data = `0x${Buffer.from(randomBytes(rand, 36)).toString('hex')}`;
  const method = pick(rand, [
    'eth_signTransaction',
    'eth_signTransaction',
    'eth_sendTransaction',
    'eth_accounts',
    'eth_chainId',
    'eth_sign',
    'personal_sign',
    'eth_signTypedData_v4',
    'eth_getBalance',
    'debug_traceTransaction',
    'nope',
  ]);
  const params =
    method === 'eth_signTransaction' || method === 'eth_sendTransaction'
      ? [tx]
      : method === 'personal_sign'
        ? [`0x${Buffer.from(randomBytes(rand, int(rand, 100))).toString('hex')}`, from]
        : method === 'eth_sign'
          ? [from, '0x' + 'ab'.repeat(32)]
          : method === 'eth_signTypedData_v4'
            ? [from, JSON.stringify(randomJson(rand, 3))]
            : (randomJson(rand, 2) as unknown[]);
  let msg: unknown = { jsonrpc: '2.0', id: int(rand, 1e6), method, params };
  if (rand() < 0.2) msg = mutateJson(rand, msg as Record<string, unknown>);
  if (rand() < 0.1) msg = [msg, { jsonrpc: '2.0', id: 2, method: 'eth_accounts' }];
  const signTx = method === 'eth_signTransaction' && !Array.isArray(msg);
  return {
    family: 'json-rpc',
    method: 'POST',
    path: '/rpc/evm/local',
    body: JSON.stringify(msg),
    ...(signTx ? { signed: { chain: 'evm' as const, sent: msg, rpc: true } } : {}),
  };
}

function mcpCase(rand: Rand, keys: KeysByLabel): FuzzCase {
  const c = chainCase(rand, keys);
  const tool = pick(rand, [`sign_${c.chain}`, `sign_${c.chain}`, 'explain', 'get_policy', 'list_keys', 'send_evm_transaction', 'nope']);
  const args = tool === 'explain' ? { ...c.body } : tool.startsWith('sign_') ? c.body : (randomJson(rand, 2) as object);
  let msg: unknown =
    rand() < 0.7
      ? {
          jsonrpc: '2.0',
          id: int(rand, 1e6),
          method: 'tools/call',
          params: { name: tool, arguments: rand() < 0.8 ? args : mutateJson(rand, args as Record<string, unknown>) },
        }
      : { jsonrpc: '2.0', id: 1, method: pick(rand, ['initialize', 'tools/list', 'ping', 'resources/list', 'nope']), params: randomJson(rand, 2) };
  if (rand() < 0.1) msg = mutateJson(rand, msg as Record<string, unknown>);
  const signs = tool === `sign_${c.chain}` && (msg as { params?: { name?: string } } | null)?.params?.name === tool;
  return {
    family: 'mcp',
    method: 'POST',
    path: '/mcp',
    body: JSON.stringify(msg),
    headers: MCP_HEADERS,
    ...(signs ? { signed: { chain: c.chain, sent: (msg as { params: { arguments: unknown } }).params.arguments, mcp: true } } : {}),
  };
}

function gatewayCase(rand: Rand, from: string): FuzzCase {
  const method = pick(rand, ['transfer', 'approve', 'balanceOf', 'transferFrom', 'nope']);
  const args = rand() < 0.6 ? [EVM_FRIEND, String(amountNear(rand, 10n ** 18n))] : randomJson(rand, 3);
  return {
    family: 'gateway',
    method: 'POST',
    path: `/gateway/${pick(rand, ['token', 'token', 'nope'])}/${method}${rand() < 0.2 ? '?call=true' : ''}`,
    body: JSON.stringify(rand() < 0.8 ? args : mutateJson(rand, { args } as Record<string, unknown>)),
    headers: rand() < 0.8 ? { 'x-openkms-from': from } : {},
  };
}

/** `{"a":{"a":…1…}}` nested `n` deep, as text (deeper than JSON.stringify could write). */
function nestedText(n: number): string {
  return '{"label":"solana-hot-0","a":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n) + '}';
}
