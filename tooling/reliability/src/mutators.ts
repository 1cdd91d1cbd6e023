// Mutation of request bodies for the fuzzer: byte-level mutations of real transactions (flip, overwrite, change a
// count, truncate, append, nest a copy of a slice), JSON-level mutations of request objects (drop, retype, add
// members, nest deeply), and random values. Everything draws from one seeded generator so a run is reproducible.

export type Rand = () => number;

export const int = (rand: Rand, n: number): number => Math.floor(rand() * n);
export const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[int(rand, xs.length)]!;

export function randomBytes(rand: Rand, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = int(rand, 256);
  return out;
}

/**
 * One random byte-level mutation of `bytes`. `countAt` lists offsets that hold counts or lengths (message header,
 * account and instruction counts), which `count` mutations prefer.
 */
export function mutateBytes(rand: Rand, bytes: Uint8Array, countAt: readonly number[] = []): { bytes: Uint8Array; kind: string } {
  const b = Uint8Array.from(bytes);
  const at = () => int(rand, Math.max(1, b.length));
  switch (int(rand, 7)) {
    case 0: {
      if (b.length > 0) b[at()]! ^= 1 << int(rand, 8);
      return { bytes: b, kind: 'flip' };
    }
    case 1: {
      if (b.length > 0) b[at()] = int(rand, 256);
      return { bytes: b, kind: 'byte' };
    }
    case 2: {
      const i = countAt.length > 0 && rand() < 0.8 ? pick(rand, countAt) : at();
      if (i < b.length) b[i] = (b[i]! + pick(rand, [1, -1, 2, -2, 127, 128, 255])) & 0xff;
      return { bytes: b, kind: 'count' };
    }
    case 3:
      return { bytes: b.slice(0, int(rand, b.length + 1)), kind: 'truncate' };
    case 4: {
      const extra = randomBytes(rand, 1 + int(rand, 64));
      const out = new Uint8Array(b.length + extra.length);
      out.set(b);
      out.set(extra, b.length);
      return { bytes: out, kind: 'append' };
    }
    case 5: {
      // nest: a copy of a slice inserted into itself (repeated structures, lengths that no longer match)
      const from = at();
      const len = 1 + int(rand, Math.min(96, Math.max(1, b.length - from)));
      const slice = b.slice(from, from + len);
      const into = at();
      const out = new Uint8Array(b.length + slice.length);
      out.set(b.subarray(0, into));
      out.set(slice, into);
      out.set(b.subarray(into), into + slice.length);
      return { bytes: out, kind: 'nest' };
    }
    default: {
      // delete a slice
      const from = at();
      const to = Math.min(b.length, from + 1 + int(rand, 16));
      const out = new Uint8Array(b.length - (to - from));
      out.set(b.subarray(0, from));
      out.set(b.subarray(to), from);
      return { bytes: out, kind: 'delete' };
    }
  }
}

const STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  '1e400',
  '0x',
  '0xzz',
  'NaN',
  'null',
  '__proto__',
  'constructor',
  '\u0000',
  '\ud800',
  '💥',
  '../../etc/passwd',
  '%s%n',
  'solana-hot-0',
  'cosmos-hub-0',
  'evm-hot-0',
  'AAAA',
  '====',
  '115792089237316195423570985008687907853269984665640564039457584007913129639936',
];
const NUMBERS = [0, -1, 1, 0.5, -0.0, 2 ** 53, 2 ** 64, -(2 ** 63), 1e308, 31337, 4294967295, 65536];

/** A random JSON value (depth-limited). */
export function randomJson(rand: Rand, depth = 3): unknown {
  switch (int(rand, depth > 0 ? 8 : 5)) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return pick(rand, NUMBERS);
    case 3:
      return pick(rand, STRINGS);
    case 4:
      return rand() < 0.5 ? Buffer.from(randomBytes(rand, int(rand, 200))).toString('base64') : 'x'.repeat(int(rand, 5000));
    case 5:
      return Array.from({ length: int(rand, 5) }, () => randomJson(rand, depth - 1));
    case 6:
      return Object.fromEntries(
        Array.from({ length: int(rand, 5) }, () => [pick(rand, [...STRINGS, 'label', 'tx', 'message_b64']), randomJson(rand, depth - 1)]),
      );
    default:
      return deepNest(rand, 1 + int(rand, 300));
  }
}

/** `[[[…]]]` or `{"a":{"a":…}}` nested `n` deep. */
export function deepNest(rand: Rand, n: number): unknown {
  let v: unknown = pick(rand, [1, 'x', null]);
  const arrays = rand() < 0.5;
  for (let i = 0; i < n; i++) v = arrays ? [v] : { a: v };
  return v;
}

/** One to three JSON-level mutations of a request object (a copy). */
export function mutateJson(rand: Rand, obj: Record<string, unknown>): unknown {
  if (rand() < 0.08 || obj === null || typeof obj !== 'object' || Array.isArray(obj)) return randomJson(rand);
  const o: Record<string, unknown> = structuredClone(obj);
  const keys = () => Object.keys(o);
  for (let n = 1 + int(rand, 3); n > 0; n--) {
    switch (int(rand, 6)) {
      case 0:
        if (keys().length > 0) delete o[pick(rand, keys())];
        break;
      case 1:
        if (keys().length > 0) o[pick(rand, keys())] = randomJson(rand);
        break;
      case 2:
        o[pick(rand, [...STRINGS, 'expected_chain_id', 'label', 'tx_hex', 'typed_data', 'message', 'sign_mode', 'sign_doc_json'])] = randomJson(rand);
        break;
      case 3: {
        // a string member cut, extended or with a character changed
        const k = keys().filter((x) => typeof o[x] === 'string');
        if (k.length === 0) break;
        const key = pick(rand, k);
        const v = o[key] as string;
        const i = int(rand, v.length + 1);
        o[key] = pick(rand, [v.slice(0, i), v + v.slice(0, i), v.slice(0, i) + String.fromCharCode(int(rand, 0x3000)) + v.slice(i + 1)]);
        break;
      }
      case 4:
        if (keys().length > 0) o[pick(rand, keys())] = deepNest(rand, 1 + int(rand, 300));
        break;
      default:
        o.label = pick(rand, ['solana-hot-0', 'cosmos-hub-0', 'evm-hot-0', 'nope', '', 'x'.repeat(300)]);
    }
  }
  return o;
}
