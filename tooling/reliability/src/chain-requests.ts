// Valid sign requests for the demo's three keys, built with each chain's own library, and the independent check of
// what came back signed: every 200 is decoded again with that library (web3.js, cosmjs-types, viem), its signature
// verified over exactly the bytes sent, and its contents compared with the policy the signer was configured with.
import { createHash } from 'node:crypto';
import { encodeSecp256k1Pubkey } from '@cosmjs/amino';
import { encodePubkey, makeAuthInfoBytes, makeSignDoc, Registry } from '@cosmjs/proto-signing';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Keypair, PublicKey, SystemProgram, TransactionMessage, VersionedMessage, type TransactionInstruction } from '@solana/web3.js';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { AuthInfo, SignDoc, TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { parseTransaction, recoverTransactionAddress, type Hex } from 'viem';

export const SOL = 'solana-hot-0';
export const ATOM = 'cosmos-hub-0';
export const EVM = 'evm-hot-0';
export const EVM_CHAIN_ID = 31337;
export const COSMOS_CHAIN_ID = 'cosmoshub-4';
export const SYSTEM_PROGRAM = SystemProgram.programId.toBase58();
export const COSMOS_RECIPIENT = 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu';
export const EVM_FRIEND = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

/** GET /keys entries. */
export interface KeyView {
  readonly label: string;
  readonly address: string;
  readonly public_key_b64: string;
}
export type KeysByLabel = Readonly<Record<string, KeyView>>;

/** The per-transaction limits the suite configures and checks every signature against. */
export interface PolicyCaps {
  readonly solanaPerTxLamports: bigint;
  readonly uatomPerTx: bigint;
  readonly uatomFeePerTx: bigint;
  readonly weiPerTx: bigint;
  readonly weiFeePerTx: bigint;
}

export const DEMO_CAPS: PolicyCaps = {
  solanaPerTxLamports: 5_000_000_000n,
  uatomPerTx: 10_000_000n,
  uatomFeePerTx: 50_000n,
  weiPerTx: 1_000_000_000_000_000_000n,
  weiFeePerTx: 10_000_000_000_000_000n,
};

export interface SignRequest {
  readonly chain: 'solana' | 'cosmos' | 'evm';
  readonly path: string;
  readonly body: string;
  /** What the request spends (lamports, uatom with the fee, or wei), for the spend counters. */
  readonly amount: bigint;
  /** The bytes to be signed (solana message, cosmos SignDoc), when the request carries them. */
  readonly signed?: Uint8Array;
}

let unique = BigInt(Date.now()) * 1000n;

/** A legacy Solana message of System transfers from `payer` (fee payer), `blockhash` random unless given. */
export function solanaMessage(payer: string, transfers: readonly { to?: string; lamports: bigint }[]): Uint8Array {
  const from = new PublicKey(payer);
  const instructions: TransactionInstruction[] = transfers.map((t) =>
    SystemProgram.transfer({ fromPubkey: from, toPubkey: t.to ? new PublicKey(t.to) : Keypair.generate().publicKey, lamports: t.lamports }),
  );
  return new TransactionMessage({ payerKey: from, recentBlockhash: Keypair.generate().publicKey.toBase58(), instructions })
    .compileToLegacyMessage()
    .serialize();
}

export function solanaRequest(keys: KeysByLabel, lamports: bigint, message?: Uint8Array): SignRequest {
  const msg = message ?? solanaMessage(keys[SOL]!.address, [{ lamports }]);
  return {
    chain: 'solana',
    path: '/sign/solana',
    body: JSON.stringify({ label: SOL, message_b64: Buffer.from(msg).toString('base64') }),
    amount: lamports,
    signed: msg,
  };
}

const registry = new Registry();
registry.register('/cosmos.bank.v1beta1.MsgSend', MsgSend);

export function cosmosSignDoc(
  key: KeyView,
  sends: readonly { to?: string; amount: { denom: string; amount: string }[] }[],
  fee: { denom: string; amount: string }[] = [{ denom: 'uatom', amount: '5000' }],
  chainId = COSMOS_CHAIN_ID,
): Uint8Array {
  const body = TxBody.fromPartial({
    messages: sends.map((s) =>
      registry.encodeAsAny({
        typeUrl: '/cosmos.bank.v1beta1.MsgSend',
        value: MsgSend.fromPartial({ fromAddress: key.address, toAddress: s.to ?? COSMOS_RECIPIENT, amount: s.amount }),
      }),
    ),
    memo: (unique++).toString(16),
  });
  const authInfo = makeAuthInfoBytes(
    [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(Buffer.from(key.public_key_b64, 'base64'))), sequence: Number(unique % 100000n) }],
    fee,
    200000,
    undefined,
    undefined,
  );
  return SignDoc.encode(makeSignDoc(TxBody.encode(body).finish(), authInfo, chainId, 1)).finish();
}

/** A MsgSend of `uatom` with a fee of `fee` uatom; `amount` is both (the policy's window cap counts fees too). */
export function cosmosRequest(keys: KeysByLabel, uatom: bigint, doc?: Uint8Array, fee = 5000n): SignRequest {
  const d = doc ?? cosmosSignDoc(keys[ATOM]!, [{ amount: [{ denom: 'uatom', amount: String(uatom) }] }], [{ denom: 'uatom', amount: String(fee) }]);
  return {
    chain: 'cosmos',
    path: '/sign/cosmos',
    body: JSON.stringify({ label: ATOM, sign_doc_b64: Buffer.from(d).toString('base64'), expected_chain_id: COSMOS_CHAIN_ID }),
    amount: uatom + fee,
    signed: d,
  };
}

/** An EIP-1559 transfer as the JSON `tx` object of POST /sign/evm (a fresh nonce each time). */
export function evmTx(wei: bigint, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    chainId: EVM_CHAIN_ID,
    nonce: `0x${(unique++ % 2n ** 52n).toString(16)}`,
    gas: '0x5208',
    maxFeePerGas: '0x77359400',
    maxPriorityFeePerGas: '0x1',
    to: EVM_FRIEND,
    value: `0x${wei.toString(16)}`,
    ...fields,
  };
}

export function evmRequest(wei: bigint, tx: Record<string, unknown> = evmTx(wei)): SignRequest {
  return { chain: 'evm', path: '/sign/evm', body: JSON.stringify({ label: EVM, expected_chain_id: String(EVM_CHAIN_ID), tx }), amount: wei };
}

export const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The signature bytes of a 200 answer of any sign route (what the audit record's signature_sha256 is over). */
export function signatureBytes(answer: any): Uint8Array | undefined {
  if (typeof answer?.signature_b64 === 'string') return Buffer.from(answer.signature_b64, 'base64');
  if (typeof answer?.signature === 'string') return Buffer.from(answer.signature.replace(/^0x/, ''), 'hex');
  return undefined;
}

/**
 * Why a signed answer is outside the policy (or not a valid signature over what was sent), or undefined when it is
 * within it. `sent` is the request body as sent.
 */
export async function outsidePolicy(chain: SignRequest['chain'], sent: any, answer: any, keys: KeysByLabel, caps: PolicyCaps): Promise<string | undefined> {
  if (chain === 'solana') {
    const bytes = Buffer.from(String(sent.message_b64), 'base64');
    const key = keys[SOL]!;
    const sig = Buffer.from(String(answer.signature_b64), 'base64');
    if (!ed25519.verify(sig, bytes, Buffer.from(key.public_key_b64, 'base64'))) return 'solana: the signature does not verify over the message sent';
    let msg: VersionedMessage;
    try {
      msg = VersionedMessage.deserialize(bytes);
    } catch (e) {
      return `solana: signed bytes web3.js cannot decode (${(e as Error).message})`;
    }
    const accounts = msg.staticAccountKeys.map((k) => k.toBase58());
    if (accounts[0] !== key.address) return `solana: fee payer ${accounts[0]} is not the key`;
    if (msg.addressTableLookups.length > 0) return 'solana: signed a message with address lookup tables';
    let total = 0n;
    for (const ix of msg.compiledInstructions) {
      const program = accounts[ix.programIdIndex];
      if (program !== SYSTEM_PROGRAM) return `solana: instruction of program ${program} signed`;
      const data = Buffer.from(ix.data);
      if (data.length < 4) return 'solana: System instruction without a discriminator signed';
      const kind = data.readUInt32LE(0);
      if (kind !== 2) continue; // the policy may allow non-moving System instructions; a moving one other than transfer is checked below
      if (data.length !== 12) return `solana: System transfer with ${data.length} data bytes signed`;
      const from = accounts[ix.accountKeyIndexes[0]!];
      if (from !== key.address) continue; // a transfer from another account moves nobody's funds of ours (needs its signature)
      total += data.readBigUInt64LE(4);
    }
    for (const ix of msg.compiledInstructions) {
      const data = Buffer.from(ix.data);
      const kind = data.readUInt32LE(0);
      // CreateAccount(0), TransferWithSeed(11), CreateAccountWithSeed(3), WithdrawNonce(5) move lamports too
      if ([0, 3, 11].includes(kind)) return `solana: lamport-moving System instruction ${kind} signed`;
    }
    if (total > caps.solanaPerTxLamports) return `solana: ${total} lamports in one transaction, above the per-tx cap ${caps.solanaPerTxLamports}`;
    return undefined;
  }
  if (chain === 'cosmos') {
    const bytes = Buffer.from(String(sent.sign_doc_b64), 'base64');
    const key = keys[ATOM]!;
    const sig = Buffer.from(String(answer.signature_b64), 'base64');
    const digest = createHash('sha256').update(bytes).digest();
    if (!secp256k1.verify(sig, digest, Buffer.from(key.public_key_b64, 'base64'), { prehash: false, lowS: true }))
      return 'cosmos: the signature does not verify over the SignDoc sent (or is high-S)';
    let doc: SignDoc;
    let body: TxBody;
    let auth: AuthInfo;
    try {
      doc = SignDoc.decode(bytes);
      body = TxBody.decode(doc.bodyBytes);
      auth = AuthInfo.decode(doc.authInfoBytes);
    } catch (e) {
      return `cosmos: signed bytes cosmjs-types cannot decode (${(e as Error).message})`;
    }
    if (doc.chainId !== COSMOS_CHAIN_ID) return `cosmos: signed for chain ${JSON.stringify(doc.chainId)}`;
    let total = 0n;
    for (const any of body.messages) {
      if (any.typeUrl !== '/cosmos.bank.v1beta1.MsgSend') return `cosmos: message ${any.typeUrl} signed`;
      const send = MsgSend.decode(any.value);
      if (send.fromAddress !== key.address) return `cosmos: MsgSend from ${send.fromAddress} signed`;
      for (const c of send.amount) {
        if (c.denom !== 'uatom') return `cosmos: denom ${c.denom} signed`;
        total += BigInt(c.amount);
      }
    }
    if (total > caps.uatomPerTx) return `cosmos: ${total} uatom in one transaction, above the per-tx cap ${caps.uatomPerTx}`;
    let fee = 0n;
    for (const c of auth.fee?.amount ?? []) {
      if (c.denom !== 'uatom') return `cosmos: fee in ${c.denom} signed`;
      fee += BigInt(c.amount);
    }
    if (fee > caps.uatomFeePerTx) return `cosmos: fee ${fee} uatom above the fee cap ${caps.uatomFeePerTx}`;
    return undefined;
  }
  const raw = answer.raw_transaction as Hex | undefined;
  if (typeof raw !== 'string') return undefined; // typed data / personal messages carry no transfer
  let tx: ReturnType<typeof parseTransaction>;
  try {
    tx = parseTransaction(raw);
  } catch (e) {
    return `evm: signed transaction viem cannot parse (${(e as Error).message})`;
  }
  const from = await recoverTransactionAddress({ serializedTransaction: raw as never });
  if (from.toLowerCase() !== keys[EVM]!.address.toLowerCase()) return `evm: the signature recovers to ${from}, not the key`;
  if (tx.chainId !== EVM_CHAIN_ID) return `evm: signed for chain id ${tx.chainId}`;
  if (tx.data && tx.data !== '0x') return `evm: calldata ${tx.data.slice(0, 10)} signed under a native-only policy`;
  if ((tx.value ?? 0n) > caps.weiPerTx) return `evm: ${tx.value} wei above the per-tx cap ${caps.weiPerTx}`;
  const gas = tx.gas ?? 0n;
  const price = (tx as { maxFeePerGas?: bigint }).maxFeePerGas ?? (tx as { gasPrice?: bigint }).gasPrice ?? 0n;
  if (gas * price > caps.weiFeePerTx) return `evm: max fee ${gas * price} wei above the fee cap ${caps.weiFeePerTx}`;
  return undefined;
}
