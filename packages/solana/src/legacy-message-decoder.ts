import { ErrorCode, openKmsError } from '@openkms/core';
import { ByteReader } from './byte-reader.js';
import { solanaAddress } from './solana-address.js';

/** The three-byte header of a Solana message. */
export interface MessageHeader {
  /** Signatures the transaction needs; the first this-many account keys sign. */
  readonly numRequiredSignatures: number;
  /** The last this-many of the signing keys are read-only. */
  readonly numReadonlySignedAccounts: number;
  /** The last this-many of the non-signing keys are read-only. */
  readonly numReadonlyUnsignedAccounts: number;
}

/** One compiled instruction, with indices resolved against the account key list. */
export interface CompiledInstruction {
  readonly programIdIndex: number;
  /** Base58 program id (the key at programIdIndex). */
  readonly programId: string;
  readonly accountIndices: readonly number[];
  /** Base58 account addresses, in instruction order. */
  readonly accounts: readonly string[];
  readonly data: Uint8Array;
}

/** A decoded legacy (pre-versioned) Solana message. */
export interface LegacyMessage {
  readonly version: 'legacy';
  readonly header: MessageHeader;
  /** Base58 account keys, in message order (signers first). */
  readonly accountKeys: readonly string[];
  /** Base58 recent blockhash (or durable nonce value). */
  readonly recentBlockhash: string;
  readonly instructions: readonly CompiledInstruction[];
}

const FIELD = 'message_b64';

/** Solana's packet limit (PACKET_DATA_SIZE). A message longer than this can never land in a transaction. */
export const MAX_MESSAGE_BYTES = 1232;

function fail(message: string, context: Record<string, string | number> = {}): never {
  throw openKmsError(ErrorCode.decodeFailed, message, { field: FIELD, ...context });
}

/** True when the first byte marks a versioned message (high bit set: 0x80 | version). */
export function isVersionedMessage(bytes: Uint8Array): boolean {
  return bytes.length > 0 && (bytes[0]! & 0x80) !== 0;
}

/**
 * Decodes a legacy Solana message, checking every read and every index. Fails closed (decode_failed) on:
 * empty or oversized (> MAX_MESSAGE_BYTES) input, truncation anywhere, trailing bytes, a header that does not fit the
 * key list, duplicate account keys, a program or account index out of range, and the fee payer used as a program.
 * A versioned message prefix is refused with `unsupported`.
 */
export function decodeLegacyMessage(bytes: Uint8Array): LegacyMessage {
  if (bytes.length === 0) fail('empty message');
  if (bytes.length > MAX_MESSAGE_BYTES) fail('message larger than a Solana packet', { length: bytes.length, max: MAX_MESSAGE_BYTES });
  if (isVersionedMessage(bytes)) {
    // well-formed but not supported: its own code, so a client knows decoding did not fail on garbage
    throw openKmsError(ErrorCode.unsupported, 'versioned (v0) Solana messages are not supported yet; send a legacy message', {
      field: FIELD,
      version: bytes[0]! & 0x7f,
    });
  }
  const r = new ByteReader(bytes, FIELD);
  const header: MessageHeader = {
    numRequiredSignatures: r.u8('header.num_required_signatures'),
    numReadonlySignedAccounts: r.u8('header.num_readonly_signed_accounts'),
    numReadonlyUnsignedAccounts: r.u8('header.num_readonly_unsigned_accounts'),
  };

  const keyCount = r.compactU16('account key count');
  const rawKeys: Uint8Array[] = [];
  for (let i = 0; i < keyCount; i++) rawKeys.push(r.bytes(32, `account key ${i}`));

  if (header.numRequiredSignatures === 0) fail('message requires no signatures');
  if (header.numRequiredSignatures > keyCount) {
    fail('header requires more signers than there are account keys', { num_required_signatures: header.numRequiredSignatures, account_keys: keyCount });
  }
  if (header.numReadonlySignedAccounts >= header.numRequiredSignatures) {
    fail('header marks the fee payer read-only', { num_readonly_signed_accounts: header.numReadonlySignedAccounts });
  }
  if (header.numRequiredSignatures + header.numReadonlyUnsignedAccounts > keyCount) {
    fail('header read-only count exceeds the account keys', { num_readonly_unsigned_accounts: header.numReadonlyUnsignedAccounts });
  }
  const accountKeys = rawKeys.map(solanaAddress);
  const seen = new Map<string, number>();
  accountKeys.forEach((key, index) => {
    const first = seen.get(key);
    if (first !== undefined) fail('duplicate account key', { index, first_index: first });
    seen.set(key, index);
  });

  const recentBlockhash = solanaAddress(r.bytes(32, 'recent blockhash'));

  const instructionCount = r.compactU16('instruction count');
  const instructions: CompiledInstruction[] = [];
  for (let i = 0; i < instructionCount; i++) {
    const programIdIndex = r.u8(`instruction ${i} program id index`);
    if (programIdIndex >= keyCount) fail('program id index out of range', { instruction: i, index: programIdIndex, account_keys: keyCount });
    if (programIdIndex === 0) fail('fee payer used as a program id', { instruction: i });
    const accountCount = r.compactU16(`instruction ${i} account count`);
    const accountIndices: number[] = [];
    for (let a = 0; a < accountCount; a++) {
      const index = r.u8(`instruction ${i} account index ${a}`);
      if (index >= keyCount) fail('account index out of range', { instruction: i, position: a, index, account_keys: keyCount });
      accountIndices.push(index);
    }
    const dataLength = r.compactU16(`instruction ${i} data length`);
    const data = r.bytes(dataLength, `instruction ${i} data`);
    instructions.push({
      programIdIndex,
      programId: accountKeys[programIdIndex]!,
      accountIndices,
      accounts: accountIndices.map((index) => accountKeys[index]!),
      data,
    });
  }
  r.expectEnd('the last instruction');

  return { version: 'legacy', header, accountKeys, recentBlockhash, instructions };
}

/** The base58 addresses that must sign the message (the first numRequiredSignatures keys). */
export function requiredSigners(message: LegacyMessage): readonly string[] {
  return message.accountKeys.slice(0, message.header.numRequiredSignatures);
}
