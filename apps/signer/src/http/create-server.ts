import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { STATUS_CODES, createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { X509Certificate, randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import { ErrorCode, openKmsError } from '@openkms/core';
import type { ServerTlsConfig, SignerConfig } from '../config/signer-config.js';

/** TLS material read from the `[server.tls]` files, checked by building a secure context from it. */
export interface TlsMaterial {
  readonly options: SecureContextOptions;
  /** What may be logged about it: certificate subject, expiry, fingerprint (never the key). */
  readonly summary: Record<string, string>;
}

/** The signer's listener: plain HTTP, HTTPS, or HTTPS with required client certificates (mutual TLS). */
export interface SignerListener {
  readonly server: Server;
  readonly url: string;
  readonly port: number;
  /** Reads and checks the TLS files of a new config (throws config_invalid naming the path); `apply` swaps them in. */
  prepareReload(next: SignerConfig): { apply(): void; restartRequired: string[] };
}

function readTlsFile(file: string, path: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw openKmsError(ErrorCode.configInvalid, `${path}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { path, file });
  }
}

/**
 * Reads the certificate chain, private key and client CA of `[server.tls]`. Each file is checked on its own (a PEM
 * that does not parse names its setting and path), then together (a key that does not match the certificate).
 * Error messages name files and settings, never their contents.
 */
export function loadTlsMaterial(tls: ServerTlsConfig): TlsMaterial {
  const cert = readTlsFile(tls.certFile, 'server.tls.cert_file');
  const key = readTlsFile(tls.keyFile, 'server.tls.key_file');
  const ca = tls.clientCaFile ? readTlsFile(tls.clientCaFile, 'server.tls.client_ca_file') : undefined;
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch {
    throw openKmsError(ErrorCode.configInvalid, `server.tls.cert_file: ${tls.certFile} is not a PEM certificate`, {
      path: 'server.tls.cert_file',
      file: tls.certFile,
    });
  }
  if (ca) {
    try {
      new X509Certificate(ca);
    } catch {
      throw openKmsError(ErrorCode.configInvalid, `server.tls.client_ca_file: ${tls.clientCaFile} is not a PEM certificate`, {
        path: 'server.tls.client_ca_file',
        file: tls.clientCaFile,
      });
    }
  }
  try {
    createSecureContext({ key });
  } catch {
    throw openKmsError(ErrorCode.configInvalid, `server.tls.key_file: ${tls.keyFile} is not a PEM private key (or it is encrypted)`, {
      path: 'server.tls.key_file',
      file: tls.keyFile,
    });
  }
  const options: SecureContextOptions = { cert, key, ...(ca ? { ca } : {}) };
  try {
    createSecureContext(options);
  } catch {
    throw openKmsError(ErrorCode.configInvalid, `server.tls.key_file: ${tls.keyFile} does not match the certificate ${tls.certFile}`, {
      path: 'server.tls.key_file',
      file: tls.keyFile,
    });
  }
  return {
    options,
    summary: { subject: leaf.subject.replace(/\n/g, ', '), valid_to: leaf.validTo, fingerprint_sha256: leaf.fingerprint256 },
  };
}

/**
 * Builds and starts the signer's listener. With `[server.tls]` it is an HTTPS server (TLS 1.2+); with
 * `client_ca_file` every client must present a certificate that CA issued (refused in the handshake otherwise).
 * `prepareReload` re-reads the files on SIGHUP / POST /admin/reload; new connections get the new certificate
 * (`setSecureContext`), open ones keep theirs. Turning TLS or mutual TLS on or off needs a restart.
 */
export async function startListener(
  config: SignerConfig,
  app: RequestListener,
  listen: { host: string; port: number },
  logger: Logger,
): Promise<SignerListener> {
  const timeouts = {
    requestTimeout: config.server.requestTimeoutMs + 5_000,
    headersTimeout: Math.min(10_000, config.server.requestTimeoutMs + 5_000),
    keepAliveTimeout: 5_000,
    // how often Node checks those timeouts (default 30 s): a slow body must not hold a connection for long
    connectionsCheckingInterval: 1_000,
  };
  const tls = config.server.tls;
  let server: Server;
  if (tls) {
    const material = loadTlsMaterial(tls);
    const mutual = tls.clientCaFile !== undefined;
    server = createHttpsServer(
      { ...timeouts, ...material.options, minVersion: 'TLSv1.2', requestCert: mutual, rejectUnauthorized: mutual },
      app,
    ) as unknown as Server;
    server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      logger.debug({ code: err.code ?? 'tls_error' }, 'TLS handshake refused');
      socket.destroy();
    });
    logger.info({ ...material.summary, mutual_tls: mutual, client_identities: tls.clientIdentities.length }, 'TLS certificate loaded');
  } else {
    server = createHttpServer(timeouts, app);
  }
  server.on('clientError', answerClientError);
  server.listen(listen.port, listen.host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${tls ? 'https' : 'http'}://${host}:${address.port}`;
  return {
    server,
    url,
    port: address.port,
    prepareReload(next) {
      const restartRequired: string[] = [];
      if (Boolean(tls) !== Boolean(next.server.tls)) restartRequired.push('server.tls');
      else if (Boolean(tls?.clientCaFile) !== Boolean(next.server.tls?.clientCaFile)) restartRequired.push('server.tls.client_ca_file');
      const material = tls && next.server.tls && restartRequired.length === 0 ? loadTlsMaterial(next.server.tls) : undefined;
      return {
        restartRequired,
        apply() {
          if (!material) return;
          (server as unknown as { setSecureContext(o: SecureContextOptions): void }).setSecureContext(material.options);
          logger.info(material.summary, 'TLS certificate reloaded');
        },
      };
    },
  };
}

/**
 * Requests Node rejects before Express sees them (a malformed request line, oversized headers, a body that never
 * arrives) still get the JSON error body with a code and an x-request-id, then the connection is closed.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, ErrorCode.invalidRequest, 'request headers too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, ErrorCode.invalidRequest, 'the request was not received in time']
        : [400, ErrorCode.invalidRequest, 'malformed HTTP request'];
  const requestId = randomUUID();
  const body = JSON.stringify({ error: message, code, request_id: requestId });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}
