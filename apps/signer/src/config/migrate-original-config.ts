import { isAbsolute, resolve } from 'node:path';
import TOML from '@iarna/toml';
import { base58, bech32 } from '@scure/base';
import { ErrorCode, openKmsError } from '@openkms/core';

/**
 * Converts the original Rust openKMS's config.toml into ours. Pure: the caller reads and writes files.
 *
 * Everything the original's file says is either carried over or named in `notes` (nothing is dropped silently), and
 * every choice errs towards denying: a value that cannot be carried over narrows what may be signed, never widens it.
 */

type Raw = Record<string, any>;

export interface MigrateOptions {
  /** The original's config file (relative paths in it are resolved against its directory). */
  readonly file: string;
  /** Solana cluster to pin each Solana key to (the original has none). Default mainnet-beta. */
  readonly solanaCluster?: string;
  /** Cosmos chain id per key label (the original has none; else guessed from default_hrp and noted). */
  readonly cosmosChainIds?: Readonly<Record<string, string>>;
  /** How the original's HSM password file spells the password (it reads UTF-8 text). Default utf8. */
  readonly passwordEncoding?: 'utf8' | 'hex';
}

export interface MigratedConfig {
  /** Our config as a TOML-ready object (paths: `tokens.json`, `state.json`, `audit/`, `audit.key` beside it). */
  readonly config: Raw;
  /** The original's token files: imported as tokens `original-signer` (sign, read) and `original-admin` (admin, read). */
  readonly tokenFiles: { readonly signer: string; readonly admin: string };
  /** The original's `state_dir/key-flags.json` (its kill switches). */
  readonly keyFlagsFile: string;
  /** What could not be carried over as it was, and what was assumed. */
  readonly notes: string[];
}

const KNOWN_CHAIN_IDS: Readonly<Record<string, { chainId: string; denom: string }>> = {
  cosmos: { chainId: 'cosmoshub-4', denom: 'uatom' },
  osmo: { chainId: 'osmosis-1', denom: 'uosmo' },
  inj: { chainId: 'injective-1', denom: 'inj' },
};
const TOP = new Set(['server', 'hsm', 'audit', 'state_dir', 'cosmos', 'keys']);
const SERVER = new Set(['listen', 'signer_token_file', 'admin_token_file', 'inflight_limit', 'replay_window_secs']);
const HSM = new Set(['connector_url', 'auth_key_id', 'password_file']);
const AUDIT = new Set(['path', 'hmac_key_file']);
const KEY = new Set(['label', 'chain', 'object_id', 'derivation_path', 'address_style', 'default_hrp', 'policy']);
const POLICY = new Set([
  'enabled',
  'max_signs_per_minute',
  'max_signs_per_hour',
  'max_signs_per_day',
  'daily_cap_lamports',
  'per_tx_cap_lamports',
  'allowed_programs',
  'allowed_messages',
  'allowed_recipients',
]);

export function migrateOriginalConfig(text: string, opts: MigrateOptions): MigratedConfig {
  let raw: Raw;
  try {
    raw = JSON.parse(JSON.stringify(TOML.parse(text))) as Raw;
  } catch (err) {
    throw openKmsError(ErrorCode.configInvalid, `${opts.file}: not valid TOML: ${String((err as Error).message).split('\n')[0]}`, { file: opts.file });
  }
  const notes: string[] = [];
  const dir = resolve(opts.file, '..');
  const at = (p: unknown, where: string): string => {
    if (typeof p !== 'string' || p === '') throw openKmsError(ErrorCode.configInvalid, `${opts.file}: ${where} is required`, { path: where });
    return isAbsolute(p) ? p : resolve(dir, p);
  };
  const unknown = (table: Raw | undefined, known: Set<string>, where: string) => {
    for (const k of Object.keys(table ?? {})) if (!known.has(k)) notes.push(`${where}${where ? '.' : ''}${k}: not an original openKMS setting; ignored`);
  };
  unknown(raw, TOP, '');
  const server: Raw = raw.server ?? {};
  const hsm: Raw = raw.hsm ?? {};
  const audit: Raw = raw.audit ?? {};
  unknown(server, SERVER, 'server');
  unknown(hsm, HSM, 'hsm');
  if (audit.state_dir !== undefined && raw.state_dir === undefined) {
    notes.push(
      'audit.state_dir: TOML reads state_dir after [audit] as part of [audit]; the original ignores it there and uses /var/lib/openkms (move it above [server])',
    );
    delete audit.state_dir;
  }
  unknown(audit, AUDIT, 'audit');

  const out: Raw = {};
  out.server = { listen: typeof server.listen === 'string' ? server.listen : '127.0.0.1:9443' };
  if (typeof server.inflight_limit === 'number') {
    out.server.max_in_flight = Math.max(1, Math.min(100_000, Math.trunc(server.inflight_limit)));
    notes.push(`server.inflight_limit → server.max_in_flight = ${out.server.max_in_flight} (enforced here; the original configured but did not enforce it)`);
  }
  out.auth = { token_file: 'tokens.json' };
  out.audit = { dir: 'audit', key_file: 'audit.key' };
  notes.push(
    `audit.path (${at(audit.path, 'audit.path')}) is not continued: our audit log is a new HMAC chain in audit/ with a new key (audit.key); keep the old file for reference`,
  );
  if (audit.hmac_key_file !== undefined) notes.push('audit.hmac_key_file: not reused (the new chain has its own key in audit.key)');
  out.state = { file: 'state.json' };
  if (typeof server.replay_window_secs === 'number') out.replay = { ttl_secs: Math.max(0, Math.min(86_400, Math.trunc(server.replay_window_secs))) };
  if (typeof hsm.connector_url !== 'string')
    throw openKmsError(ErrorCode.configInvalid, `${opts.file}: hsm.connector_url is required`, { path: 'hsm.connector_url' });
  out.backend = {
    kind: 'yubihsm',
    yubihsm: {
      connectors: [hsm.connector_url],
      auth_key_id: typeof hsm.auth_key_id === 'number' ? hsm.auth_key_id : 3,
      password_file: at(hsm.password_file, 'hsm.password_file'),
      ...(opts.passwordEncoding === 'hex' ? { password_encoding: 'hex' } : {}),
    },
  };
  if (hsm.connector_url === 'mock')
    notes.push('hsm.connector_url = "mock" (the original\'s in-memory mock HSM) has no equivalent; point it at a connector or `openkms sim`');

  const cosmos: Raw = raw.cosmos ?? {};
  if (Array.isArray(cosmos.accepted_pubkey_type_urls)) {
    out.plugins = { options: { cosmos: { accepted_pubkey_type_urls: cosmos.accepted_pubkey_type_urls } } };
    notes.push(
      'cosmos.accepted_pubkey_type_urls → [plugins.options.cosmos] accepted_pubkey_type_urls (Ethermint/Injective key types need the cosmos plugin that supports them)',
    );
  }

  const keys: Raw = {};
  const keyList: Raw[] = Array.isArray(raw.keys) ? raw.keys : [];
  keyList.forEach((k, i) => {
    const where = `keys[${i}]`;
    unknown(k, KEY, where);
    const label = k.label;
    if (typeof label !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(label)) {
      notes.push(`${where}: label ${JSON.stringify(label)} is not a valid label here (letters, digits, . _ -, up to 64); key not carried over`);
      return;
    }
    if (k.chain !== 'solana' && k.chain !== 'cosmos') {
      notes.push(`${where} (${label}): chain ${JSON.stringify(k.chain)} is unknown; key not carried over`);
      return;
    }
    if (!Number.isInteger(k.object_id) || k.object_id < 1 || k.object_id > 0xfffe) {
      notes.push(`${where} (${label}): object_id ${JSON.stringify(k.object_id)} is not a YubiHSM2 object id; key not carried over`);
      return;
    }
    const style = k.address_style ?? 'cosmos';
    if (k.chain === 'cosmos' && style !== 'cosmos' && style !== 'evm') {
      notes.push(`${where} (${label}): address_style = "${style}" is unknown; key not carried over`);
      return;
    }
    const key: Raw = { chain: k.chain, key_id: `0x${k.object_id.toString(16).padStart(4, '0')}` };
    if (typeof k.derivation_path === 'string') key.derivation_path = k.derivation_path;
    const options: Raw = {};
    let denoms: string[] = [];
    if (k.chain === 'solana') {
      options.cluster = opts.solanaCluster ?? 'mainnet-beta';
      notes.push(`keys.${label}.options.cluster = "${options.cluster}" (the original names no network; requests for another cluster are refused)`);
    } else {
      const hrp = typeof k.default_hrp === 'string' ? k.default_hrp : 'cosmos';
      options.bech32_prefix = hrp;
      if (style === 'evm') {
        // the original derives the keccak (Ethermint) address but signs sha256 of the sign bytes, which those chains do
        // not verify; our Ethermint key type signs keccak256, as they do
        options.pubkey_type = '/ethermint.crypto.v1.ethsecp256k1.PubKey';
        notes.push(
          `keys.${label}.options.pubkey_type = "${options.pubkey_type}" (address_style = "evm"); use /injective.crypto.v1beta1.ethsecp256k1.PubKey for Injective. It signs keccak256 of the sign bytes, as Ethermint chains verify (the original signed sha256)`,
        );
      }
      const known = KNOWN_CHAIN_IDS[hrp];
      const chainId = opts.cosmosChainIds?.[label] ?? known?.chainId;
      if (chainId) {
        options.chain_id = chainId;
        if (!opts.cosmosChainIds?.[label])
          notes.push(`keys.${label}.options.chain_id = "${chainId}" guessed from default_hrp "${hrp}"; check it (--cosmos-chain-id ${label}=ID)`);
      } else notes.push(`keys.${label}: no chain id known for prefix "${hrp}"; add options.chain_id (--cosmos-chain-id ${label}=ID)`);
      if (known) denoms.push(known.denom);
    }
    if (Object.keys(options).length > 0) key.options = options;
    const policy = migratePolicy(k.policy ?? {}, label, k.chain, k.default_hrp ?? 'cosmos', notes);
    if (k.chain === 'cosmos') {
      for (const m of (policy.allowed_messages ?? []) as Raw[]) for (const d of Object.keys(m.per_tx_cap ?? {})) denoms.push(d.replace(/^denom:/, ''));
      denoms = [...new Set(denoms)].sort();
    }
    applyCaps(policy, k.policy ?? {}, label, k.chain, denoms, notes);
    key.policy = policy;
    keys[label] = key;
  });
  out.keys = keys;
  if (raw.state_dir === undefined) notes.push('state_dir is not set: the original defaults to /var/lib/openkms (its key-flags.json is read from there)');
  return {
    config: out,
    tokenFiles: { signer: at(server.signer_token_file, 'server.signer_token_file'), admin: at(server.admin_token_file, 'server.admin_token_file') },
    keyFlagsFile: resolve(at(raw.state_dir ?? '/var/lib/openkms', 'state_dir'), 'key-flags.json'),
    notes,
  };
}

function migratePolicy(p: Raw, label: string, chain: string, hrp: string, notes: string[]): Raw {
  const where = `keys.${label}.policy`;
  for (const k of Object.keys(p)) if (!POLICY.has(k)) notes.push(`${where}.${k}: not an original openKMS policy setting; ignored`);
  // the original's `enabled` defaults to false: keep its meaning explicit
  const out: Raw = { enabled: p.enabled === true };
  if (p.enabled === undefined) notes.push(`${where}.enabled is absent: the original treats that as false, so enabled = false is written`);
  for (const w of ['max_signs_per_minute', 'max_signs_per_hour', 'max_signs_per_day']) {
    const v = p[w];
    if (v === undefined) continue;
    if (v === 0) notes.push(`${where}.${w} = 0 meant "no limit" in the original; left out (no limit)`);
    else out[w] = v;
  }
  const validAddress = chain === 'cosmos' ? (a: string) => isBech32(a, hrp) : isBase58Key;
  if (Array.isArray(p.allowed_programs))
    out.allowed_programs = p.allowed_programs.map((x: Raw) => ({ id: x.id, ...(x.comment ? { comment: x.comment } : {}) }));
  if (Array.isArray(p.allowed_messages)) {
    const msgs: Raw[] = [];
    p.allowed_messages.forEach((m: Raw, i: number) => {
      const mw = `${where}.allowed_messages[${i}]`;
      const msg: Raw = { type_url: m.type_url };
      if (m.comment !== undefined) notes.push(`${mw}.comment: dropped (no comment field here)`);
      if (Array.isArray(m.allowed_recipients) && m.allowed_recipients.length > 0) {
        const ok = m.allowed_recipients.filter((a: unknown) => typeof a === 'string' && validAddress(a));
        for (const bad of m.allowed_recipients.filter((a: unknown) => !ok.includes(a)))
          notes.push(`${mw}.allowed_recipients: ${JSON.stringify(bad)} is not a valid ${hrp} address; dropped`);
        if (ok.length === 0) {
          notes.push(`${mw} (${m.type_url}): no valid recipient left; the message type is left out, so it is denied`);
          return;
        }
        msg.allowed_recipients = ok;
      }
      if (Array.isArray(m.allowed_contracts) && m.allowed_contracts.length > 0) msg.allowed_contracts = m.allowed_contracts;
      if (Array.isArray(m.allowed_methods) && m.allowed_methods.length > 0) msg.allowed_methods = m.allowed_methods;
      if (m.per_tx_cap && typeof m.per_tx_cap === 'object') msg.per_tx_cap = m.per_tx_cap;
      msgs.push(msg);
    });
    out.allowed_messages = msgs;
  }
  if (Array.isArray(p.allowed_recipients) && p.allowed_recipients.length > 0) {
    const recips: Raw[] = [];
    p.allowed_recipients.forEach((r: Raw, i: number) => {
      const ok = (r.addresses ?? []).filter((a: unknown) => typeof a === 'string' && validAddress(a));
      for (const bad of (r.addresses ?? []).filter((a: unknown) => !ok.includes(a)))
        notes.push(`${where}.allowed_recipients[${i}]: ${JSON.stringify(bad)} is not a valid address; dropped`);
      if (ok.length > 0) recips.push({ ...(r.program ? { program: r.program } : {}), addresses: ok });
    });
    if (recips.length > 0) out.allowed_recipients = recips;
    else notes.push(`${where}.allowed_recipients: no valid address left; every recipient is refused until you add some`);
  }
  return out;
}

/** The original's native `*_cap_lamports` as explicit per-asset caps (Solana: native; Cosmos: each known denom). */
function applyCaps(out: Raw, p: Raw, label: string, chain: string, denoms: readonly string[], notes: string[]): void {
  const where = `keys.${label}.policy`;
  const assets = chain === 'solana' ? ['native'] : denoms.map((d) => `denom:${d}`);
  for (const [from, to] of [
    ['per_tx_cap_lamports', 'per_tx_caps'],
    ['daily_cap_lamports', 'window_caps'],
  ] as const) {
    const v = p[from];
    if (v === undefined) {
      notes.push(`${where}.${from} is absent (unlimited in the original): no ${to} written, so uncapped transfers are denied here`);
      continue;
    }
    if (typeof v !== 'string' || !/^[0-9]+$/.test(v.trim())) {
      notes.push(`${where}.${from} = ${JSON.stringify(v)} is not a decimal amount (the original then applied no cap); left out, so transfers are denied`);
      continue;
    }
    if (assets.length === 0) {
      notes.push(`${where}.${from}: no denomination known for this key; add ${to} = { "denom:<denom>" = "${v.trim()}" }`);
      continue;
    }
    out[to] = Object.fromEntries(assets.map((a) => [a, v.trim()]));
    if (chain === 'cosmos')
      notes.push(`${where}.${from} → ${to} for ${assets.join(', ')} (the original summed all denominations into one number; each is capped on its own here)`);
    if (from === 'daily_cap_lamports') notes.push(`${where}.daily_cap_lamports → window_caps: a rolling 24 h window here, a UTC calendar day in the original`);
  }
}

function isBech32(a: string, hrp: string): boolean {
  try {
    const d = bech32.decode(a as `${string}1${string}`, 90);
    return d.prefix === hrp;
  } catch {
    return false;
  }
}

function isBase58Key(a: string): boolean {
  try {
    return base58.decode(a).length === 32;
  } catch {
    return false;
  }
}

/** Our state file from the original's key-flags.json (`{"enabled": {label: bool}}`): false → kill switch on. */
export function migrateKeyFlags(
  json: string,
  labels: readonly string[],
  notes: string[],
): { version: 1; global_enabled: true; keys: Record<string, { enabled: false }> } {
  let parsed: Raw;
  try {
    parsed = JSON.parse(json) as Raw;
  } catch {
    throw openKmsError(ErrorCode.configInvalid, 'key-flags.json is not valid JSON; refusing to guess the kill switches', { path: 'key-flags.json' });
  }
  const keys: Record<string, { enabled: false }> = {};
  for (const [label, enabled] of Object.entries<unknown>(parsed.enabled ?? {})) {
    if (!labels.includes(label)) notes.push(`key-flags.json: ${label} is not a migrated key; ignored`);
    else if (enabled === false) keys[label] = { enabled: false };
    else if (enabled === true)
      notes.push(`key-flags.json: ${label} was force-enabled; our kill switch only disables, so the config's enabled decides (set it to true if intended)`);
  }
  return { version: 1, global_enabled: true, keys };
}
