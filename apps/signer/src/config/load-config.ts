import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import TOML from '@iarna/toml';
import { ErrorCode, openKmsError } from '@openkms/core';
import type { ValidateFunction } from 'ajv';
import { compileSchema, describeError, errorPath } from '../validation/create-ajv.js';
import { configError, type ConfigProblem } from './config-problems.js';
import { configSchema } from './config-schema.js';
import type { BackendConfig, LoadedConfig, NetworkConfig, SignerConfig, UnboundKeyConfig } from './signer-config.js';
import { serverTls } from './server-tls-config.js';

type Raw = Record<string, any>;

/** Default `auth.denied_per_minute`: refused sign requests per token and minute before the token is refused cheaply. */
export const DEFAULT_DENIED_PER_MINUTE = 120;

/** Default `networks.<name>.upstream_timeout_ms`: an upstream node call given up after this long (rpc_unavailable). */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 5_000;

let schemaValidator: ValidateFunction | undefined;

/** Parses TOML text into a plain object. Throws config_invalid (path `(syntax)`) on a syntax error. */
export function readConfigText(text: string, file: string): Raw {
  try {
    return JSON.parse(JSON.stringify(TOML.parse(text))) as Raw;
  } catch (err) {
    const e = err as { line?: number; col?: number; message?: string };
    throw openKmsError(
      ErrorCode.configInvalid,
      `${file}: TOML syntax error${e.line === undefined ? '' : ` at line ${e.line + 1}`}: ${String(e.message ?? err).split('\n')[0]}`,
      {
        file,
        path: '(syntax)',
      },
    );
  }
}

/** Every error of `raw` against the signer's config schema (not only the first), with dotted paths. */
export function schemaProblems(raw: unknown): ConfigProblem[] {
  schemaValidator ??= compileSchema(configSchema());
  if (schemaValidator(raw)) return [];
  return (schemaValidator.errors ?? []).map((e) => ({ path: errorPath(e), message: describeError(e) }));
}

/**
 * Parses and validates TOML text against the signer's schema. Throws config_invalid naming the dotted path of the
 * first offending key, with every error's message in `context.errors`. Keys' options and policies are checked by
 * `bindConfig` once the chain plugins are loaded.
 */
export function parseConfig(text: string, file: string): LoadedConfig {
  const raw = readConfigText(text, file);
  const problems = schemaProblems(raw);
  if (problems.length > 0) throw configError(file, problems);
  return resolveConfig(raw, file);
}

/** Reads a config file's text; config_invalid (path `(file)`) when it cannot be read. */
export async function readConfigFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw openKmsError(ErrorCode.configInvalid, `cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { file, path: '(file)' });
  }
}

/** Reads and validates a config file (see parseConfig); its keys are checked by their plugins with `bindConfig`. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  return parseConfig(await readConfigFile(file), resolve(file));
}

function resolveConfig(raw: Raw, file: string): LoadedConfig {
  const dir = dirname(resolve(file));
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(dir, p));
  const [host, port] = splitListen(raw.server?.listen ?? '127.0.0.1:9443');
  const y = raw.backend?.yubihsm ?? {};
  const backends = backendTables(raw, file);
  const names = Object.keys(backends);
  const problems: ConfigProblem[] = [];
  const keys: Record<string, UnboundKeyConfig> = {};
  for (const [label, k] of Object.entries<Raw>(raw.keys ?? {})) {
    const backend: string | undefined = k.backend ?? (names.length === 1 ? names[0] : undefined);
    if (backend === undefined)
      problems.push({
        path: `keys.${label}.backend`,
        message: `keys.${label}.backend: several backends are configured (${names.join(', ')}); name the one holding this key`,
      });
    else if (!(backend in backends))
      problems.push({
        path: `keys.${label}.backend`,
        message: `keys.${label}.backend: no backend "${backend}" is configured (configured: ${names.join(', ') || 'none'})`,
      });
    keys[label] = {
      label,
      chain: k.chain,
      backend: backend ?? '',
      // YubiHSM2-style hex object ids are case-insensitive: one spelling
      keyId: /^0x[0-9a-fA-F]+$/.test(k.key_id) ? k.key_id.toLowerCase() : k.key_id,
      ...(k.derivation_path === undefined ? {} : { derivationPath: k.derivation_path }),
      options: k.options ?? {},
      policy: k.policy ?? {},
    };
  }
  const networks: Record<string, NetworkConfig> = {};
  for (const [name, n] of Object.entries<Raw>(raw.networks ?? {})) {
    const { chain, upstream, upstream_timeout_ms, ...options } = n;
    networks[name] = { name, chain, upstream, upstreamTimeoutMs: upstream_timeout_ms ?? DEFAULT_UPSTREAM_TIMEOUT_MS, options };
  }
  if (raw.state?.kind === 'redis' && raw.state?.redis === undefined)
    problems.push({ path: 'state.redis', message: 'state.redis: [state] kind = "redis" needs a [state.redis] table with its url' });
  if (problems.length > 0) throw configError(file, problems);
  return {
    file,
    dir,
    server: {
      host,
      port,
      maxBodyBytes: raw.server?.max_body_bytes ?? 64 * 1024,
      requestTimeoutMs: raw.server?.request_timeout_ms ?? 10_000,
      maxInFlight: raw.server?.max_in_flight ?? 256,
      maxInFlightPerBackend: raw.server?.max_in_flight_per_backend ?? 64,
      shutdownGraceMs: raw.server?.shutdown_grace_ms ?? 10_000,
      ...(raw.server?.tls ? { tls: serverTls(raw.server.tls, at, file) } : {}),
    },
    logging: { level: raw.logging?.level ?? 'info', ...(raw.logging?.file ? { file: at(raw.logging.file) } : {}) },
    auth: {
      tokenFile: at(raw.auth?.token_file ?? 'tokens.json'),
      metricsRequireAuth: raw.auth?.metrics_require_auth ?? false,
      publicKeys: raw.auth?.public_keys ?? false,
      deniedPerMinute: raw.auth?.denied_per_minute ?? DEFAULT_DENIED_PER_MINUTE,
    },
    audit: {
      dir: at(raw.audit?.dir ?? 'audit'),
      keyFile: at(raw.audit?.key_file ?? 'audit.key'),
      ...(raw.audit?.max_bytes === undefined ? {} : { maxBytes: raw.audit.max_bytes }),
      daily: raw.audit?.daily ?? true,
    },
    state: stateConfig(raw.state, at),
    ...(raw.approvals ? { approvals: { webhookUrl: String(raw.approvals.webhook_url), webhookSecretFile: at(raw.approvals.webhook_secret_file) } } : {}),
    pairing: {
      enabled: raw.pairing?.enabled ?? true,
      ttlSecs: raw.pairing?.ttl_secs ?? 600,
      maxPending: raw.pairing?.max_pending ?? 20,
      perIpPerMinute: raw.pairing?.requests_per_minute_per_ip ?? 5,
      perMinute: raw.pairing?.requests_per_minute ?? 30,
    },
    replay: { maxEntries: raw.replay?.max_entries ?? 10_000, maxBytes: raw.replay?.max_bytes ?? 16 * 1024 * 1024, ttlSecs: raw.replay?.ttl_secs ?? 120 },
    backends,
    backend: {
      kind: 'yubihsm',
      yubihsm: {
        connectors: y.connectors ?? ['http://127.0.0.1:12345'],
        authKeyId: y.auth_key_id ?? 3,
        passwordFile: at(y.password_file ?? 'hsm.password'),
        passwordEncoding: y.password_encoding ?? 'utf8',
        poolSize: y.pool_size ?? 2,
        commandTimeoutMs: y.command_timeout_ms ?? 5_000,
        allowSimulated: y.allow_simulated ?? false,
        ...(y.tls
          ? {
              tls: {
                ...(y.tls.ca_file ? { caFile: at(y.tls.ca_file) } : {}),
                ...(y.tls.cert_file ? { certFile: at(y.tls.cert_file) } : {}),
                ...(y.tls.key_file ? { keyFile: at(y.tls.key_file) } : {}),
                ...(y.tls.reject_unauthorized === undefined ? {} : { rejectUnauthorized: y.tls.reject_unauthorized }),
              },
            }
          : {}),
      },
    },
    plugins: {
      ...(raw.plugins?.enabled ? { enabled: raw.plugins.enabled } : {}),
      searchPaths: (raw.plugins?.search_paths ?? []).map(at),
      options: pluginOptions(raw.plugins, file),
    },
    keys,
    networks,
    raw,
  };
}

/**
 * `[backends.<name>]` tables, plus the old `[backend.yubihsm]` table as the backend named "yubihsm" (also when there is
 * no backend table at all: the YubiHSM2 defaults, as before backends were plugins).
 */
function backendTables(raw: Raw, file: string): Record<string, BackendConfig> {
  const out: Record<string, BackendConfig> = {};
  for (const [name, table] of Object.entries<Raw>(raw.backends ?? {})) {
    const { kind, ...options } = table;
    out[name] = { name, kind: String(kind), options, path: `backends.${name}` };
  }
  if (raw.backend !== undefined || raw.backends === undefined) {
    if ('yubihsm' in out) {
      throw openKmsError(ErrorCode.configInvalid, `${file}: [backend.yubihsm] and [backends.yubihsm] both configure the backend "yubihsm"; keep one`, {
        file,
        path: 'backends.yubihsm',
      });
    }
    out.yubihsm = { name: 'yubihsm', kind: 'yubihsm', options: raw.backend?.yubihsm ?? {}, path: 'backend.yubihsm' };
  }
  return out;
}

export function splitListen(listen: string): [string, number] {
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const port = Number(listen.slice(i + 1));
  if (!host || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw openKmsError(ErrorCode.configInvalid, `invalid listen address ${JSON.stringify(listen)} (want HOST:PORT)`, { path: 'server.listen' });
  }
  return [host, port];
}

/** `[plugins.options.<name>]` plus the `[plugins.<chain>]` shorthand; the same plugin configured both ways is an error. */
function pluginOptions(plugins: Raw['plugins'], file: string): Record<string, Readonly<Record<string, unknown>>> {
  const out: Record<string, Readonly<Record<string, unknown>>> = { ...(plugins?.options ?? {}) };
  for (const [name, value] of Object.entries(plugins ?? {})) {
    if (name === 'enabled' || name === 'search_paths' || name === 'options') continue;
    if (name in out) {
      throw openKmsError(ErrorCode.configInvalid, `${file}: plugins.${name} and plugins.options.${name} both configure the same plugin; keep one`, {
        file,
        path: `plugins.${name}`,
      });
    }
    out[name] = value as Record<string, unknown>;
  }
  return out;
}

/** `[state]`: the memory default, or fleet mode through Redis (`[state.redis]`; instance id: configured, else the host name). */
function stateConfig(r: Raw | undefined, at: (p: string) => string): SignerConfig['state'] {
  const redis = r?.redis as Raw | undefined;
  const tls = redis?.tls as Raw | undefined;
  return {
    file: at(r?.file ?? 'state.json'),
    kind: r?.kind ?? 'memory',
    instanceId:
      r?.instance_id ??
      hostname()
        .replace(/[^A-Za-z0-9_-]/g, '-')
        .slice(0, 64),
    ...(redis
      ? {
          redis: {
            url: String(redis.url),
            keyPrefix: redis.key_prefix ?? 'openkms:',
            ...(redis.username ? { username: String(redis.username) } : {}),
            ...(redis.password_file ? { passwordFile: at(redis.password_file) } : {}),
            leaseMs: (redis.reservation_lease_secs ?? 60) * 1000,
            commandTimeoutMs: redis.command_timeout_ms ?? 1000,
            ...(tls
              ? {
                  tls: {
                    ...(tls.ca_file ? { caFile: at(tls.ca_file) } : {}),
                    ...(tls.cert_file ? { certFile: at(tls.cert_file) } : {}),
                    ...(tls.key_file ? { keyFile: at(tls.key_file) } : {}),
                    ...(tls.reject_unauthorized === undefined ? {} : { rejectUnauthorized: tls.reject_unauthorized }),
                  },
                }
              : {}),
          },
        }
      : {}),
  };
}
