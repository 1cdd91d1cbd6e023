import { cpSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { startTestSigner, type TestSigner } from './test-signer.js';

export interface StartTestFleetOptions {
  /** The shared Redis (`redis://127.0.0.1:<port>`). */
  readonly redisUrl: string;
  /** Instance ids, one signer each (default A, B, C). */
  readonly ids?: readonly string[];
  /** Changes the demo config before the fleet settings are added (e.g. `withPolicy(...)`). */
  readonly config?: (toml: string) => string;
  /** Key prefix in Redis (default `fleet-test:`). */
  readonly keyPrefix?: string;
  /** `[state.redis] reservation_lease_secs` (default 30). */
  readonly leaseSecs?: number;
}

/** A fleet's instances and how to stop them (each instance's own directory is removed). */
export interface TestFleet {
  readonly instances: TestSigner[];
  close(): Promise<void>;
}

/** The `[state]` section of fleet mode for one instance. */
export function fleetStateSection(o: { redisUrl: string; id: string; keyPrefix?: string; leaseSecs?: number }): string {
  return (
    `[state]\nfile = "state.json"\nkind = "redis"\ninstance_id = "${o.id}"\n\n` +
    `[state.redis]\nurl = "${o.redisUrl}"\nkey_prefix = "${o.keyPrefix ?? 'fleet-test:'}"\n` +
    `reservation_lease_secs = ${o.leaseSecs ?? 30}\ncommand_timeout_ms = 5000\n`
  );
}

/**
 * Fleet mode (issue 19) for tests: several signer instances, each on its own simulator with the same demo keys and
 * tokens (one demo, copied), sharing one Redis. Denials are not rate limited per token (the tests send hundreds).
 */
export async function startTestFleet(o: StartTestFleetOptions): Promise<TestFleet> {
  const base = await startTestSigner();
  await base.close({ keepDir: true });
  const instances: TestSigner[] = [];
  try {
    for (const id of o.ids ?? ['A', 'B', 'C']) {
      const dir = `${base.dir}-${id}`;
      cpSync(base.dir, dir, { recursive: true });
      rmSync(join(dir, 'audit'), { recursive: true, force: true });
      instances.push(
        await startTestSigner({
          dir,
          config: (toml) =>
            (o.config ? o.config(toml) : toml)
              .replace('[auth]\n', '[auth]\ndenied_per_minute = 1000000\n')
              .replace('[state]\nfile = "state.json"\n', fleetStateSection({ redisUrl: o.redisUrl, id, keyPrefix: o.keyPrefix, leaseSecs: o.leaseSecs })),
        }),
      );
    }
  } finally {
    rmSync(base.dir, { recursive: true, force: true });
  }
  return {
    instances,
    close: async () => {
      for (const s of instances) await s.close();
    },
  };
}

/** POST a JSON body on a fresh connection (no keep-alive reuse races under hundreds of parallel requests). */
export function postOnce(s: TestSigner, path: string, body: unknown, token = s.signerToken): Promise<{ status: number; json: any; text: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = httpRequest(
      `${s.url}${path}`,
      {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, json: text ? JSON.parse(text) : undefined }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
