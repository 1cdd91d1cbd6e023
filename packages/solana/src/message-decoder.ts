import { getCompiledTransactionMessageDecoder, getCompiledTransactionMessageEncoder } from '@solana/kit';
import { ErrorCode, openKmsError } from '@openkms/core';

/** Solana's packet limit (PACKET_DATA_SIZE): neither a message nor a whole transaction may be longer. */
export const MAX_MESSAGE_BYTES = 1232;

/** At most this many accounts (static + loaded from lookup tables): account indices are one byte. */
export const MAX_ACCOUNTS = 256;

/** The three-byte header of a Solana message. */
export interface MessageHeader {
  /** Signatures the transaction needs; the first this-many static account keys sign. */
  readonly numRequiredSignatures: number;
  /** The last this-many of the signing keys are read-only. */
  readonly numReadonlySignedAccounts: number;
  /** The last this-many of the non-signing static keys are read-only. */
  readonly numReadonlyUnsignedAccounts: number;
}

/** One compiled instruction: indices into the message's full account list (static keys, then loaded ones). */
export interface CompiledInstruction {
  readonly programIdIndex: number;
  readonly accountIndices: readonly number[];
  readonly data: Uint8Array;
}

/** A v0 message's reference to an address lookup table: which entries it loads, writable ones first. */
export interface AddressTableLookup {
  readonly tableAddress: string;
  readonly writableIndexes: readonly number[];
  readonly readonlyIndexes: readonly number[];
}

/** A decoded Solana message (legacy or v0), checked for consistency; lookup-table entries are not resolved yet. */
export interface SolanaMessage {
  readonly version: 'legacy' | 0;
  readonly header: MessageHeader;
  /** Base58 account keys stored in the message, in order (signers first). */
  readonly staticAccounts: readonly string[];
  /** Base58 recent blockhash, or the durable nonce value. */
  readonly recentBlockhash: string;
  readonly instructions: readonly CompiledInstruction[];
  /** Lookup-table references (v0 only; empty for legacy messages). */
  readonly addressTableLookups: readonly AddressTableLookup[];
}

const decoder = getCompiledTransactionMessageDecoder();
const encoder = getCompiledTransactionMessageEncoder();

function fail(field: string, message: string, context: Record<string, string | number> = {}): never {
  throw openKmsError(ErrorCode.decodeFailed, message, { field, ...context });
}

/** True when the first byte marks a versioned message (high bit set: 0x80 | version). */
export function isVersionedMessage(bytes: Uint8Array): boolean {
  return bytes.length > 0 && (bytes[0]! & 0x80) !== 0;
}

/** Number of accounts a message addresses: its static keys plus every entry it loads from lookup tables. */
export function accountCount(message: SolanaMessage): number {
  return message.addressTableLookups.reduce((n, l) => n + l.writableIndexes.length + l.readonlyIndexes.length, message.staticAccounts.length);
}

/** The base58 addresses that must sign the message (the first numRequiredSignatures static keys). */
export function requiredSigners(message: SolanaMessage): readonly string[] {
  return message.staticAccounts.slice(0, message.header.numRequiredSignatures);
}

/**
 * Decodes a serialized Solana message (legacy or v0) with @solana/kit's compiled-message codec, then checks what
 * that codec does not: fails closed with `decode_failed` on empty or oversized (> 1232 bytes) input, truncation,
 * trailing bytes, non-canonical encodings (the bytes must re-encode identically), a header that does not fit the keys,
 * duplicate keys or lookup tables, a lookup that loads nothing, more than 256 accounts, a program id index outside
 * the static keys or equal to the fee payer, and an account index outside the full account list. A well-formed
 * versioned message of a version other than 0 is `unsupported`.
 */
export function decodeSolanaMessage(bytes: Uint8Array, field = 'message_b64'): SolanaMessage {
  if (bytes.length === 0) fail(field, 'empty message');
  if (bytes.length > MAX_MESSAGE_BYTES) fail(field, 'message larger than a Solana packet (1232 bytes)', { length: bytes.length, max: MAX_MESSAGE_BYTES });
  if (isVersionedMessage(bytes) && (bytes[0]! & 0x7f) !== 0) {
    throw openKmsError(ErrorCode.unsupported, `Solana message version ${bytes[0]! & 0x7f} is not supported (legacy and v0 are)`, {
      field,
      version: bytes[0]! & 0x7f,
    });
  }
  let compiled: ReturnType<typeof decoder.decode>;
  let end: number;
  try {
    [compiled, end] = decoder.read(bytes, 0);
  } catch (err) {
    fail(field, `message truncated or malformed (${(err as Error).message})`);
  }
  if (compiled.version !== 'legacy' && compiled.version !== 0) {
    throw openKmsError(ErrorCode.unsupported, `Solana message version ${String(compiled.version)} is not supported (legacy and v0 are)`, { field });
  }
  if (end !== bytes.length) fail(field, `${bytes.length - end} trailing byte(s) after the message`, { offset: end, trailing: bytes.length - end });

  const header: MessageHeader = {
    numRequiredSignatures: compiled.header.numSignerAccounts,
    numReadonlySignedAccounts: compiled.header.numReadonlySignerAccounts,
    numReadonlyUnsignedAccounts: compiled.header.numReadonlyNonSignerAccounts,
  };
  const staticAccounts = compiled.staticAccounts as readonly string[];
  const keyCount = staticAccounts.length;
  if (header.numRequiredSignatures === 0) fail(field, 'message requires no signatures');
  if (header.numRequiredSignatures > keyCount) {
    fail(field, 'header requires more signers than there are account keys', { num_required_signatures: header.numRequiredSignatures, account_keys: keyCount });
  }
  if (header.numReadonlySignedAccounts >= header.numRequiredSignatures) {
    fail(field, 'header marks the fee payer read-only', { num_readonly_signed_accounts: header.numReadonlySignedAccounts });
  }
  if (header.numRequiredSignatures + header.numReadonlyUnsignedAccounts > keyCount) {
    fail(field, 'header read-only count exceeds the account keys', { num_readonly_unsigned_accounts: header.numReadonlyUnsignedAccounts });
  }
  const seen = new Map<string, number>();
  staticAccounts.forEach((key, index) => {
    const first = seen.get(key);
    if (first !== undefined) fail(field, 'duplicate account key', { index, first_index: first });
    seen.set(key, index);
  });

  const version = compiled.version === 'legacy' ? 'legacy' : 0;
  const addressTableLookups: AddressTableLookup[] = [];
  const tables = new Set<string>();
  (compiled.version === 0 ? (compiled.addressTableLookups ?? []) : []).forEach((l, i) => {
    const tableAddress = l.lookupTableAddress as string;
    const lookup = { tableAddress, writableIndexes: [...l.writableIndexes], readonlyIndexes: [...l.readonlyIndexes] };
    if (lookup.writableIndexes.length + lookup.readonlyIndexes.length === 0) fail(field, 'address table lookup loads no accounts', { lookup: i });
    if (tables.has(tableAddress)) fail(field, 'duplicate address table lookup', { lookup: i });
    tables.add(tableAddress);
    addressTableLookups.push(lookup);
  });
  const message: SolanaMessage = {
    version,
    header,
    staticAccounts,
    recentBlockhash: compiled.lifetimeToken as string,
    instructions: [],
    addressTableLookups,
  };
  const total = accountCount(message);
  if (total > MAX_ACCOUNTS) fail(field, 'message addresses more than 256 accounts', { accounts: total });

  const instructions: CompiledInstruction[] = compiled.instructions.map((ix, i) => {
    const programIdIndex = ix.programAddressIndex;
    if (programIdIndex >= keyCount)
      fail(field, 'program id index out of range (program ids must be static account keys)', { instruction: i, index: programIdIndex, account_keys: keyCount });
    if (programIdIndex === 0) fail(field, 'fee payer used as a program id', { instruction: i });
    const accountIndices = [...(ix.accountIndices ?? [])];
    accountIndices.forEach((index, position) => {
      if (index >= total) fail(field, 'account index out of range', { instruction: i, position, index, accounts: total });
    });
    return { programIdIndex, accountIndices, data: Uint8Array.from(ix.data ?? []) };
  });

  // The codec accepts non-canonical (over-long) compact-u16 lengths; the runtime does not. The canonical encoding of what
  // was decoded is exactly as long as the input only when every length was canonical (everything else is fixed-size).
  if (encoder.getSizeFromValue(compiled) !== bytes.length) fail(field, 'non-canonical message encoding (e.g. an over-long compact-u16 length)');

  return { ...message, instructions };
}

/** Readable hint for a `decode_failed` on message_b64 when the bytes are a whole transaction. */
export const TRANSACTION_AS_MESSAGE_HINT =
  'the bytes look like a whole serialized transaction (signature count and signatures before the message): send them as transaction_b64, or send only the message as message_b64';
