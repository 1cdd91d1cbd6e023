/** Options for one transport call. */
export interface TransportCallOptions {
  /** Per-call timeout; the transport's default applies when omitted. */
  readonly timeoutMs?: number;
  /** Abort from the caller. */
  readonly signal?: AbortSignal;
}

/** `GET /connector/status` parsed (key=value lines). */
export interface ConnectorStatus {
  /** True when the status line reads exactly `status=OK`. */
  readonly ok: boolean;
  readonly status: string;
  readonly serial?: string;
  readonly version?: string;
  readonly pid?: number;
  readonly address?: string;
  readonly port?: number;
  /** Every key=value pair as received. */
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * Carries raw frames to one device: `send` takes one command frame and resolves to one response frame. Errors are
 * YubiHsmTransportError. Implementations: the yubihsm-connector HTTP API and an in-process function.
 */
export interface Transport {
  /** A name for logs and metrics (e.g. the connector URL without credentials). */
  readonly name: string;
  send(frame: Uint8Array, opts?: TransportCallOptions): Promise<Uint8Array>;
  status(opts?: TransportCallOptions): Promise<ConnectorStatus>;
  /** Releases sockets; optional. */
  close?(): Promise<void>;
}

/** Parses the connector's status body. Unknown keys are kept in `fields`. */
export function parseConnectorStatus(body: string): ConnectorStatus {
  const fields: Record<string, string> = {};
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  const num = (v: string | undefined): number | undefined => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  const status = fields['status'] ?? '';
  const out: { -readonly [K in keyof ConnectorStatus]: ConnectorStatus[K] } = { ok: status === 'OK', status, fields };
  if (fields['serial'] !== undefined) out.serial = fields['serial'];
  if (fields['version'] !== undefined) out.version = fields['version'];
  if (fields['address'] !== undefined) out.address = fields['address'];
  const pid = num(fields['pid']);
  if (pid !== undefined) out.pid = pid;
  const port = num(fields['port']);
  if (port !== undefined) out.port = port;
  return out;
}
