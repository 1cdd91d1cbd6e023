/** Parses a base-unit amount written as a decimal string ("5000000000"). Returns undefined for anything else. */
export function parseAmount(text: unknown): bigint | undefined {
  if (typeof text !== 'string' || !/^(0|[1-9][0-9]*)$/.test(text) || text.length > 78) return undefined;
  return BigInt(text);
}
