import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { TokenStore, startDemo, type RunningDemo } from '@openkms/signer';
import { createOpenKmsClient, type OpenKmsClient, type OpenKmsClientOptions } from '../../src/index.js';

/** The signer's demo (simulated YubiHSM2, keys solana-hot-0, cosmos-hub-0, evm-hot-0) on an ephemeral port in a temp dir. */
export interface DemoSigner {
  readonly demo: RunningDemo;
  readonly url: string;
  readonly dir: string;
  readonly signerToken: string;
  readonly adminToken: string;
  /** The extra tokens asked for in `tokens`, by name. */
  readonly tokens: Readonly<Record<string, string>>;
  /** A client with the demo agent's token (sign on the three keys, read). */
  client(options?: Partial<OpenKmsClientOptions>): OpenKmsClient;
  /** PATCH /admin/keys/{label}/policy with the admin token (a runtime overlay). */
  patchPolicy(label: string, overlay: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export async function startDemoSigner(
  opts: { config?: (toml: string) => string; evmUpstream?: string; tokens?: Record<string, string[]> } = {},
): Promise<DemoSigner> {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-client-'));
  const tokens: Record<string, string> = {};
  const logs = new Writable({ write: (_c, _e, cb) => cb() });
  const demo = await startDemo({
    dir,
    listen: { host: '127.0.0.1', port: 0 },
    logDestination: logs,
    ...(opts.evmUpstream ? { evmUpstream: opts.evmUpstream } : {}),
    configure: (files) => {
      if (opts.config) writeFileSync(files.config, opts.config(readFileSync(files.config, 'utf8')));
      const store = TokenStore.load(join(dir, 'tokens.json'));
      for (const [name, scopes] of Object.entries(opts.tokens ?? {})) tokens[name] = store.create(name, scopes);
    },
  });
  const signerToken = readFileSync(demo.files.signerToken, 'utf8').trim();
  const adminToken = readFileSync(demo.files.adminToken, 'utf8').trim();
  const url = demo.signer.url;
  return {
    demo,
    url,
    dir,
    signerToken,
    adminToken,
    tokens,
    client: (o = {}) => createOpenKmsClient({ baseUrl: url, token: signerToken, ...o }),
    async patchPolicy(label, overlay) {
      const res = await fetch(`${url}/admin/keys/${label}/policy`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(overlay),
      });
      if (res.status !== 200) throw new Error(`PATCH policy ${label}: ${res.status} ${await res.text()}`);
    },
    async close() {
      await demo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Replaces the `[keys.<label>.policy]` table of the demo config with `body` (TOML lines). */
export function withPolicy(label: string, body: string): (toml: string) => string {
  return (toml) => {
    const header = `[keys.${label}.policy]\n`;
    const start = toml.indexOf(header);
    if (start < 0) throw new Error(`no ${header.trim()} in config`);
    const rest = toml.slice(start + header.length);
    const next = rest.search(/^\[/m);
    return toml.slice(0, start) + header + body.trim() + '\n' + (next < 0 ? '' : '\n' + rest.slice(next));
  };
}

/** Polls `check` until it returns a truthy value (throws after `timeoutMs`). */
export async function waitFor<T>(check: () => Promise<T | false | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
