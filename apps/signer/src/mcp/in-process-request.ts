import { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';

/** A request handler as node:http calls it (an express app is one). */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What an in-process request answered. */
export interface InProcessResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | number | readonly string[] | undefined>>;
  readonly body: string;
}

/**
 * Runs one HTTP request through `handler` in this process: a genuine node:http IncomingMessage (method, URL, headers,
 * body) and ServerResponse over a socket that goes nowhere, the answer collected as it is written. The handler (the
 * signer's express app) cannot tell it from a request off the network, so its middleware — authentication, body
 * limits, validation, metrics, the in-flight limits released on `finish` — all run as usual.
 */
export function inProcessRequest(
  handler: HttpHandler,
  request: { method: string; url: string; headers: Readonly<Record<string, string>>; body?: string; remoteAddress?: string },
): Promise<InProcessResponse> {
  return new Promise((resolve, reject) => {
    const socket = new Duplex({ read() {}, write: (_chunk, _enc, cb) => cb() });
    Object.defineProperty(socket, 'remoteAddress', { value: request.remoteAddress ?? '127.0.0.1' });
    const req = new IncomingMessage(socket as never);
    const payload = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = v;
    if (payload !== undefined) headers['content-length'] = String(payload.length);
    req.method = request.method;
    req.url = request.url;
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    req.httpVersion = '1.1';
    req.headers = headers;
    req.rawHeaders = Object.entries(headers).flat();
    if (payload !== undefined) req.push(payload);
    req.push(null);

    const res = new ServerResponse(req);
    const chunks: Buffer[] = [];
    const collect = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
    };
    let ended = false;
    res.write = ((chunk: unknown, encoding?: unknown) => {
      if (!res.headersSent) res.writeHead(res.statusCode);
      collect(chunk, encoding);
      return true;
    }) as typeof res.write;
    res.end = ((chunk?: unknown, encoding?: unknown) => {
      if (ended) return res;
      ended = true;
      if (!res.headersSent) res.writeHead(res.statusCode);
      collect(chunk, encoding);
      resolve({ status: res.statusCode, headers: res.getHeaders() as InProcessResponse['headers'], body: Buffer.concat(chunks).toString('utf8') });
      // the events the handler's middleware waits for (metrics, activity, in-flight limits)
      setImmediate(() => {
        res.emit('finish');
        res.emit('close');
      });
      return res;
    }) as typeof res.end;
    try {
      handler(req, res);
    } catch (err) {
      reject(err);
    }
  });
}
