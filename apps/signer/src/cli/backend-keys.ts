import { ErrorCode, openKmsError, type BackendKey, type GenerateKeyRequest, type KeyBackend } from '@openkms/core';
import { loadConfig } from '../config/load-config.js';
import { loadBackendPlugins } from '../plugins/load-backend-plugins.js';
import { defaultSearchPaths } from '../plugins/discover-plugins.js';
import { userPath, type CliIo } from './cli-context.js';
import { addressesOf } from './key-addresses.js';
import { flag, UsageError, type ParsedArgs } from './parse-args.js';

const bytesToHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Builds `[backends.<name>]` of --config with its plugin (as the signer does), runs `fn`, closes it. */
async function withBackend<T>(args: ParsedArgs, name: string, fn: (b: KeyBackend) => Promise<T>): Promise<T> {
  const file = flag(args, 'config');
  if (!file) throw new UsageError('--backend NAME needs --config FILE');
  const config = await loadConfig(userPath(file));
  const b = config.backends[name];
  if (!b) throw openKmsError(ErrorCode.configInvalid, `the config has no [backends.${name}]`, { backend: name });
  const { plugins } = await loadBackendPlugins({
    searchPaths: [...config.plugins.searchPaths, ...defaultSearchPaths()],
    ...(config.plugins.enabled ? { enabled: config.plugins.enabled } : {}),
    kinds: new Set([b.kind]),
  });
  const plugin = plugins.get(b.kind);
  if (!plugin) throw openKmsError(ErrorCode.pluginInvalid, `no installed backend plugin provides kind "${b.kind}"`, { backend: name, kind: b.kind });
  const backend = await plugin.plugin.create(b.options, { name, configPath: b.path, configDir: config.dir, log: () => undefined });
  try {
    return await fn(backend);
  } finally {
    await backend.close().catch(() => undefined);
  }
}

function rowOf(backend: string, k: BackendKey) {
  return { backend, key_id: k.id, backend_label: k.backendLabel ?? null, curve: k.curve, public_key: bytesToHex(k.publicKey), addresses: addressesOf(k) };
}

/** `keys list --config F --backend NAME`: the keys a backend holds. */
export async function listWithBackend(args: ParsedArgs, io: CliIo): Promise<number> {
  const name = flag(args, 'backend')!;
  const keys = await withBackend(args, name, (b) => b.listKeys());
  const rows = keys.map((k) => rowOf(name, k));
  if (args.flags.has('json')) {
    io.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  const table = [
    ['KEY ID', 'BACKEND LABEL', 'CURVE', 'ADDRESSES'],
    ...rows.map((r) => [
      r.key_id,
      r.backend_label ?? '-',
      r.curve,
      Object.entries(r.addresses)
        .map(([c, a]) => `${c}:${a}`)
        .join(' '),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) io.out(r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  return 0;
}

/** `keys generate --config F --backend NAME`: a new key made by the backend (when its plugin can). */
export async function generateWithBackend(args: ParsedArgs, name: string, request: GenerateKeyRequest): Promise<BackendKey> {
  return withBackend(args, name, async (b) => {
    if (!b.generateKey)
      throw openKmsError(
        ErrorCode.unsupported,
        `backend ${name} (kind ${b.kind}) cannot generate keys from openkms; create the key with the backend's own tools`,
        { backend: name },
      );
    return b.generateKey(request);
  });
}
