/** Signature schemes a key backend offers. */
export type Curve = 'ed25519' | 'secp256k1';

export const CURVES: readonly Curve[] = ['ed25519', 'secp256k1'];
