import { solanaTransferMessage, cosmosSendSignDoc, type KeysByLabel } from './chain-fixtures.js';

/**
 * The placeholder convention of the documentation's runnable examples (see CONTRIBUTING.md, "Documentation that is
 * tested"). Examples are written against `openkms demo` as a reader runs it, and the docs test fills in what differs:
 *
 * - `http://127.0.0.1:9443`: the demo's default address, replaced by the test demo's URL (it listens on port 0);
 * - `http://127.0.0.1:12345`: yubihsm-connector's default address, replaced by a factory-fresh simulated YubiHSM2
 *   (default auth key 1, password "password") that the blocks of one markdown file share, in order;
 * - `.openkms-demo/…`: the demo's files, relative to the directory the commands run in (as after the quick start);
 * - `$TOKEN` / `$OPENKMS_TOKEN` (the demo's signer token) and `$ADMIN_TOKEN` (its admin token): environment variables;
 * - `<…>`: values a reader computes, listed in PLACEHOLDERS; a fresh transaction for every occurrence.
 */
export const DEMO_URL = 'http://127.0.0.1:9443';
export const CONNECTOR_URL = 'http://127.0.0.1:12345';

export interface PlaceholderContext {
  readonly keys: KeysByLabel;
  /** The connector URL of the file's simulated YubiHSM2, when the block uses CONNECTOR_URL. */
  readonly connectorUrl?: string;
}

/** Angle-bracket placeholders a runnable example may use, and how the test fills each occurrence. */
export const PLACEHOLDERS: Readonly<Record<string, (c: PlaceholderContext) => string>> = {
  /** A serialized Solana message (legacy): solana-hot-0 pays 1000 lamports to a fresh address, fresh blockhash. */
  'base64 message': (c) => Buffer.from(solanaMessage(c)).toString('base64'),
  /** The same as a whole unsigned Solana transaction (one empty signature slot, then the message). */
  'base64 tx': (c) => Buffer.concat([Buffer.from([1]), Buffer.alloc(64), solanaMessage(c)]).toString('base64'),
  /** A Cosmos direct-mode SignDoc: cosmos-hub-0 sends 1000 uatom on cosmoshub-4 (a random sequence). */
  'base64 sign doc': (c) => {
    const key = c.keys['cosmos-hub-0']!;
    const doc = cosmosSendSignDoc({
      publicKey: Buffer.from(key.public_key_b64, 'base64'),
      from: key.address,
      amounts: [{ denom: 'uatom', amount: '1000' }],
      sequence: Math.floor(Math.random() * 1e9),
    });
    return Buffer.from(doc).toString('base64');
  },
  'solana address': (c) => c.keys['solana-hot-0']!.address,
  'cosmos address': (c) => c.keys['cosmos-hub-0']!.address,
  'evm address': (c) => c.keys['evm-hot-0']!.address,
};

function solanaMessage(c: PlaceholderContext): Uint8Array {
  return solanaTransferMessage({ from: c.keys['solana-hot-0']!.address, lamports: 1000 });
}

/** `<words>` in a command (not `<(…)` or `< file`). */
const PLACEHOLDER = /<([a-z0-9][a-z0-9 ]*)>/g;

/** The script with every placeholder filled; throws naming an unknown placeholder or an elided value (`…`). */
export function fillPlaceholders(script: string, url: string, context: PlaceholderContext): string {
  for (const line of script.split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    if (line.includes('…')) throw new Error(`an elided value (…) in a runnable command: ${line.trim()}`);
    for (const m of line.matchAll(PLACEHOLDER)) {
      if (!Object.hasOwn(PLACEHOLDERS, m[1]!)) throw new Error(`unknown placeholder <${m[1]}> (known: ${Object.keys(PLACEHOLDERS).join(', ')})`);
    }
  }
  return script
    .split('\n')
    .map((line) => (line.trimStart().startsWith('#') ? line : line.replace(PLACEHOLDER, (_m, name: string) => PLACEHOLDERS[name]!(context))))
    .join('\n')
    .replaceAll(DEMO_URL, url)
    .replaceAll(CONNECTOR_URL, context.connectorUrl ?? CONNECTOR_URL);
}
