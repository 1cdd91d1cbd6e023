/**
 * A yubihsm-connector-compatible HTTP front end for a simulator (reference §1):
 * - `GET /connector/status` → text/plain `status=OK|NO_DEVICE`, `serial=`, `version=3.0.7`, `pid=`, `address=`, `port=`;
 * - `POST /connector/api` → body = one raw command frame, response = one raw response frame (device errors are 200
 *   with a 0x7f frame; a device failure is 500 with a text body);
 * - 405 with `Allow` for other methods, 400 for a Content-Length under 3 or over 3139, X-Request-ID echoed or made.
 * Headers and body go out in one write and TCP_NODELAY is set, so libcurl clients see no Nagle delay.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { isOpenKmsError, openKmsError } from '@openkms/core';
import type { SimulatedYubiHsm } from './simulator.js';

export const CONNECTOR_VERSION = '3.0.7';
/** 3136-byte device buffer + 3. */
export const MAX_REQUEST_BODY = 3139;
export const MIN_REQUEST_BODY = 3;

export interface ConnectorServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /**
   * Serve the connector API only under this path (`/<prefix>/connector/api`); every other path is 404. A random
   * prefix is a shared secret between the simulator and its one client (the demo's signer), so other local processes
   * that find the port still cannot reach the device. Letters, digits, `-` and `_` only.
   */
  pathPrefix?: string;
}

export interface ConnectorServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function requestId(req: IncomingMessage): string {
  const v = req.headers['x-request-id'];
  const id = Array.isArray(v) ? v[0] : v;
  return id && id.length <= 200 && /^[\x21-\x7e]+$/.test(id) ? id : randomUUID();
}

/** Writes status, headers and body in one go (`end(body)` with a known Content-Length is a single write). */
function send(res: ServerResponse, status: number, contentType: string, body: Uint8Array | string, extra: Record<string, string> = {}): void {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(buf.length), ...extra });
  res.end(buf);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startConnectorServer(sim: SimulatedYubiHsm, options: ConnectorServerOptions = {}): Promise<ConnectorServer> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) throw openKmsError('config_invalid', 'port must be 0..65535');
  const prefix = options.pathPrefix === undefined ? '' : `/${options.pathPrefix}`;
  if (options.pathPrefix !== undefined && !/^[A-Za-z0-9_-]{1,128}$/.test(options.pathPrefix))
    throw openKmsError('config_invalid', 'pathPrefix must be 1–128 letters, digits, - or _');
  const sockets = new Set<Socket>();
  let boundPort = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal simulator error\n');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = requestId(req);
    if (sim.faults.takeConnectionDrop()) {
      req.socket.destroy();
      return;
    }
    const fullPath = (req.url ?? '/').split('?')[0]!;
    const path = fullPath.startsWith(`${prefix}/`) ? fullPath.slice(prefix.length) : prefix ? '' : fullPath;
    if (path === '/connector/status') {
      if (req.method !== 'GET') return send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n', { Allow: 'GET', 'X-Request-ID': id });
      const body =
        `status=${sim.faults.present && !sim.closed ? 'OK' : 'NO_DEVICE'}\n` +
        `serial=${sim.serial}\n` +
        `version=${CONNECTOR_VERSION}\n` +
        `pid=${process.pid}\n` +
        `address=${host}\n` +
        `port=${boundPort}\n`;
      return send(res, 200, 'text/plain; charset=utf-8', body, { 'X-Request-ID': id });
    }
    if (path === '/connector/api') {
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n', { Allow: 'POST', 'X-Request-ID': id });
      const declared = Number(req.headers['content-length'] ?? -1);
      if (!Number.isInteger(declared) || declared < MIN_REQUEST_BODY || declared > MAX_REQUEST_BODY) {
        req.resume();
        return send(res, 400, 'text/plain; charset=utf-8', 'Bad Request\n', { 'X-Request-ID': id, Connection: 'close' });
      }
      const body = await readBody(req, MAX_REQUEST_BODY);
      if (!body || body.length !== declared) return send(res, 400, 'text/plain; charset=utf-8', 'Bad Request\n', { 'X-Request-ID': id });
      let response: Uint8Array;
      try {
        response = await sim.handleFrame(new Uint8Array(body));
      } catch (err) {
        const msg = isOpenKmsError(err) && err.code === 'backend_unavailable' ? 'device not present' : 'device failure';
        return send(res, 500, 'text/plain; charset=utf-8', `${msg}\n`, { 'X-Request-ID': id });
      }
      return send(res, 200, 'application/octet-stream', response, { 'X-Request-ID': id });
    }
    return send(res, 404, 'text/plain; charset=utf-8', '404 page not found\n', { 'X-Request-ID': id });
  }

  server.on('connection', (socket: Socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Like the real connector's 5 s ReadTimeout, but generous enough for stall() tests.
  server.requestTimeout = 0;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  boundPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${boundPort}${prefix}`,
    port: boundPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
