/**
 * TEST-ONLY: a SoftHSM2 token in a temporary directory, for the PKCS#11 backend's tests (Debian's `softhsm2`).
 * The token is initialised with softhsm2-util under its own SOFTHSM2_CONF (set in this process's environment, which
 * SoftHSM2 reads when the module is initialised); keys are generated inside the token with pkcs11js.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's softhsm2 installs its PKCS#11 module. */
export const SOFTHSM2_MODULE = process.env.SOFTHSM2_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';

/** Why SoftHSM2 tests cannot run here, or undefined when they can (use as node:test's `skip`). */
export function softHsmMissing(): string | undefined {
  if (!existsSync(SOFTHSM2_MODULE)) return `SoftHSM2 is not installed (${SOFTHSM2_MODULE} missing; apt-get install softhsm2)`;
  try {
    execFileSync('softhsm2-util', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'SoftHSM2 is not installed (softhsm2-util missing; apt-get install softhsm2)';
  }
  return undefined;
}

export interface SoftHsmKeySpec {
  readonly label: string;
  readonly curve: 'ed25519' | 'secp256k1';
  /** CKA_ID bytes (hex); default none. */
  readonly id?: string;
}

export interface SoftHsmToken {
  readonly dir: string;
  readonly conf: string;
  readonly tokenLabel: string;
  readonly pin: string;
  /** A 0600 file holding the user PIN. */
  readonly pinFile: string;
  readonly module: string;
  /** Generates a key pair inside the token (private key sensitive and not extractable). */
  generate(spec: SoftHsmKeySpec): void;
  remove(): void;
}

let configured: string | undefined;

/**
 * Creates a token in a fresh temporary directory. SoftHSM2 reads SOFTHSM2_CONF once per process (at C_Initialize):
 * every token of one test process lives under the first one's directory, so later calls reuse that configuration.
 */
export function createSoftHsmToken(opts: { label?: string; pin?: string } = {}): SoftHsmToken {
  const tokenLabel = opts.label ?? `openkms-${Math.random().toString(36).slice(2, 10)}`;
  const pin = opts.pin ?? '3141-5926';
  const dir = mkdtempSync(join(tmpdir(), 'openkms-softhsm-'));
  if (configured === undefined) {
    const root = mkdtempSync(join(tmpdir(), 'openkms-softhsm-conf-'));
    const tokens = join(root, 'tokens');
    mkdirSync(tokens);
    const conf = join(root, 'softhsm2.conf');
    writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
    configured = conf;
    process.env.SOFTHSM2_CONF = conf;
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  const conf = configured;
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', tokenLabel, '--pin', pin, '--so-pin', '271828'], {
    env: { ...process.env, SOFTHSM2_CONF: conf },
    stdio: 'ignore',
  });
  const pinFile = join(dir, 'token.pin');
  writeFileSync(pinFile, pin + '\n', { mode: 0o600 });
  return {
    dir,
    conf,
    tokenLabel,
    pin,
    pinFile,
    module: SOFTHSM2_MODULE,
    generate(spec) {
      generateInToken(conf, tokenLabel, pin, spec);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Key generation runs in a child process: the test process's own module state (sessions, logins) stays untouched. */
function generateInToken(conf: string, tokenLabel: string, pin: string, spec: SoftHsmKeySpec): void {
  const require = createRequire(import.meta.url);
  const script = `
const P = require(${JSON.stringify(require.resolve('pkcs11js'))});
const [label, curve, id, tokenLabel, pin, module] = process.argv.slice(1);
const p = new P.PKCS11(); p.load(module); p.C_Initialize();
const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === tokenLabel);
const s = p.C_OpenSession(slot, P.CKF_SERIAL_SESSION | P.CKF_RW_SESSION);
p.C_Login(s, P.CKU_USER, pin);
const ed = curve === 'ed25519';
const params = Buffer.from(ed ? '06032b6570' : '06052b8104000a', 'hex');
const idAttr = id ? [{ type: P.CKA_ID, value: Buffer.from(id, 'hex') }] : [];
p.C_GenerateKeyPair(s, { mechanism: ed ? 0x1055 : P.CKM_EC_KEY_PAIR_GEN },
  [{ type: P.CKA_TOKEN, value: true }, { type: P.CKA_EC_PARAMS, value: params }, { type: P.CKA_LABEL, value: label }, { type: P.CKA_VERIFY, value: true }, ...idAttr],
  [{ type: P.CKA_TOKEN, value: true }, { type: P.CKA_PRIVATE, value: true }, { type: P.CKA_SENSITIVE, value: true }, { type: P.CKA_EXTRACTABLE, value: false },
   { type: P.CKA_SIGN, value: true }, { type: P.CKA_LABEL, value: label }, ...idAttr]);
p.C_Logout(s); p.C_CloseSession(s); p.C_Finalize();
`;
  execFileSync(process.execPath, ['-e', script, spec.label, spec.curve, spec.id ?? '', tokenLabel, pin, SOFTHSM2_MODULE], {
    env: { ...process.env, SOFTHSM2_CONF: conf },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}
