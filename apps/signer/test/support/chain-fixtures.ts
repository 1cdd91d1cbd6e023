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
