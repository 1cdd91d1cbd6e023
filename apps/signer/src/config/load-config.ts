import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import TOML from '@iarna/toml';
import { ErrorCode, openKmsError } from '@openkms/core';
import { parsePolicy, policyJsonSchema } from '@openkms/policy';
import { createAjv, describeError, errorPath } from '../validation/create-ajv.js';
import { configSchema } from './config-schema.js';
import type { KeyConfig, SignerConfig } from './signer-config.js';

type Raw = Record<string, any>;

/** Parses and validates TOML text. Throws config_invalid naming the dotted path of the first offending key. */
export function parseConfig(text: string, file: string): SignerConfig {
  let raw: Raw;
  try {
    raw = JSON.parse(JSON.stringify(TOML.parse(text))) as Raw;
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
  const ajv = createAjv();
  const validate = ajv.compile(configSchema(policyJsonSchema));
  if (!validate(raw)) {
    const error = validate.errors![0]!;
    throw openKmsError(ErrorCode.configInvalid, `${file}: ${describeError(error)}`, { file, path: errorPath(error) });
  }
  return resolveConfig(raw, file);
}

export async function loadConfig(file: string): Promise<SignerConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw openKmsError(ErrorCode.configInvalid, `cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { file, path: '(file)' });
  }
  return parseConfig(text, resolve(file));
}

function resolveConfig(raw: Raw, file: string): SignerConfig {
  const dir = dirname(resolve(file));
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(dir, p));
  const [host, port] = splitListen(raw.server?.listen ?? '127.0.0.1:9443');
  const y = raw.backend?.yubihsm ?? {};
  const keys: Record<string, KeyConfig> = {};
  for (const [label, k] of Object.entries<Raw>(raw.keys ?? {})) {
    keys[label] = {
      label,
      chain: k.chain,
      keyId: k.key_id.toLowerCase(),
      ...(k.derivation_path === undefined ? {} : { derivationPath: k.derivation_path }),
      options: k.options ?? {},
      policy: parsePolicy(k.policy ?? {}, `keys.${label}.policy`),
    };
  }
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
    },
    logging: { level: raw.logging?.level ?? 'info', ...(raw.logging?.file ? { file: at(raw.logging.file) } : {}) },
    auth: { tokenFile: at(raw.auth?.token_file ?? 'tokens.json'), metricsRequireAuth: raw.auth?.metrics_require_auth ?? false },
    audit: {
      dir: at(raw.audit?.dir ?? 'audit'),
      keyFile: at(raw.audit?.key_file ?? 'audit.key'),
      ...(raw.audit?.max_bytes === undefined ? {} : { maxBytes: raw.audit.max_bytes }),
      daily: raw.audit?.daily ?? true,
    },
    state: { file: at(raw.state?.file ?? 'state.json') },
    replay: { maxEntries: raw.replay?.max_entries ?? 10_000, ttlSecs: raw.replay?.ttl_secs ?? 120 },
    backend: {
      kind: 'yubihsm',
      yubihsm: {
        connectors: y.connectors ?? ['http://127.0.0.1:12345'],
        authKeyId: y.auth_key_id ?? 3,
        passwordFile: at(y.password_file ?? 'hsm.password'),
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
    raw,
  };
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
