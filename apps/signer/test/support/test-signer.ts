import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDemo, type RunningDemo } from '../../src/demo/start-demo.js';
import type { StartSignerOptions } from '../../src/runtime/start-signer.js';

/** A demo signer on an ephemeral loopback port, in a temporary directory, with its log lines captured. */
export interface TestSigner {
  readonly demo: RunningDemo;
  readonly url: string;
  readonly dir: string;
  readonly signerToken: string;
  readonly adminToken: string;
  readonly logs: string[];
  request(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string> },
  ): Promise<TestResponse>;
  /** Stops and starts again on the same directory (config edits, if given, apply to the new start). */
  restart(next?: Omit<StartTestSignerOptions, 'dir' | 'logs'>): Promise<TestSigner>;
  close(opts?: { keepDir?: boolean }): Promise<void>;
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: any;
}

export type RequestOptions = { token?: string; body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string> };

/** One HTTP request to a signer at `url` (a bearer token, a JSON or raw body), its answer parsed when it is JSON. */
export async function requestSigner(url: string, method: string, path: string, o: RequestOptions = {}): Promise<TestResponse> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined;
  if (o.rawBody !== undefined) body = o.rawBody;
  else if (o.body !== undefined) body = JSON.stringify(o.body);
  if (body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
  const res = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function captureStream(lines: string[]): Writable {
  return new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
}

export interface StartTestSignerOptions {
  readonly dir?: string;
  readonly logs?: string[];
  /** Edits config.toml before the signer starts: receives the text, returns the new text. */
  readonly config?: (toml: string) => string;
  readonly latency?: 'zero' | 'realistic';
  readonly signerOptions?: Partial<StartSignerOptions>;
}

export async function startTestSigner(opts: StartTestSignerOptions = {}): Promise<TestSigner> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'openkms-test-'));
  const logs = opts.logs ?? [];
  const demo = await startDemo({
    dir,
    listen: { host: '127.0.0.1', port: 0 },
    logDestination: captureStream(logs),
    ...(opts.latency ? { latency: opts.latency } : {}),
    ...(opts.signerOptions ? { signerOptions: opts.signerOptions } : {}),
    configure: (files) => {
      if (opts.config) writeFileSync(files.config, opts.config(readFileSync(files.config, 'utf8')));
    },
  });
  const signerToken = readFileSync(demo.files.signerToken, 'utf8').trim();
  const adminToken = readFileSync(demo.files.adminToken, 'utf8').trim();
  const url = demo.signer.url;
  const self: TestSigner = {
    demo,
    url,
    dir,
    signerToken,
    adminToken,
    logs,
    request: (method, path, o = {}) => requestSigner(url, method, path, o),
    async restart(next: Omit<StartTestSignerOptions, 'dir' | 'logs'> = {}) {
      await demo.close();
      return startTestSigner({ ...next, dir, logs });
    },
    async close(o = {}) {
      await demo.close();
      if (!o.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}
