import type { Curve } from './curve.js';
import type { JsonSchema } from './json-schema.js';
import type { KeyBackend } from './key-backend.js';

/** The contract version a key backend plugin declares in package.json (`"openkms": {"plugin": "backend", "apiVersion": 1}`). */
export const KEY_BACKEND_PLUGIN_API_VERSION = 1 as const;

/** Something a backend reports for metrics and logs (never a secret). */
export interface KeyBackendEvent {
  /** `command`: one call to the service or device; `up` / `down`: reachability changed; `retry`: a throttled or failed call retried. */
  readonly type: 'command' | 'up' | 'down' | 'retry';
  /** The service operation or device command, e.g. "Sign", "C_Sign", "sign_ed25519". */
  readonly operation?: string;
  readonly durationMs?: number;
  /** How long the command waited for a free session or connection before it was sent (a backend with a pool). */
  readonly queueMs?: number;
  readonly ok?: boolean;
  /** A stable error label (service error code, device error name): never a message that could carry data. */
  readonly error?: string;
  /** The device or endpoint the event is about (a YubiHSM2 connector, a PKCS#11 slot), when the backend has several. */
  readonly device?: string;
}

/** What the signer hands a backend plugin when it builds one backend from `[backends.<name>]`. */
export interface KeyBackendContext {
  /** The backend's name in config (`[backends.<name>]`). */
  readonly name: string;
  /** Dotted config path of the backend's table, for error contexts: `backends.<name>` (or `backend.yubihsm` for the old table). */
  readonly configPath?: string;
  /** Directory of the config file: relative paths in options (pin_file, credentials) resolve against it. */
  readonly configDir: string;
  /** Structured log sink (pino-compatible levels); never pass secrets. */
  readonly log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Readonly<Record<string, unknown>>) => void;
  /** Metrics sink. */
  readonly onEvent?: (event: KeyBackendEvent) => void;
}

/**
 * A key backend plugin: the default export of a package that declares `"openkms": {"plugin": "backend", "apiVersion": 1}`.
 * The signer validates `[backends.<name>]` options (minus `kind`) against `optionsSchema` (errors name the dotted path),
 * then calls `create`. A key whose curve is not in `curves` is a config error at start-up naming the key, backend and curve.
 */
export interface KeyBackendPlugin<Options = Readonly<Record<string, unknown>>> {
  readonly apiVersion: typeof KEY_BACKEND_PLUGIN_API_VERSION;
  /** The `kind` value in config, e.g. "yubihsm", "pkcs11", "aws-kms", "azure-key-vault", "vault". */
  readonly kind: string;
  /** JSON Schema (draft 2020-12) of the options table, snake_case keys as written in TOML; `additionalProperties: false`. */
  readonly optionsSchema: JsonSchema;
  /**
   * JSON Schema of the `key_id` strings this backend accepts (e.g. a YubiHSM2 object id `0x0064`); optional. The signer
   * checks each key's `key_id` with it at start-up (errors name `keys.<label>.key_id`).
   */
  readonly keyIdSchema?: JsonSchema;
  /** Curves this backend can sign with. */
  readonly curves: readonly Curve[];
  /** Builds the backend. Must not throw because the service is unreachable (signing fails closed until it answers). */
  create(options: Options, context: KeyBackendContext): KeyBackend | Promise<KeyBackend>;
}

/** Identity helper that type-checks a backend plugin definition. */
export function defineKeyBackendPlugin<Options>(plugin: KeyBackendPlugin<Options>): KeyBackendPlugin<Options> {
  return plugin;
}
