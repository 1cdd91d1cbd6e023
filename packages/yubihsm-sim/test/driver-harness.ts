/**
 * Test harness (not shipped): a simulator behind a real connector HTTP server on 127.0.0.1 and the driver's
 * YubiHsmClient talking to it over HTTP.
 */
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
