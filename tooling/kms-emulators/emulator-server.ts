/**
 * TEST-ONLY: the HTTP(S) server shared by the KMS emulators, with fault injection (throttling, hanging, 5xx).
 * Never shipped; never for production.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface EmulatorFaults {
  /** The next N requests get the service's throttling answer. */
  throttle: number;
  /** The next N requests get a 503. */
  unavailable: number;
  /** While true, requests are read and never answered. */
  hang: boolean;
}

export interface EmulatorRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

export interface EmulatorReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface RunningEmulator {
  readonly url: string;
  readonly port: number;
  readonly faults: EmulatorFaults;
  /** Every request seen (method, path, operation), for assertions. */
  readonly requests: { method: string; path: string; operation?: string }[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly handle: (req: EmulatorRequest, faults: EmulatorFaults) => EmulatorReply | Promise<EmulatorReply>;
  readonly operationOf?: (req: EmulatorRequest) => string | undefined;
}

export async function startEmulatorServer(options: StartOptions): Promise<RunningEmulator> {
  const faults: EmulatorFaults = { throttle: 0, unavailable: 0, hang: false };
  const requests: RunningEmulator['requests'] = [];
  const hanging = new Set<ServerResponse>();
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const request: EmulatorRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      const operation = options.operationOf?.(request);
      requests.push({ method: request.method, path: request.path, ...(operation ? { operation } : {}) });
      if (faults.hang) {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      Promise.resolve()
        .then(() => options.handle(request, faults))
        .then(
          (reply) => {
            const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
            res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
            res.end(body);
          },
          (err: unknown) => {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: String(err) }));
          },
        );
    });
  };
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    faults,
    requests,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
