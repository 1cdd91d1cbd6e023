/**
 * TEST-ONLY emulator of the Azure Key Vault keys REST API (HTTPS only, as the SDK requires for bearer tokens):
 * challenge auth (a request without a valid bearer token gets 401 with `WWW-Authenticate: Bearer authorization=…,
 * resource=…`;
 * the SDK's check that the vault host is under that resource must be disabled for 127.0.0.1), `GET /keys` (with tags), `GET /keys/<name>/<version?>` (JWK), `POST /keys/<name>/<version>/sign`
 * (ES256K: raw r‖s), `POST /keys/<name>/create` (EC P-256K; a new version when the name exists, as Key Vault does) with real secp256k1 keys (@noble/curves), and the Entra ID endpoints MSAL uses for a client
 * secret (`/<tenant>/v2.0/.well-known/openid-configuration`, `POST /<tenant>/oauth2/v2.0/token`). Errors are Key Vault's `{"error": {code, message}}`;
 * throttling is 429 with Retry-After. Never shipped; never for production.
 */
import { randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { startEmulatorServer, type EmulatorReply, type RunningEmulator } from './emulator-server.js';

export interface AzureKeyVaultEmulator extends RunningEmulator {
  /** A bearer token the emulator accepts (hand it out from a test TokenCredential). */
  readonly accessToken: string;
  /** Adds a key; `crv` other than P-256K stands for a key openKMS cannot use. Returns the uncompressed public key. */
  addKey(name: string, o?: { tags?: Record<string, string>; crv?: 'P-256K' | 'P-256'; enabled?: boolean; privateKey?: Uint8Array }): Uint8Array;
  /** Entra ID app registration the emulated token endpoint accepts (client credentials grant). */
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Tokens granted by the emulated token endpoint. */
  readonly tokenGrants: number;
  /** Revokes the access token (requests then get 401 Unauthorized). */
  revoke(): void;
  highS: boolean;
  wrongSignature: boolean;
  /** When set, every request with a valid token gets 403 Forbidden (no permission). */
  forbidden: boolean;
  /** Names of keys deleted but recoverable (soft delete): creating one gets 409 Conflict. */
  readonly deletedNames: Set<string>;
}

interface StoredKey {
  readonly name: string;
  readonly version: string;
  readonly crv: string;
  readonly secret: Uint8Array;
  readonly tags: Record<string, string>;
  readonly enabled: boolean;
  readonly kty?: string;
  readonly keyOps?: string[];
}

export async function startAzureKeyVaultEmulator(tls: { key: string; cert: string }): Promise<AzureKeyVaultEmulator> {
  const tenantId = '72f988bf-0000-4000-8000-00000000e1a7';
  const clientId = '0b1e7a2c-0000-4000-8000-0000000c11e7';
  const clientSecret = `emulator-client-secret-${randomBytes(8).toString('hex')}`;
  let tokenGrants = 0;
  let accessToken = `eyJ.emulator.${randomBytes(12).toString('base64url')}`;
  let revoked = false;
  const keys = new Map<string, StoredKey>();
  let base = '';

  const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}): EmulatorReply => ({
    status,
    headers,
    body: { error: { code, message } },
  });
  const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
  const attributes = (k: StoredKey) => ({ enabled: k.enabled, created: 1700000000, updated: 1700000000, recoveryLevel: 'Recoverable+Purgeable' });
  const bundle = (k: StoredKey) => {
    const pub = secp256k1.getPublicKey(k.secret, false);
    return {
      key: {
        kid: `${base}/keys/${k.name}/${k.version}`,
        kty: k.kty ?? 'EC-HSM',
        crv: k.crv,
        x: b64u(pub.subarray(1, 33)),
        y: b64u(pub.subarray(33)),
        key_ops: k.keyOps ?? ['sign', 'verify'],
      },
      attributes: attributes(k),
      tags: k.tags,
    };
  };

  const server = await startEmulatorServer({
    tls,
    operationOf: (req) => `${req.method} ${req.path}`,
    handle: (req, faults) => {
      // Entra ID (OAuth 2.0 client credentials), as MSAL uses it: authority metadata and the token endpoint
      if (req.path === `/${tenantId}/v2.0/.well-known/openid-configuration`) {
        return {
          status: 200,
          body: {
            issuer: `${base}/${tenantId}/v2.0`,
            token_endpoint: `${base}/${tenantId}/oauth2/v2.0/token`,
            authorization_endpoint: `${base}/${tenantId}/oauth2/v2.0/authorize`,
            end_session_endpoint: `${base}/${tenantId}/oauth2/v2.0/logout`,
            jwks_uri: `${base}/${tenantId}/discovery/v2.0/keys`,
            response_types_supported: ['code', 'id_token', 'token'],
            subject_types_supported: ['pairwise'],
            id_token_signing_alg_values_supported: ['RS256'],
            scopes_supported: ['openid'],
          },
        };
      }
      if (req.path === `/${tenantId}/oauth2/v2.0/token` && req.method === 'POST') {
        const form = new URLSearchParams(req.body.toString('utf8'));
        if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret)
          return {
            status: 401,
            body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] },
          };
        tokenGrants++;
        return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken } };
      }
      const auth = String(req.headers.authorization ?? '');
      if (!auth.startsWith('Bearer ') || revoked || auth.slice(7) !== accessToken) {
        return fail(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.', {
          'www-authenticate': `Bearer authorization="${base}/${tenantId}", resource="https://vault.azure.net"`,
        });
      }
      if (self.forbidden) return fail(403, 'Forbidden', 'The user, group or application does not have keys sign permission');
      if (faults.throttle > 0) {
        faults.throttle--;
        return fail(429, 'Throttled', 'Too many requests', { 'retry-after': '0' });
      }
      if (faults.unavailable > 0) {
        faults.unavailable--;
        return fail(503, 'ServiceUnavailable', 'Service unavailable');
      }
      const parts = req.path.split('/').filter(Boolean);
      if (parts[0] !== 'keys') return fail(404, 'NotFound', 'no such path');
      if (parts.length === 1 && req.method === 'GET') {
        const value = [...keys.values()].map((k) => ({ kid: `${base}/keys/${k.name}`, attributes: attributes(k), tags: k.tags }));
        return { status: 200, body: { value, nextLink: null } };
      }
      if (parts.length === 3 && parts[2] === 'create' && req.method === 'POST') {
        let body: { kty?: string; crv?: string; key_ops?: string[]; tags?: Record<string, string>; attributes?: { enabled?: boolean } };
        try {
          body = JSON.parse(req.body.toString('utf8')) as typeof body;
        } catch {
          return fail(400, 'BadParameter', 'bad JSON');
        }
        const name = parts[1] ?? '';
        if (!/^[0-9A-Za-z-]{1,127}$/.test(name)) return fail(400, 'BadParameter', 'The request URI contains an invalid name');
        if (self.deletedNames.has(name)) return fail(409, 'Conflict', `Key ${name} is currently in a deleted but recoverable state`);
        if ((body.kty !== 'EC' && body.kty !== 'EC-HSM') || body.crv !== 'P-256K')
          return fail(400, 'BadParameter', 'this emulator creates EC P-256K keys only');
        const stored: StoredKey = {
          name,
          version: randomBytes(16).toString('hex'),
          crv: 'P-256K',
          secret: secp256k1.utils.randomSecretKey(),
          tags: { ...body.tags },
          enabled: body.attributes?.enabled ?? true,
          kty: body.kty,
          ...(Array.isArray(body.key_ops) ? { keyOps: body.key_ops } : {}),
        };
        keys.set(name, stored);
        return { status: 200, body: bundle(stored) };
      }
      const k = keys.get(parts[1] ?? '');
      if (!k || (parts[2] !== undefined && parts[2] !== '' && parts[2] !== k.version))
        return fail(404, 'KeyNotFound', 'A key with (name/id) was not found in this key vault.');
      if (parts.length <= 3 && req.method === 'GET') return { status: 200, body: bundle(k) };
      if (parts.length === 4 && parts[3] === 'sign' && req.method === 'POST') {
        let body: { alg?: string; value?: string };
        try {
          body = JSON.parse(req.body.toString('utf8')) as { alg?: string; value?: string };
        } catch {
          return fail(400, 'BadParameter', 'bad JSON');
        }
        if (!k.enabled) return fail(403, 'Forbidden', 'Operation sign is not allowed on a disabled key.');
        if (k.crv !== 'P-256K' || body.alg !== 'ES256K') return fail(400, 'BadParameter', 'Invalid algorithm for key');
        const digest = Buffer.from(body.value ?? '', 'base64url');
        if (digest.length !== 32) return fail(400, 'BadParameter', 'digest must be 32 bytes for ES256K');
        const secret = self.wrongSignature ? secp256k1.utils.randomSecretKey() : k.secret;
        const low = secp256k1.Signature.fromBytes(secp256k1.sign(digest, secret, { prehash: false }), 'compact');
        const sig = self.highS ? new secp256k1.Signature(low.r, secp256k1.Point.Fn.ORDER - low.s) : low;
        return { status: 200, body: { kid: `${base}/keys/${k.name}/${k.version}`, value: b64u(sig.toBytes('compact')) } };
      }
      return fail(405, 'MethodNotAllowed', 'not emulated');
    },
  });
  base = server.url;

  const self: AzureKeyVaultEmulator = Object.assign(server, {
    tenantId,
    clientId,
    clientSecret,
    highS: false,
    wrongSignature: false,
    forbidden: false,
    deletedNames: new Set<string>(),
    addKey(name: string, o: { tags?: Record<string, string>; crv?: 'P-256K' | 'P-256'; enabled?: boolean; privateKey?: Uint8Array } = {}): Uint8Array {
      const secret = o.privateKey ?? secp256k1.utils.randomSecretKey();
      keys.set(name, { name, version: randomBytes(16).toString('hex'), crv: o.crv ?? 'P-256K', secret, tags: { ...o.tags }, enabled: o.enabled ?? true });
      return secp256k1.getPublicKey(secret, false);
    },
    revoke(): void {
      revoked = true;
      accessToken = `revoked.${randomBytes(4).toString('hex')}`;
    },
  }) as AzureKeyVaultEmulator;
  // live values (Object.assign would copy a getter's value once)
  Object.defineProperty(self, 'accessToken', { get: () => accessToken, enumerable: true });
  Object.defineProperty(self, 'tokenGrants', { get: () => tokenGrants, enumerable: true });
  return self;
}
