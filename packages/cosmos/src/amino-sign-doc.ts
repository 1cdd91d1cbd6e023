import type { StdSignDoc } from '@cosmjs/amino';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { ErrorCode, bytesEqual, openKmsError } from '@openkms/core';
import { aminoConverters } from './amino-converters.js';
import type { CosmosTx } from './cosmos-tx.js';

const FIELD = 'sign_doc';
const UINT = /^(0|[1-9][0-9]{0,19})$/;

function fail(message: string, part: string, extra: Record<string, unknown> = {}): never {
  throw openKmsError(ErrorCode.decodeFailed, message, { field: FIELD, part, ...extra });
}

/** Canonical JSON bytes of any value, as serializeSignDoc writes them (sorted keys, `<>&` escaped). */
const canonical = (v: unknown): Uint8Array => aminoConverters().serializeSignDoc(v as StdSignDoc);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fields(v: unknown, part: string, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
  if (!isRecord(v)) fail(`${part} must be an object`, part);
  for (const k of Object.keys(v)) if (!required.includes(k) && !optional.includes(k)) fail(`${part} has an unknown field "${k}"`, part);
  for (const k of required) if (!(k in v)) fail(`${part} is missing "${k}"`, part);
  return v;
}

function str(v: unknown, part: string, pattern?: RegExp): string {
  if (typeof v !== 'string' || (pattern !== undefined && !pattern.test(v))) fail(`${part} must be ${pattern ? 'a decimal string' : 'a string'}`, part);
  return v;
}

function coins(v: unknown, part: string): { denom: string; amount: string }[] {
  if (!Array.isArray(v)) fail(`${part} must be an array`, part);
  return v.map((c, i) => {
    const t = fields(c, `${part}.${i}`, ['denom', 'amount']);
    return { denom: str(t.denom, `${part}.${i}.denom`), amount: str(t.amount, `${part}.${i}.amount`) };
  });
}

/** A legacy amino StdSignDoc, checked, with the exact bytes to sign and its messages as protobuf Anys. */
export interface AminoSignDoc {
  readonly doc: StdSignDoc;
  /** `serializeSignDoc(doc)`: sorted keys, `<>&` escaped, as cosmjs and the chain produce it. */
  readonly signBytes: Uint8Array;
  readonly tx: CosmosTx;
}

/**
 * Checks an amino (SIGN_MODE_LEGACY_AMINO_JSON) StdSignDoc and converts it for policy.
 *
 * Shape: exactly the StdSignDoc fields (chain_id, account_number, sequence, fee {amount, gas, granter?, payer?},
 * msgs [{type, value}], memo, timeout_height?), integers as decimal strings. Each message is converted with cosmjs's
 * amino converters to its protobuf message; converting it back must give the same JSON (so a field the converter
 * would drop, an unknown field or a non-canonical value fails closed), and an amino type without a converter is
 * undecodable. The bytes signed are `serializeSignDoc` of the checked document — the bytes the chain verifies.
 */
export function decodeAminoSignDoc(raw: unknown): AminoSignDoc {
  const d = fields(raw, FIELD, ['chain_id', 'account_number', 'sequence', 'fee', 'msgs', 'memo'], ['timeout_height']);
  const chainId = str(d.chain_id, 'sign_doc.chain_id');
  const accountNumber = str(d.account_number, 'sign_doc.account_number', UINT);
  str(d.sequence, 'sign_doc.sequence', UINT);
  str(d.memo, 'sign_doc.memo');
  if (d.timeout_height !== undefined) str(d.timeout_height, 'sign_doc.timeout_height', UINT);
  const fee = fields(d.fee, 'sign_doc.fee', ['amount', 'gas'], ['granter', 'payer']);
  const feeAmount = coins(fee.amount, 'sign_doc.fee.amount');
  const gas = str(fee.gas, 'sign_doc.fee.gas', UINT);
  const granter = fee.granter === undefined ? '' : str(fee.granter, 'sign_doc.fee.granter');
  const payer = fee.payer === undefined ? '' : str(fee.payer, 'sign_doc.fee.payer');
  if (!Array.isArray(d.msgs) || d.msgs.length === 0) fail('sign_doc.msgs must be a non-empty array', 'sign_doc.msgs');
  const { aminoTypes, protoRegistry, serializeSignDoc } = aminoConverters();

  const messages: Any[] = d.msgs.map((m, i) => {
    const part = `sign_doc.msgs.${i}`;
    const t = fields(m, part, ['type', 'value']);
    const type = str(t.type, `${part}.type`);
    if (!isRecord(t.value)) fail(`${part}.value must be an object`, part);
    let typeUrl: string;
    let value: unknown;
    let again: Uint8Array;
    try {
      ({ typeUrl, value } = aminoTypes.fromAmino({ type, value: t.value }));
      again = canonical(aminoTypes.toAmino({ typeUrl, value }));
    } catch (cause) {
      throw openKmsError(ErrorCode.decodeFailed, `${part}: amino message of type ${type} cannot be decoded`, { field: FIELD, part, amino_type: type }, cause);
    }
    if (!bytesEqual(again, canonical({ type, value: t.value }))) {
      fail(`${part}: amino message of type ${type} has unknown fields or non-canonical values`, part, { amino_type: type });
    }
    let bytes: Uint8Array;
    try {
      bytes = protoRegistry.encode({ typeUrl, value });
    } catch (cause) {
      throw openKmsError(ErrorCode.decodeFailed, `${part}: amino message of type ${type} cannot be encoded`, { field: FIELD, part }, cause);
    }
    return { typeUrl, value: bytes };
  });

  const doc = raw as StdSignDoc;
  const notes = [`account_number=${accountNumber}`, `gas_limit=${gas}`, 'sign_mode=amino'];
  if (d.timeout_height !== undefined && d.timeout_height !== '0') notes.push(`timeout_height=${String(d.timeout_height)}`);
  return {
    doc,
    signBytes: serializeSignDoc(doc),
    tx: { chainId, messages, fee: { amount: feeAmount, payer, granter }, notes, field: FIELD },
  };
}
