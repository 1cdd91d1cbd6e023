/** JSON for EVM values: bigints as decimal strings, byte arrays as 0x hex (what POST /sign/evm reads). */
export function toEvmJson(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return '0x' + Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('');
  if (Array.isArray(value)) return value.map(toEvmJson);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toEvmJson(v);
    return out;
  }
  return value;
}
