// Distinct request bodies for every sign route, made by changing a few bytes of a template (a fresh blockhash, memo
// or nonce each time), so the signer's replay cache never answers and generating them costs next to nothing.
import { randomBytes } from 'node:crypto';
import { encodeSecp256k1Pubkey } from '@cosmjs/amino';
import { encodePubkey, makeAuthInfoBytes, makeSignDoc, Registry } from '@cosmjs/proto-signing';
import { Keypair, PublicKey, SystemProgram, TransactionMessage } from '@solana/web3.js';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { SignDoc, TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';

export const EVM_CHAIN_ID = 31337;
export const EVM_FRIEND = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

/** GET /keys entries the bodies are built from. */
export interface KeyView {
  readonly label: string;
  readonly address: string;
  readonly public_key_b64: string;
}

export type BodyFactory = () => string;

let counter = 0n;
const runPrefix = randomBytes(8);

/** 16 bytes unique across the whole bench run (a random run prefix and a counter). */
function uniqueBytes(): Buffer {
  const out = Buffer.alloc(16);
  runPrefix.copy(out, 0);
  out.writeBigUInt64BE(counter++, 8);
  return out;
}

/** POST /sign/solana: a System transfer of 1000 lamports from the key with a fresh recent blockhash each time. */
export function solanaBodies(label: string, payer: string): { next: BodyFactory; messageLength: number } {
  const template = new TransactionMessage({
    payerKey: new PublicKey(payer),
    recentBlockhash: Keypair.generate().publicKey.toBase58(),
    instructions: [SystemProgram.transfer({ fromPubkey: new PublicKey(payer), toPubkey: Keypair.generate().publicKey, lamports: 1000n })],
  })
    .compileToLegacyMessage()
    .serialize();
  const accounts = template[3]!; // legacy message: 3 header bytes, compact-u16 account count (< 128: one byte)
  const blockhashAt = 4 + accounts * 32;
  return {
    messageLength: template.length,
    next: () => {
      const message = Buffer.from(template);
      uniqueBytes().copy(message, blockhashAt);
      return JSON.stringify({ label, message_b64: message.toString('base64') });
    },
  };
}

const registry = new Registry();
registry.register('/cosmos.bank.v1beta1.MsgSend', MsgSend);

/** POST /sign/cosmos: a direct-mode MsgSend of 1 uatom on cosmoshub-4 with a distinct 32-hex-digit memo each time. */
export function cosmosBodies(label: string, key: KeyView): BodyFactory {
  const marker = 'M'.repeat(32);
  const body = TxBody.fromPartial({
    messages: [
      registry.encodeAsAny({
        typeUrl: '/cosmos.bank.v1beta1.MsgSend',
        value: MsgSend.fromPartial({
          fromAddress: key.address,
          toAddress: 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu',
          amount: [{ denom: 'uatom', amount: '1' }],
        }),
      }),
    ],
    memo: marker,
  });
  const authInfo = makeAuthInfoBytes(
    [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(Buffer.from(key.public_key_b64, 'base64'))), sequence: 7 }],
    [{ denom: 'uatom', amount: '1' }],
    200000,
    undefined,
    undefined,
  );
  const template = Buffer.from(SignDoc.encode(makeSignDoc(TxBody.encode(body).finish(), authInfo, 'cosmoshub-4', 1)).finish());
  const memoAt = template.indexOf(marker);
  if (memoAt < 0) throw new Error('memo marker not found in the SignDoc');
  return () => {
    const doc = Buffer.from(template);
    doc.write(uniqueBytes().toString('hex'), memoAt, 'latin1');
    return JSON.stringify({ label, sign_doc_b64: doc.toString('base64'), expected_chain_id: 'cosmoshub-4' });
  };
}

/** A distinct nonce each time (EIP-1559 transfer of 1000 wei to one allowed recipient). */
function evmTx(nonce: bigint): Record<string, string | number> {
  return {
    chainId: EVM_CHAIN_ID,
    nonce: `0x${nonce.toString(16)}`,
    gas: '0x5208',
    maxFeePerGas: '0x77359400',
    maxPriorityFeePerGas: '0x1',
    to: EVM_FRIEND,
    value: '0x3e8',
  };
}

let evmNonce = BigInt(Date.now()) * 1000n;

/** POST /sign/evm. */
export function evmBodies(label: string): BodyFactory {
  return () => JSON.stringify({ label, expected_chain_id: String(EVM_CHAIN_ID), tx: evmTx(evmNonce++) });
}

/** POST /rpc/evm/local, JSON-RPC eth_signTransaction from the key's address. */
export function evmRpcBodies(from: string): BodyFactory {
  let id = 0;
  return () => JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'eth_signTransaction', params: [{ from, ...evmTx(evmNonce++) }] });
}
