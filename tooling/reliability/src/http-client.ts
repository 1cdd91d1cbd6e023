// The load driver: node:http with a keep-alive agent (no fetch, no undici pool limits), every request bounded by a
// deadline so a hung answer shows up as `timeout` instead of stalling the suite.
import http from 'node:http';

/**
 * An answer (status, headers, body text), or a transport failure (status 0): the connection was refused or reset
 * (the signer died), or the deadline passed without an answer.
 */
export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  readonly ms: number;
  readonly error?: 'timeout' | 'connection';
  readonly detail?: string;
}

export interface HttpClient {
  request(method: string, path: string, body?: string | Buffer, headers?: Record<string, string>, timeoutMs?: number): Promise<HttpResult>;
  json(res: HttpResult): any;
  close(): void;
}

export function createHttpClient(base: string, opts: { token?: string; maxSockets?: number; timeoutMs?: number } = {}): HttpClient {
  const url = new URL(base);
  // an idle kept-alive socket is dropped after 4 s, before the signer's own keep-alive timeout (5 s) closes it: a
  // request written on a socket the server is closing at that moment fails with ECONNRESET (seen on the loaded machine)
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 256, timeout: 4000 });
  return {
    request(method, path, body, headers = {}, timeoutMs = opts.timeoutMs ?? 15_000) {
      const started = performance.now();
      return new Promise<HttpResult>((resolve) => {
        let done = false;
        const failure = (error: 'timeout' | 'connection', detail: string): HttpResult => ({
          status: 0,
          headers: {},
          text: '',
          ms: performance.now() - started,
          error,
          detail,
        });
        const finish = (r: HttpResult) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve(r);
        };
        const h: Record<string, string> = { ...headers };
        if (opts.token !== undefined && h.authorization === undefined) h.authorization = `Bearer ${opts.token}`;
        if (body !== undefined) {
          h['content-type'] ??= 'application/json';
          h['content-length'] = String(Buffer.byteLength(body));
        }
        const req = http.request({ host: url.hostname, port: url.port, method, path, headers: h, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            finish({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }),
          );
          res.on('error', (e) => finish(failure('connection', e.message)));
        });
        const timer = setTimeout(() => {
          finish(failure('timeout', `${method} ${path}: no answer in ${timeoutMs} ms`));
          req.destroy();
        }, timeoutMs);
        req.on('error', (e) => finish(failure('connection', e.message)));
        req.end(body);
      });
    },
    json(res) {
      if (res.status === 0) return undefined;
      try {
        return JSON.parse(res.text);
      } catch {
        return undefined;
      }
    },
    close() {
      agent.destroy();
    },
  };
}

/** Runs `worker` on `concurrency` parallel lanes until each returns false. */
export async function lanes(concurrency: number, worker: (lane: number) => Promise<boolean>): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      while (await worker(lane));
    }),
  );
}
