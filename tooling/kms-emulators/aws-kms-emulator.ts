/**
 * TEST-ONLY emulator of the AWS KMS JSON 1.1 wire API (`X-Amz-Target: TrentService.<Operation>`), holding real key
 * material (@noble/curves) so signatures verify: Sign, GetPublicKey, DescribeKey, ListAliases, ListKeys,
 * ListResourceTags, CreateKey (asymmetric SIGN_VERIFY keys), CreateAlias, ScheduleKeyDeletion. Authentication: AWS Signature Version 4 — the `Authorization` header must name the expected
 * access key id and carry the right signature over the canonical request (recomputed with the secret key). Errors are KMS's JSON error shape (`__type`), throttling is
 * `ThrottlingException`. Never shipped; never for production.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { startEmulatorServer, type EmulatorReply, type RunningEmulator } from './emulator-server.js';

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SECP256K1_SPKI_PREFIX = Buffer.from('3056301006072a8648ce3d020106052b8104000a034200', 'hex');
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

export type AwsKmsEmulatorKeySpec = 'ECC_SECG_P256K1' | 'ECC_NIST_EDWARDS25519' | 'ECC_NIST_P256';

export interface AwsKmsEmulatorKey {
  readonly keyId: string;
  readonly arn: string;
  readonly spec: AwsKmsEmulatorKeySpec;
  readonly publicKey: Uint8Array;
  enabled: boolean;
}

export interface AwsKmsEmulator extends RunningEmulator {
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  addKey(spec: AwsKmsEmulatorKeySpec, opts?: { alias?: string; tags?: Record<string, string>; privateKey?: Uint8Array }): AwsKmsEmulatorKey;
  /** Makes every Sign return a DER signature with high S (the other half), as KMS may. */
  highS: boolean;
  /** Makes Sign return a signature by another key (a faulty service). */
  wrongSignature: boolean;
  /** Called after each CreateKey, before it answers (tests: another writer takes an alias meanwhile). */
  afterCreateKey: ((key: AwsKmsEmulatorKey) => void) | undefined;
  /** Key id → the tags it carries (a copy). */
  tagsOf(keyId: string): Record<string, string>;
  /** Key ids scheduled for deletion. */
  readonly pendingDeletion: ReadonlySet<string>;
}

interface StoredKey extends AwsKmsEmulatorKey {
  readonly secret: Uint8Array;
  readonly tags: Record<string, string>;
}

export async function startAwsKmsEmulator(opts: { region?: string } = {}): Promise<AwsKmsEmulator> {
  const region = opts.region ?? 'eu-west-1';
  const account = '111122223333';
  const accessKeyId = 'AKIAEMULATOREXAMPLE';
  const secretAccessKey = 'emulator-secret-access-key-do-not-log';
  const keys = new Map<string, StoredKey>();
  const aliases = new Map<string, string>(); // alias name → key id
  const state = { highS: false, wrongSignature: false }; // replaced by the returned object below
  let self: { highS: boolean; wrongSignature: boolean; afterCreateKey?: ((key: AwsKmsEmulatorKey) => void) | undefined } = state;
  const pendingDeletion = new Set<string>();

  const error = (type: string, message: string, status = 400): EmulatorReply => ({
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type },
    body: { __type: type, message },
  });
  const ok = (body: unknown): EmulatorReply => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body });

  const resolveKey = (id: unknown): StoredKey | undefined => {
    if (typeof id !== 'string') return undefined;
    let keyId = id;
    if (id.startsWith('alias/')) keyId = aliases.get(id) ?? '';
    else if (id.startsWith('arn:')) {
      const resource = id.split(':').slice(5).join(':');
      keyId = resource.startsWith('alias/') ? (aliases.get(resource) ?? '') : resource.replace(/^key\//, '');
    }
    return keys.get(keyId);
  };

  const spki = (k: StoredKey): Buffer =>
    k.spec === 'ECC_NIST_EDWARDS25519'
      ? Buffer.concat([ED25519_SPKI_PREFIX, k.publicKey])
      : Buffer.concat([k.spec === 'ECC_SECG_P256K1' ? SECP256K1_SPKI_PREFIX : P256_SPKI_PREFIX, k.publicKey]);

  const server = await startEmulatorServer({
    operationOf: (req) => String(req.headers['x-amz-target'] ?? '').replace(/^TrentService\./, '') || undefined,
    handle: (req, faults) => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST' || !target.startsWith('TrentService.')) return error('UnknownOperationException', 'unknown operation');
      const auth = String(req.headers.authorization ?? '');
      const credential = /Credential=([^/]+)\//.exec(auth)?.[1];
      if (credential !== accessKeyId) return error('UnrecognizedClientException', 'The security token included in the request is invalid.');
      if (!sigV4Valid(req.method, req.path, req.headers, req.body, auth, secretAccessKey))
        return error('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
      if (faults.throttle > 0) {
        faults.throttle--;
        return error('ThrottlingException', 'Rate exceeded');
      }
      if (faults.unavailable > 0) {
        faults.unavailable--;
        return error('KMSInternalException', 'internal error', 500);
      }
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(req.body.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return error('SerializationException', 'bad JSON');
      }
      const operation = target.slice('TrentService.'.length);
      switch (operation) {
        case 'GetPublicKey':
        case 'DescribeKey': {
          const k = resolveKey(input.KeyId);
          if (!k) return error('NotFoundException', 'Key does not exist');
          if (operation === 'DescribeKey')
            return ok({
              KeyMetadata: {
                KeyId: k.keyId,
                Arn: k.arn,
                KeySpec: k.spec,
                KeyUsage: 'SIGN_VERIFY',
                Enabled: k.enabled,
                KeyState: k.enabled ? 'Enabled' : 'Disabled',
              },
            });
          if (!k.enabled) return error('DisabledException', 'Key is disabled');
          return ok({
            KeyId: k.arn,
            KeySpec: k.spec,
            KeyUsage: 'SIGN_VERIFY',
            PublicKey: spki(k).toString('base64'),
            SigningAlgorithms: k.spec === 'ECC_NIST_EDWARDS25519' ? ['ED25519_SHA_512', 'ED25519_PH_SHA_512'] : ['ECDSA_SHA_256'],
          });
        }
        case 'Sign': {
          const k = resolveKey(input.KeyId);
          if (!k) return error('NotFoundException', 'Key does not exist');
          if (!k.enabled) return error('DisabledException', 'Key is disabled');
          const message = Buffer.from(String(input.Message ?? ''), 'base64');
          const algorithm = input.SigningAlgorithm;
          const messageType = input.MessageType ?? 'RAW';
          if (k.spec === 'ECC_NIST_EDWARDS25519') {
            if (algorithm !== 'ED25519_SHA_512') return error('InvalidKeyUsageException', 'algorithm not valid for key');
            if (messageType !== 'RAW') return error('ValidationException', 'ED25519_SHA_512 requires MessageType RAW');
            if (message.length === 0 || message.length > 4096) return error('ValidationException', 'message length');
            const secret = self.wrongSignature ? ed25519.utils.randomSecretKey() : k.secret;
            return ok({ KeyId: k.arn, SigningAlgorithm: algorithm, Signature: Buffer.from(ed25519.sign(message, secret)).toString('base64') });
          }
          if (k.spec !== 'ECC_SECG_P256K1' || algorithm !== 'ECDSA_SHA_256') return error('InvalidKeyUsageException', 'algorithm not valid for key');
          if (messageType !== 'DIGEST' || message.length !== 32) return error('ValidationException', 'this emulator signs 32-byte digests only');
          const secret = self.wrongSignature ? secp256k1.utils.randomSecretKey() : k.secret;
          const low = secp256k1.Signature.fromBytes(secp256k1.sign(message, secret, { prehash: false }), 'compact');
          const sig = self.highS ? new secp256k1.Signature(low.r, secp256k1.Point.Fn.ORDER - low.s) : low;
          return ok({ KeyId: k.arn, SigningAlgorithm: algorithm, Signature: Buffer.from(sig.toBytes('der')).toString('base64') });
        }
        case 'ListAliases': {
          const all = [...aliases.entries()].map(([AliasName, TargetKeyId]) => ({
            AliasName,
            AliasArn: `arn:aws:kms:${region}:${account}:${AliasName}`,
            TargetKeyId,
          }));
          return ok(page(all, input, 'Aliases'));
        }
        case 'ListKeys':
          return ok(
            page(
              [...keys.values()].map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })),
              input,
              'Keys',
            ),
          );
        case 'ListResourceTags': {
          const k = resolveKey(input.KeyId);
          if (!k) return error('NotFoundException', 'Key does not exist');
          return ok(
            page(
              Object.entries(k.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
              input,
              'Tags',
            ),
          );
        }
        case 'CreateKey': {
          const spec = input.KeySpec;
          if (input.KeyUsage !== 'SIGN_VERIFY') return error('ValidationException', 'this emulator creates SIGN_VERIFY keys only');
          if (spec !== 'ECC_SECG_P256K1' && spec !== 'ECC_NIST_EDWARDS25519' && spec !== 'ECC_NIST_P256')
            return error('ValidationException', `KeySpec ${String(spec)} is not valid for SIGN_VERIFY`);
          const tags: Record<string, string> = {};
          for (const t of Array.isArray(input.Tags) ? (input.Tags as { TagKey?: unknown; TagValue?: unknown }[]) : []) {
            if (typeof t.TagKey !== 'string' || typeof t.TagValue !== 'string') return error('TagException', 'a tag needs TagKey and TagValue');
            tags[t.TagKey] = t.TagValue;
          }
          const k = emulator.addKey(spec, { tags });
          self.afterCreateKey?.(k);
          return ok({
            KeyMetadata: {
              AWSAccountId: account,
              KeyId: k.keyId,
              Arn: k.arn,
              CreationDate: Date.now() / 1000,
              Enabled: true,
              Description: typeof input.Description === 'string' ? input.Description : '',
              KeyUsage: 'SIGN_VERIFY',
              KeyState: 'Enabled',
              Origin: 'AWS_KMS',
              KeyManager: 'CUSTOMER',
              KeySpec: spec,
              CustomerMasterKeySpec: spec,
              SigningAlgorithms: spec === 'ECC_NIST_EDWARDS25519' ? ['ED25519_SHA_512', 'ED25519_PH_SHA_512'] : ['ECDSA_SHA_256'],
              MultiRegion: false,
            },
          });
        }
        case 'CreateAlias': {
          const name = input.AliasName;
          if (typeof name !== 'string' || !/^alias\/[a-zA-Z0-9/_-]+$/.test(name) || name.length > 256 || name.startsWith('alias/aws/'))
            return error('ValidationException', 'invalid alias name');
          const k = resolveKey(input.TargetKeyId);
          if (!k || typeof input.TargetKeyId !== 'string' || input.TargetKeyId.startsWith('alias/')) return error('NotFoundException', 'Key does not exist');
          if (aliases.has(name)) return error('AlreadyExistsException', `An alias with the name ${name} already exists`);
          aliases.set(name, k.keyId);
          return ok({});
        }
        case 'ScheduleKeyDeletion': {
          const k = resolveKey(input.KeyId);
          if (!k) return error('NotFoundException', 'Key does not exist');
          const days = typeof input.PendingWindowInDays === 'number' ? input.PendingWindowInDays : 30;
          if (days < 7 || days > 30) return error('ValidationException', 'PendingWindowInDays must be 7–30');
          k.enabled = false;
          pendingDeletion.add(k.keyId);
          return ok({ KeyId: k.arn, DeletionDate: Date.now() / 1000 + days * 86400, KeyState: 'PendingDeletion', PendingWindowInDays: days });
        }
        default:
          return error('UnsupportedOperationException', `${operation} is not emulated`);
      }
    },
  });

  function page<T>(all: T[], input: Record<string, unknown>, field: string): Record<string, unknown> {
    const start = typeof input.Marker === 'string' ? Number(input.Marker) : 0;
    const limit = typeof input.Limit === 'number' ? input.Limit : 2; // small pages so pagination is exercised
    const items = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return { [field]: items, Truncated: more, ...(more ? { NextMarker: String(start + limit) } : {}) };
  }

  const emulator = Object.assign(server, {
    region,
    accessKeyId,
    secretAccessKey,
    highS: false,
    wrongSignature: false,
    afterCreateKey: undefined,
    pendingDeletion,
    tagsOf: (keyId: string): Record<string, string> => ({ ...keys.get(keyId)?.tags }),
    addKey(spec: AwsKmsEmulatorKeySpec, o: { alias?: string; tags?: Record<string, string>; privateKey?: Uint8Array } = {}): AwsKmsEmulatorKey {
      const keyId = randomUUID();
      let secret: Uint8Array;
      let publicKey: Uint8Array;
      if (spec === 'ECC_NIST_EDWARDS25519') {
        secret = o.privateKey ?? ed25519.utils.randomSecretKey();
        publicKey = ed25519.getPublicKey(secret);
      } else if (spec === 'ECC_SECG_P256K1') {
        secret = o.privateKey ?? secp256k1.utils.randomSecretKey();
        publicKey = secp256k1.getPublicKey(secret, false);
      } else {
        secret = new Uint8Array(32);
        publicKey = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), false); // stands in for a P-256 point
      }
      const key: StoredKey = { keyId, arn: `arn:aws:kms:${region}:${account}:key/${keyId}`, spec, publicKey, secret, tags: { ...o.tags }, enabled: true };
      keys.set(keyId, key);
      if (o.alias) aliases.set(o.alias, keyId);
      return key;
    },
  }) as AwsKmsEmulator;
  self = emulator;
  return emulator;
}

/** Recomputes an AWS Signature Version 4 over the request (path "/", no query, as the KMS JSON protocol sends it). */
function sigV4Valid(method: string, path: string, headers: Record<string, string | string[] | undefined>, body: Buffer, auth: string, secret: string): boolean {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return false;
  const [, , date, region, service, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string, string];
  const amzDate = String(headers['x-amz-date'] ?? '');
  const names = signedHeaders.split(';');
  const canonicalHeaders = names
    .map(
      (n) =>
        `${n}:${String(headers[n] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const payloadHash = createHash('sha256').update(body).digest('hex');
  const canonicalRequest = [method, path, '', canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
