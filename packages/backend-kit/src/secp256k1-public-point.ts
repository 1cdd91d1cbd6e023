import { secp256k1 } from '@noble/curves/secp256k1.js';

type Point = InstanceType<typeof secp256k1.Point>;

/**
 * Window of the per-key multiplication table: 2^(w-1) × (256/w + 1) points. Measured on the bench machine: w = 4 takes
 * ~150 KB per key and halves the check (1.56 → 0.78 ms); w = 6 ~310 KB (0.64 ms); w = 8 ~930 KB (0.57 ms).
 */
const WINDOW = 4;
/** Keys kept, the least recently used dropped first: ~10 MB at most. A signer has a handful of secp256k1 keys. */
const MAX_KEYS = 64;
const points = new Map<string, Point>();

/**
 * The curve point of a secp256k1 public key (SEC1, 33 or 65 bytes), parsed and checked once per key and kept with a
 * multiplication table, so that checking a signature against it costs half as much. Built on a key's first signature, not at start-up. Throws on anything that
 * is not a point on the curve.
 */
export function secp256k1PublicPoint(publicKey: Uint8Array): Point {
  const id = Buffer.from(publicKey).toString('hex');
  let point = points.get(id);
  if (point === undefined) {
    point = secp256k1.Point.fromBytes(publicKey).precompute(WINDOW, false);
    if (points.size >= MAX_KEYS) points.delete(points.keys().next().value!);
  } else {
    points.delete(id); // to the back: the map's order is the order of use
  }
  points.set(id, point);
  return point;
}
