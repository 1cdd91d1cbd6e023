/**
 * Canonical JSON used as the MAC input of audit records.
 *
 * - object: `{` + members sorted by key in ascending UTF-16 code-unit order (JavaScript's default string sort),
 *   each written `"key":value`, separated by `,`, no whitespace + `}`; members whose value is `undefined` are omitted;
 * - array: `[` + elements in order, separated by `,` + `]`;
 * - string: exactly as ECMAScript `JSON.stringify` writes it (escapes `"`, `\`, control characters as `\b \f \n \r \t`
 *   or lowercase `\u00xx`, lone surrogates as lowercase `\udxxx`; everything else literal);
 * - number: ECMAScript Number-to-string (as `JSON.stringify`); only finite numbers are allowed;
 * - `true`, `false`, `null`.
 *
 * For the values audit records hold this is the same output as RFC 8785 (JCS). The MAC is computed over the
 * UTF-8 bytes of that string.
 */

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, 0);
  return parts.join('');
}

const MAX_DEPTH = 64;

function write(value: unknown, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new TypeError('value nests too deeply');
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('non-finite number');
      out.push(JSON.stringify(value));
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          const item: unknown = value[i];
          if (item === undefined) throw new TypeError('undefined array element');
          write(item, out, depth + 1);
        }
        out.push(']');
        return;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      out.push('{');
      keys.forEach((k, i) => {
        if (i > 0) out.push(',');
        out.push(JSON.stringify(k), ':');
        write(obj[k], out, depth + 1);
      });
      out.push('}');
      return;
    }
    default:
      throw new TypeError(`${typeof value} is not JSON`);
  }
}

/**
 * Deep-copies `value` into plain JSON data, dropping `undefined` object members, and throws a TypeError for
 * anything JSON cannot represent faithfully (bigint, functions, symbols, non-finite numbers, class instances,
 * undefined array elements, cycles). What it returns survives `JSON.stringify` → `JSON.parse` unchanged.
 */
export function toPlainJson(value: unknown, depth = 0): JsonValue {
  if (depth > MAX_DEPTH) throw new TypeError('value nests too deeply (or is cyclic)');
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('non-finite number');
      return Object.is(value, -0) ? 0 : value;
    case 'object': {
      if (Array.isArray(value)) {
        return value.map((item: unknown) => {
          if (item === undefined) throw new TypeError('undefined array element');
          return toPlainJson(item, depth + 1);
        });
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new TypeError('only plain objects are allowed');
      const entries: [string, JsonValue][] = [];
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue;
        entries.push([k, toPlainJson(v, depth + 1)]);
      }
      // fromEntries defines own data properties, so a "__proto__" key stays an ordinary member.
      return Object.fromEntries(entries);
    }
    default:
      throw new TypeError(`${typeof value} is not JSON`);
  }
}
