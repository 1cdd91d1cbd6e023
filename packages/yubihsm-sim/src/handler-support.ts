/**
 * What every command handler does the same way: the session's authority, payload length checks, the Put/Generate
 * object header, creating an object and finding a key the session may use. Capability and domain rules: reference §7.
 */
import { ByteReader } from '@openkms/yubihsm';
import { requireCreatable, requireObjectCapability, requireSessionCapability, requireVisible, type SessionAuthority } from './capability-rules.js';
import type { CommandContext } from './command-context.js';
import { DeviceError, LABEL_LENGTH } from './device-codes.js';
import { fail } from './device-failure.js';
import type { DeviceObject } from './object-store.js';

export type CommandHandler = (payload: Uint8Array, ctx: CommandContext) => Uint8Array;

export const EMPTY = new Uint8Array(0);

export function authority(ctx: CommandContext): SessionAuthority {
  if (!ctx.session) return fail(DeviceError.invalidCommand, 'command needs a session');
  return ctx.session.authority;
}

export function expectLength(payload: Uint8Array, ...lengths: number[]): void {
  if (!lengths.includes(payload.length)) fail(DeviceError.wrongLength, 'wrong payload length');
}

export function u16(n: number): Uint8Array {
  return Uint8Array.of((n >> 8) & 0xff, n & 0xff);
}

/** id(2) ‖ label(40) ‖ domains(2) ‖ caps(8) ‖ alg(1): the common header of the Put and Generate commands. */
export interface NewObjectHeader {
  id: number;
  label: Uint8Array;
  domains: number;
  capabilities: bigint;
  algorithm: number;
}

export function readNewObjectHeader(r: ByteReader): NewObjectHeader {
  const id = r.u16();
  const label = r.bytes(LABEL_LENGTH);
  const domains = r.u16();
  const capabilities = r.u64();
  const algorithm = r.u8();
  if (id > 0xfffe) fail(DeviceError.invalidId, 'object id out of range');
  return { id, label, domains, capabilities, algorithm };
}

export function visibleObject(ctx: CommandContext, id: number, type: number): DeviceObject {
  return requireVisible(authority(ctx), ctx.state.objects.get(id, type));
}

/** The new object's fields beyond the header (delegated capabilities default to none). */
export interface NewObjectBody {
  type: number;
  origin: number;
  secret: Uint8Array;
  delegated?: bigint;
  seed?: Uint8Array;
}

/**
 * Stores a new object after checking that the session may create it (domains within the session's, capabilities
 * and delegated capabilities within its auth key's delegated set); answers its id. The session-capability check
 * (put-… / generate-…) is the caller's, before it parses anything else.
 */
export function createObject(ctx: CommandContext, h: NewObjectHeader, body: NewObjectBody): Uint8Array {
  const delegated = body.delegated ?? 0n;
  requireCreatable(authority(ctx), h.domains, h.capabilities, delegated);
  const stored = ctx.state.objects.insert({ ...h, ...body, delegated });
  ctx.targetKey = stored.id;
  ctx.mutated = true;
  return u16(stored.id);
}

/**
 * A key the session uses for an operation: reads its id(2) from the payload (WRONG_LENGTH when shorter than
 * `minLength`), needs `bit` on the session's auth key and on the key itself; returns the key and the rest of the
 * payload to read.
 */
export function usableKey(ctx: CommandContext, payload: Uint8Array, type: number, bit: number, minLength = 2): { o: DeviceObject; r: ByteReader } {
  const session = authority(ctx);
  if (payload.length < minLength) fail(DeviceError.wrongLength, 'payload too short');
  const r = new ByteReader(payload);
  const id = r.u16();
  ctx.targetKey = id;
  requireSessionCapability(session, bit);
  const o = visibleObject(ctx, id, type);
  ctx.algorithm = o.algorithm;
  requireObjectCapability(o, bit);
  return { o, r };
}
