/**
 * The device's object store: up to 256 objects keyed by (id, type), ids 1–0xFFFE, 40-byte labels, and a sequence
 * number per (id, type) that goes up each time an object with that id and type is created again.
 */
import { Algorithm, DeviceError, LABEL_LENGTH, MAX_OBJECTS, ObjectType } from './device-codes.js';
import { fail } from './device-failure.js';

export interface DeviceObject {
  readonly id: number;
  readonly type: number;
  readonly algorithm: number;
  /** Exactly 40 bytes, NUL padded. */
  readonly label: Uint8Array;
  readonly domains: number;
  readonly capabilities: bigint;
  /** Delegated capabilities (authentication and wrap keys; 0 for other types). */
  readonly delegated: bigint;
  readonly origin: number;
  readonly sequence: number;
  /**
   * Secret material by type: authentication key K-ENC ‖ K-MAC (32); EC key the scalar d (32);
   * Ed25519 the expanded form scalar ‖ prefix ‖ A (96); wrap key the AES key.
   */
  readonly secret: Uint8Array;
  /** Ed25519 seed, when known (generated, Put, or imported from a format-1 wrap blob). */
  readonly seed?: Uint8Array;
}

/** The `length` GetObjectInfo reports (reference §9). */
export function objectLength(obj: DeviceObject): number {
  switch (obj.type) {
    case ObjectType.authenticationKey:
      // K-ENC ‖ K-MAC (32) or the EC public key x ‖ y (64), plus the delegated capabilities (8)
      return obj.secret.length + 8;
    case ObjectType.wrapKey:
      return obj.secret.length + 8;
    case ObjectType.asymmetricKey:
      if (obj.algorithm === Algorithm.ed25519) return 128;
      // RSA: p ‖ q as stored; EC: d ‖ x ‖ y as wrapped
      return obj.algorithm === Algorithm.rsa2048 || obj.algorithm === Algorithm.rsa3072 || obj.algorithm === Algorithm.rsa4096
        ? obj.secret.length
        : obj.secret.length * 3;
    default:
      return obj.secret.length;
  }
}

export function padLabel(label: Uint8Array | string): Uint8Array {
  const bytes = typeof label === 'string' ? new TextEncoder().encode(label) : label;
  if (bytes.length > LABEL_LENGTH) fail(DeviceError.invalidData, 'label too long');
  const out = new Uint8Array(LABEL_LENGTH);
  out.set(bytes);
  return out;
}

function keyOf(id: number, type: number): string {
  return `${type}:${id}`;
}

export class ObjectStore {
  private readonly objects = new Map<string, DeviceObject>();
  /** Last sequence number used per (id, type); survives deletion so a re-created object gets the next one. */
  private readonly sequences = new Map<string, number>();

  get size(): number {
    return this.objects.size;
  }

  get(id: number, type: number): DeviceObject | undefined {
    return this.objects.get(keyOf(id, type));
  }

  all(): DeviceObject[] {
    return [...this.objects.values()].sort((a, b) => a.id - b.id || a.type - b.type);
  }

  /** Lowest id in 1–0xFFFE that has no object of `type`. */
  pickFreeId(type: number): number {
    for (let id = 1; id <= 0xfffe; id++) if (!this.objects.has(keyOf(id, type))) return id;
    fail(DeviceError.storageFailed, 'no free id');
  }

  /** Sequence the next object created with (id, type) gets. */
  nextSequence(id: number, type: number): number {
    const last = this.sequences.get(keyOf(id, type));
    return last === undefined ? 0 : (last + 1) & 0xff;
  }

  /**
   * Adds a new object. `id` 0 means "device picks". Fails with OBJECT_EXISTS, INVALID_ID or STORAGE_FAILED (full).
   * The object's sequence is assigned here unless `keepSequence` is set (imports keep the wrapped sequence).
   */
  insert(obj: Omit<DeviceObject, 'sequence'> & { sequence?: number }, keepSequence = false): DeviceObject {
    if (obj.id < 0 || obj.id > 0xfffe) fail(DeviceError.invalidId, 'object id out of range');
    const id = obj.id === 0 ? this.pickFreeId(obj.type) : obj.id;
    const key = keyOf(id, obj.type);
    if (this.objects.has(key)) fail(DeviceError.objectExists, 'object exists');
    if (this.objects.size >= MAX_OBJECTS) fail(DeviceError.storageFailed, 'object store full');
    const sequence = keepSequence && obj.sequence !== undefined ? obj.sequence & 0xff : this.nextSequence(id, obj.type);
    const stored: DeviceObject = { ...obj, id, sequence };
    this.objects.set(key, stored);
    this.sequences.set(key, sequence);
    return stored;
  }

  /** Replaces an existing object's fields (same id, type and sequence); ChangeAuthenticationKey. */
  replace(obj: DeviceObject): void {
    const key = keyOf(obj.id, obj.type);
    if (!this.objects.has(key)) fail(DeviceError.objectNotFound, 'object not found');
    this.objects.set(key, obj);
  }

  delete(id: number, type: number): boolean {
    return this.objects.delete(keyOf(id, type));
  }

  clear(): void {
    this.objects.clear();
    this.sequences.clear();
  }

  /** Snapshot for persistence. */
  exportState(): { objects: DeviceObject[]; sequences: Array<[string, number]> } {
    return { objects: this.all(), sequences: [...this.sequences.entries()] };
  }

  importState(objects: readonly DeviceObject[], sequences: ReadonlyArray<readonly [string, number]>): void {
    this.clear();
    for (const [k, v] of sequences) this.sequences.set(k, v);
    for (const o of objects) this.objects.set(keyOf(o.id, o.type), o);
  }
}
