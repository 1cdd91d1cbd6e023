/**
 * Test helper (not shipped): a minimal host that talks raw frames to a simulator, using the driver's own
 * SecureChannel for the host side of SCP03.
 */
import { decodeFrame, deriveSessionKeys, encodeFrame, passwordToAuthKey, SecureChannel, type AuthKeyMaterial } from '@openkms/yubihsm';
import type { SimulatedYubiHsm } from './simulator.js';

export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A random source that returns the queued chunks first (each must match the requested length), then counter bytes. */
export function scriptedRandom(...chunks: string[]): (n: number) => Uint8Array {
  const queue = chunks.map(hex);
  let counter = 1;
  return (n: number) => {
    const next = queue[0];
    if (next && next.length === n) {
      queue.shift();
      return next;
    }
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (counter * 131 + i * 17 + 7) & 0xff;
    counter++;
    return out;
  };
}

/** A manual clock. */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

export interface HostSession {
  readonly sid: number;
  readonly channel: SecureChannel;
}

export interface InnerResponse {
  readonly cmd: number;
  readonly payload: Uint8Array;
  /** Device error code when the inner response is 0x7f. */
  readonly error: number | undefined;
}

export const DEFAULT_KEY: AuthKeyMaterial = passwordToAuthKey('password');

export async function openSession(
  sim: SimulatedYubiHsm,
  keyId = 1,
  key: AuthKeyMaterial = DEFAULT_KEY,
  hostChallenge = hex('0102030405060708'),
): Promise<HostSession> {
  const req = new Uint8Array(10);
  req[0] = keyId >> 8;
  req[1] = keyId & 0xff;
  req.set(hostChallenge, 2);
  const created = decodeFrame(await sim.handleFrame(encodeFrame(0x03, req)));
  if (created.cmd !== 0x83) throw new Error(`CreateSession failed: ${toHex(created.payload)}`);
  const sid = created.payload[0]!;
  const cardChallenge = created.payload.slice(1, 9);
  const channel = new SecureChannel({ sessionId: sid, keys: deriveSessionKeys(key, hostChallenge, cardChallenge), hostChallenge, cardChallenge });
  if (!channel.verifyCardCryptogram(created.payload.slice(9, 17))) throw new Error('bad card cryptogram');
  const auth = await sim.handleFrame(channel.authenticateRequest());
  if (toHex(auth) !== '840000') throw new Error(`AuthenticateSession failed: ${toHex(auth)}`);
  return { sid, channel };
}

/** Sends one inner command in the session; throws on an outer (plain 7f) error. */
export async function send(sim: SimulatedYubiHsm, s: HostSession, cmd: number, payload: Uint8Array = new Uint8Array(0)): Promise<InnerResponse> {
  const frame = s.channel.wrapCommand(encodeFrame(cmd, payload));
  const inner = decodeFrame(s.channel.unwrapResponse(await sim.handleFrame(frame)));
  return { cmd: inner.cmd, payload: inner.payload, error: inner.cmd === 0x7f ? inner.payload[0] : undefined };
}

/** Like send() but expects success and returns the payload. */
export async function call(sim: SimulatedYubiHsm, s: HostSession, cmd: number, payload: Uint8Array = new Uint8Array(0)): Promise<Uint8Array> {
  const r = await send(sim, s, cmd, payload);
  if (r.error !== undefined) throw new Error(`command 0x${cmd.toString(16)} failed with device error 0x${r.error.toString(16)}`);
  if (r.cmd !== (cmd | 0x80)) throw new Error(`unexpected response code 0x${r.cmd.toString(16)}`);
  return r.payload;
}

export function label(text: string): Uint8Array {
  const out = new Uint8Array(40);
  out.set(new TextEncoder().encode(text));
  return out;
}

export function u16(n: number): Uint8Array {
  return Uint8Array.of(n >> 8, n & 0xff);
}

export function u64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export const cap = (...bits: number[]): bigint => bits.reduce((m, b) => m | (1n << BigInt(b)), 0n);

/** Put/Generate header: id ‖ label ‖ domains ‖ caps ‖ alg. */
export function objectHeader(id: number, text: string, domains: number, caps: bigint, alg: number): Uint8Array {
  return concat(u16(id), label(text), u16(domains), u64(caps), Uint8Array.of(alg));
}
