import { PublicKey, SystemProgram, TransactionMessage, Keypair, TransactionInstruction } from '@solana/web3.js';
import { encodePubkey, makeAuthInfoBytes, makeSignDoc, Registry } from '@cosmjs/proto-signing';
import { encodeSecp256k1Pubkey } from '@cosmjs/amino';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { SignDoc, TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';

export const SYSTEM_PROGRAM = SystemProgram.programId.toBase58();

/** A legacy Solana message moving `lamports` from `from` (fee payer) to `to`. */
export function solanaTransferMessage(opts: { from: string; to?: string; lamports: bigint | number; blockhash?: string; extraProgram?: boolean }): Uint8Array {
  const from = new PublicKey(opts.from);
  const to = opts.to ? new PublicKey(opts.to) : Keypair.generate().publicKey;
  const instructions: TransactionInstruction[] = [SystemProgram.transfer({ fromPubkey: from, toPubkey: to, lamports: BigInt(opts.lamports) })];
  if (opts.extraProgram) {
    instructions.push(new TransactionInstruction({ programId: Keypair.generate().publicKey, keys: [], data: Buffer.from([1, 2, 3]) }));
  }
  const message = new TransactionMessage({
    payerKey: from,
    recentBlockhash: opts.blockhash ?? Keypair.generate().publicKey.toBase58(),
    instructions,
  }).compileToLegacyMessage();
  return message.serialize();
}

const registry = new Registry();
registry.register('/cosmos.bank.v1beta1.MsgSend', MsgSend);

/** A direct-mode SignDoc with one MsgSend per entry of `amounts`, signed by `publicKey` (33-byte compressed). */
export function cosmosSendSignDoc(opts: {
  publicKey: Uint8Array;
  from: string;
  to?: string;
  amounts: { denom: string; amount: string }[];
  chainId?: string;
  fee?: { denom: string; amount: string }[];
  accountNumber?: number;
  sequence?: number;
  memo?: string;
}): Uint8Array {
  const to = opts.to ?? 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu';
  const body = TxBody.fromPartial({
    messages: [
      registry.encodeAsAny({
        typeUrl: '/cosmos.bank.v1beta1.MsgSend',
        value: MsgSend.fromPartial({ fromAddress: opts.from, toAddress: to, amount: opts.amounts }),
      }),
    ],
    memo: opts.memo ?? '',
  });
  const bodyBytes = TxBody.encode(body).finish();
  const pubkey = encodePubkey(encodeSecp256k1Pubkey(opts.publicKey));
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey, sequence: opts.sequence ?? 0 }],
    opts.fee ?? [{ denom: 'uatom', amount: '5000' }],
    200000,
    undefined,
    undefined,
  );
  const doc = makeSignDoc(bodyBytes, authInfoBytes, opts.chainId ?? 'cosmoshub-4', opts.accountNumber ?? 1);
  return SignDoc.encode(doc).finish();
}

/** GET /keys by label (the fields request bodies are built from). */
export type KeysByLabel = Readonly<Record<string, { readonly address: string; readonly public_key_b64: string }>>;

/**
 * A POST /sign/solana body for the demo key solana-hot-0: a System transfer of `lamports` paid by `from` (its address,
 * or GET /keys by label), to `to` or a fresh address, with a fresh blockhash every call. `extraProgram` adds an
 * instruction of an unknown program; any other option is copied into the body (e.g. `expected_chain_id`).
 */
export function solanaBody(
  from: string | KeysByLabel,
  lamports: bigint | number,
  opts: { to?: string; extraProgram?: boolean; [field: string]: unknown } = {},
): { label: string; message_b64: string; [field: string]: unknown } {
  const { to, extraProgram, ...fields } = opts;
  const payer = typeof from === 'string' ? from : from['solana-hot-0']!.address;
  const message = solanaTransferMessage({ from: payer, lamports, ...(to !== undefined ? { to } : {}), ...(extraProgram ? { extraProgram } : {}) });
  return { label: 'solana-hot-0', message_b64: Buffer.from(message).toString('base64'), ...fields };
}

/**
 * A POST /sign/cosmos body for the demo key cosmos-hub-0 on cosmoshub-4: of a SignDoc given, or of a MsgSend of `uatom`
 * built from GET /keys (distinct sequence numbers make distinct documents; random by default).
 */
export function cosmosBody(doc: Uint8Array): { label: string; sign_doc_b64: string; expected_chain_id: string };
export function cosmosBody(keys: KeysByLabel, uatom: number, sequence?: number): { label: string; sign_doc_b64: string; expected_chain_id: string };
export function cosmosBody(
  source: Uint8Array | KeysByLabel,
  uatom = 0,
  sequence = Math.floor(Math.random() * 1e9),
): { label: string; sign_doc_b64: string; expected_chain_id: string } {
  let doc: Uint8Array;
  if (source instanceof Uint8Array) doc = source;
  else {
    const key = source['cosmos-hub-0']!;
    doc = cosmosSendSignDoc({
      publicKey: Buffer.from(key.public_key_b64, 'base64'),
      from: key.address,
      amounts: [{ denom: 'uatom', amount: String(uatom) }],
      sequence,
    });
  }
  return { label: 'cosmos-hub-0', sign_doc_b64: Buffer.from(doc).toString('base64'), expected_chain_id: 'cosmoshub-4' };
}
