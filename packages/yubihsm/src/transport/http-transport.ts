import http from 'node:http';
import https from 'node:https';
import { DEFAULT_CONNECTOR_URL, MAX_FRAME_SIZE, MAX_SESSIONS } from '../protocol/limits.js';
import { callSignal } from './call-signal.js';
import { parseConnectorStatus, type ConnectorStatus, type Transport, type TransportCallOptions } from './transport.js';
import { YubiHsmTransportError } from './transport-error.js';

/** TLS settings for an https:// connector URL. */
export interface ConnectorTlsOptions {
  /** PEM CA certificate(s) to trust. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** PEM client certificate and key (mutual TLS). */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** Defaults to true; set false only for tests. */
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
}

export interface HttpTransportOptions {
  /** Connector base URL, e.g. http://127.0.0.1:12345. Default http://localhost:12345. */
  readonly url?: string;
  readonly tls?: ConnectorTlsOptions;
  /** Default per-call timeout (ms). Default 5000. */
  readonly timeoutMs?: number;
  /** Name for logs; defaults to the URL's origin. */
  readonly name?: string;
}

const MAX_RESPONSE_BYTES = MAX_FRAME_SIZE + 64;
const MAX_STATUS_BYTES = 4096;

/**
 * The yubihsm-connector HTTP API: `GET /connector/status` (key=value lines) and `POST /connector/api` (one raw
 * frame each way, application/octet-stream). Keep-alive sockets, enough for one call per device session (16) plus a
 * status probe, so a pool's sessions never wait for a socket; every call has a timeout.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  const base = new URL(options.url ?? DEFAULT_CONNECTOR_URL);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError('connector URL must be http:// or https://');
  if (base.username || base.password) throw new TypeError('connector URL must not carry credentials');
  const isHttps = base.protocol === 'https:';
  const defaultTimeout = options.timeoutMs ?? 5000;
  const tls = options.tls ?? {};
  const agent = isHttps
    ? new https.Agent({
        keepAlive: true,
        maxSockets: MAX_SESSIONS + 1,
        ca: tls.ca as https.AgentOptions['ca'],
        cert: tls.cert,
        key: tls.key,
        rejectUnauthorized: tls.rejectUnauthorized ?? true,
        ...(tls.servername ? { servername: tls.servername } : {}),
      })
    : new http.Agent({ keepAlive: true, maxSockets: MAX_SESSIONS + 1 });
  const prefix = base.pathname.replace(/\/+$/, '');
  const name = options.name ?? base.origin;

  function call(
    method: 'GET' | 'POST',
    path: string,
    body: Uint8Array | undefined,
    limit: number,
    opts?: TransportCallOptions,
  ): Promise<{ status: number; body: Buffer }> {
    const ctl = callSignal(opts?.timeoutMs ?? defaultTimeout, opts?.signal);
    return attempt(method, path, body, limit, ctl, true).finally(() => ctl.dispose());
  }

  /**
   * One HTTP request. A kept-alive socket the connector closed as idle just as this request went out on it fails
   * with ECONNRESET/EPIPE before any answer; the connector never read the request, so it is sent once more on a fresh
   * connection (Node's documented remedy for that race) instead of taking the device down. Should the device have run
   * it after all, the repeated session frame fails its MAC check there (the session counter moved on): a device
   * command is never run twice.
   */
  function attempt(
    method: 'GET' | 'POST',
    path: string,
    body: Uint8Array | undefined,
    limit: number,
    ctl: ReturnType<typeof callSignal>,
    mayRetry: boolean,
  ): Promise<{ status: number; body: Buffer }> {
    return new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      if (ctl.signal.aborted) {
        reject(ctl.failure());
        return;
      }
      const headers: http.OutgoingHttpHeaders = { 'user-agent': 'openkms-yubihsm' };
      if (body) {
        headers['content-type'] = 'application/octet-stream';
        headers['content-length'] = body.length;
      }
      const req = (isHttps ? https : http).request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port || (isHttps ? 443 : 80),
          method,
          path: prefix + path,
          headers,
          agent,
          signal: ctl.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
              req.destroy(new YubiHsmTransportError('bad_response', 'connector response too large'));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', (err) => reject(mapError(err, ctl)));
        },
      );
      let answered = false;
      req.on('response', () => (answered = true));
      req.on('error', (err) => {
        const code = (err as { code?: unknown }).code;
        if (mayRetry && req.reusedSocket && !answered && !ctl.signal.aborted && (code === 'ECONNRESET' || code === 'EPIPE')) {
          attempt(method, path, body, limit, ctl, false).then(resolve, reject);
          return;
        }
        reject(mapError(err, ctl));
      });
      req.setNoDelay(true);
      req.end(body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined);
    });
  }

  return {
    name,
    async send(frame, opts) {
      const res = await call('POST', '/connector/api', frame, MAX_RESPONSE_BYTES, opts);
      if (res.status >= 500)
        throw new YubiHsmTransportError('unavailable', `connector reported a device failure (HTTP ${res.status})`, { httpStatus: res.status });
      if (res.status !== 200) throw new YubiHsmTransportError('http_error', `connector answered HTTP ${res.status}`, { httpStatus: res.status });
      if (res.body.length < 3) throw new YubiHsmTransportError('bad_response', 'connector returned no frame');
      return new Uint8Array(res.body);
    },
    async status(opts): Promise<ConnectorStatus> {
      const res = await call('GET', '/connector/status', undefined, MAX_STATUS_BYTES, opts);
      if (res.status !== 200)
        throw new YubiHsmTransportError(res.status >= 500 ? 'unavailable' : 'http_error', `connector status answered HTTP ${res.status}`, {
          httpStatus: res.status,
        });
      return parseConnectorStatus(res.body.toString('utf8'));
    },
    async close() {
      agent.destroy();
    },
  };
}

function mapError(err: unknown, ctl: { signal: AbortSignal; failure(): YubiHsmTransportError }): YubiHsmTransportError {
  if (err instanceof YubiHsmTransportError) return err;
  if (ctl.signal.aborted) return ctl.failure();
  const code = (err as { code?: unknown }).code;
  return new YubiHsmTransportError('unavailable', `connector unreachable${typeof code === 'string' ? ` (${code})` : ''}`, { cause: err });
}
