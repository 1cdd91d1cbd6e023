// Reproducible randomness for the suite: one seed per run, printed, overridable with RELIABILITY_SEED.
import { randomInt } from 'node:crypto';

/** The run's seed: RELIABILITY_SEED when set, else a fresh one. */
export function suiteSeed(): number {
  const fromEnv = process.env.RELIABILITY_SEED;
  return fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) >>> 0 : randomInt(2 ** 31);
}

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
