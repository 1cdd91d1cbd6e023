import { getShortU16Decoder, getShortU16Encoder } from '@solana/kit';
import { ErrorCode, openKmsError } from '@openkms/core';
import { MAX_MESSAGE_BYTES, decodeSolanaMessage } from './message-decoder.js';
import type { SolanaMessage } from './message-decoder.js';

/** A serialized transaction split into its signature slots and its message. */
export interface SolanaTransaction {
  /** Byte offset of the first signature (after the compact-u16 signature count). */
  readonly signaturesOffset: number;
  /** The signature slots as sent (all-zero slots are not yet signed). */
  readonly signatures: readonly Uint8Array[];
  /** The message bytes: what every signature covers. */
  readonly messageBytes: Uint8Array;
  readonly message: SolanaMessage;
}

const FIELD = 'transaction_b64';
const shortU16 = getShortU16Decoder();
const shortU16Encoder = getShortU16Encoder();

function fail(message: string, context: Record<string, string | number> = {}): never {
  throw openKmsError(ErrorCode.decodeFailed, message, { field: FIELD, ...context });
}

/**
 * Decodes a serialized Solana transaction (legacy or v0, signed, partially signed or not at all): a compact-u16
 * signature count, that many 64-byte signatures, then the message (decoded strictly by `decodeSolanaMessage`).
 * Fails closed with `decode_failed` on oversize (> 1232 bytes), a non-canonical count, truncation, and a signature
 * count that differs from the message header's required signatures.
 */
export function decodeSolanaTransaction(bytes: Uint8Array): SolanaTransaction {
  if (bytes.length === 0) fail('empty transaction');
  if (bytes.length > MAX_MESSAGE_BYTES) fail('transaction larger than a Solana packet (1232 bytes)', { length: bytes.length, max: MAX_MESSAGE_BYTES });
  let count: number;
  let offset: number;
  try {
    [count, offset] = shortU16.read(bytes, 0);
  } catch {
    fail('transaction truncated in its signature count');
  }
  if (shortU16Encoder.encode(count).length !== offset) fail('non-canonical signature count');
  const messageStart = offset + 64 * count;
  if (messageStart >= bytes.length) fail('transaction truncated in its signatures or has no message', { signatures: count, length: bytes.length });
  const signatures: Uint8Array[] = [];
  for (let i = 0; i < count; i++) signatures.push(bytes.slice(offset + 64 * i, offset + 64 * (i + 1)));
  const messageBytes = bytes.slice(messageStart);
  const message = decodeSolanaMessage(messageBytes, FIELD);
  if (count !== message.header.numRequiredSignatures) {
    fail('the transaction carries a different number of signatures than its message header requires', {
      signatures: count,
      num_required_signatures: message.header.numRequiredSignatures,
    });
  }
  return { signaturesOffset: offset, signatures, messageBytes, message };
}

/** The transaction bytes with `signature` written into slot `index`; every other byte unchanged. */
export function withSignature(bytes: Uint8Array, tx: SolanaTransaction, index: number, signature: Uint8Array): Uint8Array {
  if (signature.length !== 64 || index < 0 || index >= tx.signatures.length) throw new RangeError('bad signature slot');
  const out = Uint8Array.from(bytes);
  out.set(signature, tx.signaturesOffset + 64 * index);
  return out;
}
