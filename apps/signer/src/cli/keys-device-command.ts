import { ErrorCode, openKmsError } from '@openkms/core';
import { describeSigningKey, listSigningKeys, toCeremonyError, type DeviceSigningKey } from '@openkms/yubihsm/ceremony';
import { loadConfig } from '../config/load-config.js';
import { userPath, type CliIo } from './cli-context.js';
import { withProgress } from './cli-progress.js';
import { closeQuietly, CREDENTIAL_OPTIONS, DEVICE_OPTIONS, hexObjectId, objectIdOf, openRoleSession, withDevice } from './device-cli-options.js';
import { addressesOf, chainAddress, guessChain } from './key-addresses.js';
import { flag, UsageError, type ParsedArgs } from './parse-args.js';

const bytesToHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** One device key as `keys list` shows it. */
export interface DeviceKeyRow {
  readonly label: string;
  readonly config_label?: string;
  readonly chain: string | null;
  readonly address: string | null;
  readonly addresses: Record<string, string>;
  readonly object_id: string;
  readonly algorithm: string;
  readonly origin: 'generated' | 'imported';
  readonly restored_from_wrap: boolean;
  readonly exportable_under_wrap: boolean;
  readonly public_key: string;
}

/** The config's labels and chains by YubiHSM2 object id (keys of yubihsm backends), when --config is given. */
async function configKeys(args: ParsedArgs): Promise<Map<number, { label: string; chain: string; prefix?: string }>> {
  const map = new Map<number, { label: string; chain: string; prefix?: string }>();
  const file = flag(args, 'config');
  if (!file) return map;
  const c = await loadConfig(userPath(file));
  for (const k of Object.values(c.keys)) {
    if (c.backends[k.backend]?.kind !== 'yubihsm') continue;
    const prefix = typeof k.options.bech32_prefix === 'string' ? k.options.bech32_prefix : undefined;
    map.set(parseInt(k.keyId, 16), { label: k.label, chain: k.chain, ...(prefix ? { prefix } : {}) });
  }
  return map;
}

function row(
  k: DeviceSigningKey,
  configured: { label: string; chain: string; prefix?: string } | undefined,
  chainHint?: string,
  prefix?: string,
): DeviceKeyRow {
  const bech32 = prefix ?? configured?.prefix;
  const chain = guessChain(k, chainHint ?? configured?.chain);
  return {
    label: k.label,
    ...(configured ? { config_label: configured.label } : {}),
    chain: chain ?? (k.curve === 'secp256k1' ? 'cosmos|evm' : null),
    address: chain ? chainAddress(chain, k.publicKey, bech32) : null,
    addresses: addressesOf(k, bech32),
    object_id: hexObjectId(k.id),
    algorithm: k.algorithm,
    origin: k.origin,
    restored_from_wrap: k.restoredFromWrap,
    exportable_under_wrap: k.exportableUnderWrap,
    public_key: bytesToHex(k.publicKey),
  };
}

export const KEYS_DEVICE_OPTIONS = [...DEVICE_OPTIONS, ...CREDENTIAL_OPTIONS, 'chain', 'bech32-prefix', 'label', 'object-id'] as const;

/** `keys list` against a YubiHSM2: every asymmetric key in the session's domains. */
export async function keysDeviceList(args: ParsedArgs, io: CliIo): Promise<number> {
  const mapped = await configKeys(args);
  const keys = await readDevice(args, io, (s) => listSigningKeys(s));
  const rows = keys.map((k) => row(k, mapped.get(k.id), undefined, flag(args, 'bech32-prefix')));
  if (args.flags.has('json')) {
    io.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  const table = [
    ['LABEL', 'CHAIN', 'ADDRESS', 'OBJECT ID', 'ALGORITHM', 'ORIGIN'],
    ...rows.map((r) => [
      r.config_label && r.config_label !== r.label ? `${r.label} (config: ${r.config_label})` : r.label,
      r.chain ?? '-',
      r.address ??
        (Object.entries(r.addresses)
          .map(([c, a]) => `${c}:${a}`)
          .join(' ') ||
          '-'),
      r.object_id,
      r.algorithm,
      r.origin + (r.restored_from_wrap ? ' (restored)' : ''),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) io.out(r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  if (rows.length === 0) io.out('(no signing keys on the device)');
  return 0;
}

export const KEYS_ADDRESS_HELP = `openkms keys address (--label LABEL | --object-id ID) [--chain solana|cosmos|evm] [--bech32-prefix P] [--json]
    --mnemonic-file FILE [--passphrase-file FILE] | --password-file FILE --auth-key-id N   [--connector URL] [--config FILE]

Prints the chain address of a key on the YubiHSM2, found by its device label (the original openKMS's --label) or object
id. The chain comes from --chain, else the config's key with that object id, else the curve (ed25519: solana) or the
label (evm…/cosmos…); a secp256k1 key of unknown chain prints both its cosmos and evm addresses.`;

/** `keys address`: one key's address. */
export async function keysDeviceAddress(args: ParsedArgs, io: CliIo): Promise<number> {
  const label = flag(args, 'label');
  const objectId = objectIdOf(args);
  if ((label === undefined) === (objectId === undefined)) throw new UsageError('give --label LABEL or --object-id ID');
  const mapped = await configKeys(args);
  const key = await readDevice(args, io, async (s) => {
    if (objectId !== undefined) return describeSigningKey(s, objectId);
    const all = await listSigningKeys(s);
    const byConfig = [...mapped.entries()].find(([, v]) => v.label === label)?.[0];
    const found = all.find((k) => k.label === label) ?? all.find((k) => k.id === byConfig);
    if (!found) throw openKmsError(ErrorCode.keyNotFound, `no key labelled ${label} on the device`, { label: label! });
    return found;
  });
  const r = row(key, mapped.get(key.id), flag(args, 'chain'), flag(args, 'bech32-prefix'));
  if (args.flags.has('json')) io.out(JSON.stringify({ label: r.label, object_id: r.object_id, chain: r.chain, address: r.address, addresses: r.addresses }));
  else if (r.address) io.out(r.address);
  else for (const [c, a] of Object.entries(r.addresses)) io.out(`${c}: ${a}`);
  return 0;
}

async function readDevice<T>(args: ParsedArgs, io: CliIo, fn: (s: Awaited<ReturnType<typeof openRoleSession>>) => Promise<T>): Promise<T> {
  return withProgress(io, (p) =>
    withDevice(args, async (client, connector) => {
      p.step(`reading the keys of the YubiHSM2 at ${connector}`);
      const session = await openRoleSession(client, args, 'provisioner');
      try {
        return await fn(session);
      } catch (err) {
        throw toCeremonyError(err, 'reading the device keys');
      } finally {
        await closeQuietly(session);
      }
    }),
  );
}
