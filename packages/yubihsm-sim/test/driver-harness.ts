/**
 * Test harness (not shipped): a simulator behind a real connector HTTP server on 127.0.0.1 and the driver's
 * YubiHsmClient talking to it over HTTP.
 */
import { createServer } from 'node:net';
import { YubiHsmClient, type YubiHsmEvent } from '@openkms/yubihsm';
import { createSimulator, startConnectorServer, type SimulatedYubiHsm, type SimulatorOptions } from '../src/index.js';

export interface SimHarness {
  readonly sim: SimulatedYubiHsm;
  readonly url: string;
  readonly client: YubiHsmClient;
  /** Stops the HTTP server only (connector down); `restart()` brings it back on the same port. */
  stopServer(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: SimulatorOptions = {}): Promise<SimHarness> {
  const sim = createSimulator(options);
  let server = await startConnectorServer(sim, { host: '127.0.0.1', port: 0 });
  const url = server.url;
  const port = server.port;
  let running = true;
  const client = new YubiHsmClient({ url, timeoutMs: 2000 });
  return {
    sim,
    url,
    client,
    async stopServer() {
      if (!running) return;
      running = false;
      await server.close();
    },
    async restart() {
      if (running) return;
      server = await startConnectorServer(sim, { host: '127.0.0.1', port });
      running = true;
    },
    async close() {
      await client.close();
      if (running) await server.close();
      running = false;
      await sim.close();
    },
  };
}

/** Collects driver events. */
export function eventLog(): { events: YubiHsmEvent[]; onEvent: (e: YubiHsmEvent) => void; count(type: YubiHsmEvent['type']): number } {
  const events: YubiHsmEvent[] = [];
  return { events, onEvent: (e) => void events.push(e), count: (type) => events.filter((e) => e.type === type).length };
}

/** Polls `cond` every 5 ms, up to `maxMs`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, maxMs = 2000): Promise<void> {
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('condition not reached in time');
}

export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export const ED_SEED = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
export const K1_SCALAR = hex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');

/** Demo-style provisioning with auth key 1: a sign-only auth key 3 (password signer-password), Ed25519 0x64, secp256k1 0x65. */
export async function provisionSigner(client: YubiHsmClient): Promise<void> {
  const s = await client.openSession(1, 'password');
  try {
    await s.putAuthenticationKey({
      id: 3,
      label: 'openkms signer',
      domains: [1],
      capabilities: ['sign-eddsa', 'sign-ecdsa'],
      secret: { password: 'signer-password' },
    });
    await s.putAsymmetricKey({ id: 0x64, label: 'solana-hot', domains: [1], capabilities: ['sign-eddsa'], algorithm: 'ed25519', key: ED_SEED });
    await s.putAsymmetricKey({ id: 0x65, label: 'cosmos-hot', domains: [1], capabilities: ['sign-ecdsa'], algorithm: 'eck256', key: K1_SCALAR });
  } finally {
    await s.close();
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
