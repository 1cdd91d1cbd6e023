import { namesByCode } from './code-table.js';
/** Object types (one byte on the wire). */
export const ObjectType = {
  opaque: 1,
  'authentication-key': 2,
  'asymmetric-key': 3,
  'wrap-key': 4,
  'hmac-key': 5,
  template: 6,
  'otp-aead-key': 7,
  'symmetric-key': 8,
  'public-wrap-key': 9,
} as const;

export type ObjectTypeName = keyof typeof ObjectType;

const BY_CODE = namesByCode(ObjectType);

export function objectTypeCode(type: ObjectTypeName | number): number {
  return typeof type === 'number' ? type : ObjectType[type];
}

/** Name for a type code, or undefined when unknown. */
export function objectTypeName(code: number): ObjectTypeName | undefined {
  return BY_CODE[code];
}
