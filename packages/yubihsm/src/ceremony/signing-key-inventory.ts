import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { YubiHsmCommandMethods } from '../client/command-methods.js';
import { algorithmName, type AlgorithmName } from '../protocol/algorithm.js';
import { hasCapabilities } from '../protocol/capability.js';
import { describeOrigin } from '../protocol/origin.js';

/** A signing key on the device as the ceremony tools show it. */
export interface DeviceSigningKey {
  readonly id: number;
  readonly label: string;
  /** The device's algorithm name (`ed25519`, `eck256`, …). */
  readonly algorithm: AlgorithmName | `0x${string}`;
  /** The curve openKMS signs with, when it is one it supports. */
  readonly curve?: 'ed25519' | 'secp256k1';
  /** `generated` in the device, `imported` (put), each with `wrapped` when it came back through ImportWrapped. */
  readonly origin: 'generated' | 'imported';
  readonly restoredFromWrap: boolean;
  /** Raw public key: 32 bytes (Ed25519) or 33-byte compressed SEC1 (secp256k1); the device's raw form otherwise. */
  readonly publicKey: Uint8Array;
  readonly domains: number;
  readonly exportableUnderWrap: boolean;
}

/** Every asymmetric key the session can see, sorted by id, with its public key and origin. */
export async function listSigningKeys(session: YubiHsmCommandMethods): Promise<DeviceSigningKey[]> {
  const entries = await session.listObjects({ type: 'asymmetric-key' });
  const keys: DeviceSigningKey[] = [];
  for (const e of [...entries].sort((a, b) => a.id - b.id)) keys.push(await describeSigningKey(session, e.id));
  return keys;
}

/** One asymmetric key's info and public key. */
export async function describeSigningKey(session: YubiHsmCommandMethods, id: number): Promise<DeviceSigningKey> {
  const info = await session.getObjectInfo(id, 'asymmetric-key');
  const pub = await session.getPublicKey(id);
  const algorithm = algorithmName(info.algorithm) ?? (`0x${info.algorithm.toString(16).padStart(2, '0')}` as const);
  const curve = algorithm === 'ed25519' ? 'ed25519' : algorithm === 'eck256' ? 'secp256k1' : undefined;
  const publicKey = curve === 'secp256k1' ? secp256k1.Point.fromBytes(Uint8Array.of(4, ...pub.publicKey)).toBytes(true) : pub.publicKey;
  const origin = describeOrigin(info.origin);
  return {
    id,
    label: info.label,
    algorithm,
    ...(curve ? { curve } : {}),
    origin: origin.generated ? 'generated' : 'imported',
    restoredFromWrap: origin.wrapped,
    publicKey,
    domains: info.domains,
    exportableUnderWrap: hasCapabilities(info.capabilities, ['exportable-under-wrap']),
  };
}
