import { readFileSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';
import { loadConfig } from '../config/load-config.js';
import { userPath, type CliIo } from './cli-context.js';
import { flag, parseArgs, UsageError } from './parse-args.js';

export const KEYS_HELP = `openkms keys list (--config FILE | --url URL) [--token-file FILE] [--json]
openkms keys list --connector URL | --mnemonic-file FILE | --password-file FILE --auth-key-id N   [--config FILE] [--json]
openkms keys list --config FILE --backend NAME [--json]
openkms keys address (--label LABEL | --object-id ID) [device options]
openkms keys generate --label LABEL --chain solana|cosmos|evm [--config-snippet] [device options | --config FILE --backend NAME]
openkms keys provision --label LABEL --chain solana|cosmos|evm [--index N | --path PATH] --mnemonic-file FILE [--config-snippet]
openkms keys attest LABEL --root FILE [device options]   prove a YubiHSM2 key was generated in the device

'keys list' with a device option reads the YubiHSM2 itself: label, chain, address, object id, algorithm and origin
(generated or imported) of every signing key (chain from the config's key with that object id, the curve or the label).
With --backend NAME it lists the keys of that [backends.NAME] of --config (pkcs11, cloud KMS) through its plugin.
Run 'openkms keys <generate|provision|address|attest> --help' for their options.

Without a device option, 'keys list' lists the keys of a running signer (GET /keys): each configured label with its backend, key id, chain, origin and address,
then the keys the backends hold that no label maps to ("not configured": they have no policy and never sign; map one
with [keys.<label>] backend = "<name>", key_id = "<id>"). The signer's address comes from --url or from the config's
server.listen. The bearer token (read scope) comes from --token-file or the OPENKMS_TOKEN environment variable.`;

/** Options that make 'keys list' read a YubiHSM2 instead of a running signer. */
const DEVICE_FLAGS = ['--connector', '--mnemonic-file', '--password-file'];

interface KeyRow {
  readonly label: string | null;
  readonly chain: string | null;
  readonly address: string | null;
  readonly backend?: string;
  readonly key_id: string;
  readonly configured?: boolean;
  readonly curve?: string;
  readonly backend_label?: string;
  readonly enabled?: boolean;
  readonly origin?: string;
  readonly attestation?: boolean;
}

export async function keysCommand(argv: string[], io: CliIo): Promise<number> {
  const sub = argv[0];
  if (sub === 'generate') return (await import('./keys-generate-command.js')).keysGenerateCommand(argv.slice(1), io);
  if (sub === 'provision') return (await import('./keys-provision-command.js')).keysProvisionCommand(argv.slice(1), io);
  if (sub === 'attest') return (await import('./keys-attest-command.js')).keysAttestCommand(argv.slice(1), io);
  if (sub === 'address') {
    const device = await import('./keys-device-command.js');
    const a = parseArgs(argv.slice(1), { options: [...device.KEYS_DEVICE_OPTIONS], booleans: ['json'] });
    if (a.flags.has('help')) {
      io.out(device.KEYS_ADDRESS_HELP);
      return 0;
    }
    return device.keysDeviceAddress(a, io);
  }
  if (sub === 'list' && argv.some((a) => DEVICE_FLAGS.some((f) => a === f || a.startsWith(`${f}=`)))) {
    const device = await import('./keys-device-command.js');
    return device.keysDeviceList(parseArgs(argv.slice(1), { options: [...device.KEYS_DEVICE_OPTIONS], booleans: ['json'] }), io);
  }
  if (sub === 'list' && argv.some((a) => a === '--backend' || a.startsWith('--backend='))) {
    const { listWithBackend } = await import('./backend-keys.js');
    return listWithBackend(parseArgs(argv.slice(1), { options: ['config', 'backend'], booleans: ['json'] }), io);
  }
  const args = parseArgs(argv, { options: ['config', 'url', 'token-file'], booleans: ['json'] });
  if (args.flags.has('help') || args.positionals[0] !== 'list') {
    (args.flags.has('help') ? io.out : io.err)(KEYS_HELP);
    return args.flags.has('help') ? 0 : 2;
  }
  let url = flag(args, 'url');
  const config = flag(args, 'config');
  if (!url) {
    if (!config) throw new UsageError('keys list needs --config FILE or --url URL');
    const c = await loadConfig(userPath(config));
    const host = c.server.host === '0.0.0.0' ? '127.0.0.1' : c.server.host === '::' ? '::1' : c.server.host;
    url = `http://${host.includes(':') ? `[${host}]` : host}:${c.server.port}`;
  }
  const tokenFile = flag(args, 'token-file');
  const token = tokenFile ? readFileSync(userPath(tokenFile), 'utf8').trim() : process.env.OPENKMS_TOKEN;
  let res: Response;
  try {
    res = await fetch(new URL('/keys', url), { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw openKmsError(ErrorCode.backendUnavailable, `cannot reach the signer at ${url} (${(err as Error).message})`, { url });
  }
  const body = (await res.json().catch(() => undefined)) as KeyRow[] | { error?: string; code?: string } | undefined;
  if (!res.ok || !Array.isArray(body)) {
    const e = body && !Array.isArray(body) ? body : {};
    io.err(`openkms keys list: GET /keys answered ${res.status}${e.error ? `: ${e.error}` : ''}${e.code ? ` [${e.code}]` : ''}`);
    return 1;
  }
  if (args.flags.has('json')) {
    io.out(JSON.stringify(body, null, 2));
    return 0;
  }
  const rows = body.map((k) => [
    k.label ?? '-',
    k.backend ?? '-',
    k.key_id,
    k.chain ?? k.curve ?? '-',
    k.origin ? `${k.origin}${k.attestation ? ' (attestable)' : ''}` : '-',
    k.configured === false ? `not configured${k.backend_label ? ` (backend label ${k.backend_label})` : ''}` : (k.address ?? '(unresolved)'),
  ]);
  const table = [['LABEL', 'BACKEND', 'KEY ID', 'CHAIN/CURVE', 'ORIGIN', 'ADDRESS'], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) io.out(r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  return 0;
}
