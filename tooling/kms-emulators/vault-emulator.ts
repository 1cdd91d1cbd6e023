/**
 * TEST-ONLY emulator of HashiCorp Vault's HTTP API, as far as the openKMS vault backend uses it: `X-Vault-Token`
 * auth, AppRole login (`POST /v1/auth/<mount>/login`), `GET /v1/sys/health`, and the transit engine
 * (`LIST|GET ?list=true /v1/<mount>/keys`, `GET /v1/<mount>/keys/<name>`, `POST /v1/<mount>/keys/<name>` (create), `POST /v1/<mount>/sign/<name>`) with real
 * ed25519 keys (@noble/curves) and key versions. Errors are Vault's `{"errors": [...]}`; rate limiting is 429.
 * Never shipped; never for production.
 */
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { startEmulatorServer, type EmulatorReply, type RunningEmulator } from './emulator-server.js';

export interface VaultEmulator extends RunningEmulator {
  /** A token the emulator accepts. */
  readonly rootToken: string;
  readonly roleId: string;
  readonly secretId: string;
  /** Adds an ed25519 (or other-typed, unsignable) transit key; returns its current public key. */
  addTransitKey(name: string, type?: 'ed25519' | 'aes256-gcm96', mount?: string): Uint8Array;
  /** Rotates a transit key (a new latest version); returns the new public key. */
  rotate(name: string, mount?: string): Uint8Array;
  /** Revokes every token issued by AppRole logins so far (the next request with one gets 403); the root token stays. */
  revokeTokens(): void;
  /** Issues another accepted token. */
  issueToken(ttlSeconds?: number): string;
  /** When set, only requests with this X-Vault-Namespace are served. */
  namespace: string | undefined;
  wrongSignature: boolean;
  sealed: boolean;
}

interface TransitKey {
  readonly type: string;
  readonly versions: Uint8Array[]; // secret keys, index = version - 1
}

export async function startVaultEmulator(opts: { tls?: { key: string; cert: string } } = {}): Promise<VaultEmulator> {
  const tokens = new Map<string, number>(); // token → expiry (ms since epoch)
  const issue = (ttl = 3600): string => {
    const t = `hvs.${randomBytes(18).toString('base64url')}`;
    tokens.set(t, Date.now() + ttl * 1000);
    return t;
  };
  const rootToken = issue(86_400);
  const roleId = 'openkms-signer-role';
  const secretId = randomBytes(16).toString('hex');
  const transit = new Map<string, TransitKey>(); // "<mount>/<name>"

  const err = (status: number, ...errors: string[]): EmulatorReply => ({ status, body: { errors } });
  const ok = (data: unknown, extra: Record<string, unknown> = {}): EmulatorReply => ({
    status: 200,
    body: { request_id: randomBytes(8).toString('hex'), data, ...extra },
  });

  const server = await startEmulatorServer({
    ...(opts.tls ? { tls: opts.tls } : {}),
    operationOf: (req) => `${req.method} ${req.path}`,
    handle: (req, faults) => {
      if (faults.throttle > 0) {
        faults.throttle--;
        return { ...err(429, 'request path "x": rate limit quota exceeded'), headers: { 'retry-after': '0' } };
      }
      if (faults.unavailable > 0) {
        faults.unavailable--;
        return err(503, 'Vault is sealed');
      }
      if (req.path === '/v1/sys/health') return { status: self.sealed ? 503 : 200, body: { initialized: true, sealed: self.sealed, standby: false } };
      if (self.sealed) return err(503, 'Vault is sealed');
      if (self.namespace !== undefined && req.headers['x-vault-namespace'] !== self.namespace) return err(403, 'permission denied');
      let body: Record<string, unknown> = {};
      try {
        body = req.body.length ? (JSON.parse(req.body.toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        return err(400, 'failed to parse JSON input');
      }
      const login = /^\/v1\/auth\/([\w./-]+)\/login$/.exec(req.path);
      if (login && req.method === 'POST') {
        if (body.role_id !== roleId || body.secret_id !== secretId) return err(400, 'invalid role or secret ID');
        const ttl = 3600;
        return ok(null, { auth: { client_token: issue(ttl), lease_duration: ttl, renewable: true, policies: ['openkms-signer'] } });
      }
      const token = String(req.headers['x-vault-token'] ?? '');
      const expiry = tokens.get(token);
      if (expiry === undefined || expiry < Date.now()) return err(403, 'permission denied');
      const list = /^\/v1\/([\w./-]+)\/keys\/?$/.exec(req.path);
      if (list && (req.method === 'LIST' || (req.method === 'GET' && req.query.get('list') === 'true'))) {
        const names = [...transit.keys()].filter((k) => k.startsWith(`${list[1]}/`)).map((k) => k.slice(list[1]!.length + 1));
        return names.length ? ok({ keys: names.sort() }) : err(404);
      }
      const read = /^\/v1\/([\w./-]+)\/keys\/([\w.-]+)$/.exec(req.path);
      if (read && req.method === 'GET') {
        const key = transit.get(`${read[1]}/${read[2]}`);
        if (!key) return err(404);
        const keys: Record<string, unknown> = {};
        key.versions.forEach((secret, i) => {
          keys[String(i + 1)] =
            key.type === 'ed25519'
              ? { public_key: Buffer.from(ed25519.getPublicKey(secret)).toString('base64'), creation_time: new Date().toISOString(), name: 'ed25519' }
              : 1700000000;
        });
        return ok({
          name: read[2],
          type: key.type,
          latest_version: key.versions.length,
          min_decryption_version: 1,
          supports_signing: key.type === 'ed25519',
          keys,
        });
      }
      // transit create key: POST /v1/<mount>/keys/<name> {type}; like Vault, a no-op (204) when the name exists
      if (read && (req.method === 'POST' || req.method === 'PUT')) {
        const id = `${read[1]}/${read[2]}`;
        const type = body.type ?? 'aes256-gcm96';
        if (type !== 'ed25519' && type !== 'aes256-gcm96') return err(400, `unknown key type ${String(type)}`);
        if (!transit.has(id)) transit.set(id, { type, versions: [ed25519.utils.randomSecretKey()] });
        return { status: 204 };
      }
      const sign = /^\/v1\/([\w./-]+)\/sign\/([\w.-]+)$/.exec(req.path);
      if (sign && (req.method === 'POST' || req.method === 'PUT')) {
        const key = transit.get(`${sign[1]}/${sign[2]}`);
        if (!key) return err(400, 'signing key not found');
        if (key.type !== 'ed25519') return err(400, `key type ${key.type} does not support signing`);
        const version = typeof body.key_version === 'number' && body.key_version > 0 ? body.key_version : key.versions.length;
        const secret = key.versions[version - 1];
        if (!secret) return err(400, 'invalid key version');
        const input = Buffer.from(String(body.input ?? ''), 'base64');
        const signature = ed25519.sign(input, self.wrongSignature ? ed25519.utils.randomSecretKey() : secret);
        return ok({ signature: `vault:v${version}:${Buffer.from(signature).toString('base64')}`, key_version: version });
      }
      return err(404);
    },
  });

  const self: VaultEmulator = Object.assign(server, {
    rootToken,
    roleId,
    secretId,
    namespace: undefined as string | undefined,
    wrongSignature: false,
    sealed: false,
    addTransitKey(name: string, type: 'ed25519' | 'aes256-gcm96' = 'ed25519', mount = 'transit'): Uint8Array {
      const secret = ed25519.utils.randomSecretKey();
      transit.set(`${mount}/${name}`, { type, versions: [secret] });
      return ed25519.getPublicKey(secret);
    },
    rotate(name: string, mount = 'transit'): Uint8Array {
      const key = transit.get(`${mount}/${name}`);
      if (!key) throw new Error('no such key');
      const secret = ed25519.utils.randomSecretKey();
      key.versions.push(secret);
      return ed25519.getPublicKey(secret);
    },
    revokeTokens(): void {
      for (const t of [...tokens.keys()]) if (t !== rootToken) tokens.delete(t);
    },
    issueToken: issue,
  }) as VaultEmulator;
  return self;
}
