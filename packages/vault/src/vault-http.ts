import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface VaultResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when empty / not JSON. */
  readonly json: unknown;
}

/** A request that got no HTTP answer (refused, reset, TLS failure, aborted). `code` is Node's error code. */
export class VaultTransportError extends Error {
  readonly code: string;
  constructor(code: string) {
    super(`Vault transport error ${code}`);
    this.name = 'VaultTransportError';
    this.code = code;
  }
}

const MAX_BODY = 1 << 20;

/** One HTTP(S) call to Vault's API. Headers are never logged (they carry the token). */
export function vaultRequest(
  base: URL,
  method: 'GET' | 'POST' | 'LIST',
  path: string,
  options: { readonly headers?: Readonly<Record<string, string>>; readonly body?: unknown; readonly ca?: string; readonly signal: AbortSignal },
): Promise<VaultResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method,
        headers: {
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
          ...options.headers,
        },
        signal: options.signal,
        ...(url.protocol === 'https:' && options.ca ? { ca: options.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) {
            req.destroy();
            reject(new VaultTransportError('body_too_large'));
          } else chunks.push(c);
        });
        res.on('error', (err: NodeJS.ErrnoException) => reject(new VaultTransportError(err.code ?? err.name)));
        res.on('end', () => {
          let json: unknown;
          try {
            const text = Buffer.concat(chunks).toString('utf8');
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => reject(new VaultTransportError(err.code ?? err.name)));
    req.end(body);
  });
}
