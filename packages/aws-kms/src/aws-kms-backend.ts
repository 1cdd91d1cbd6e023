import { isAbsolute, resolve } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  type KMSClientConfig,
} from '@aws-sdk/client-kms';
import { fromIni } from '@aws-sdk/credential-providers';
import {
  openKmsError,
  type BackendHealth,
  type BackendKey,
  type Curve,
  type GenerateKeyRequest,
  type KeyBackend,
  type KeyBackendContext,
  type KeyRef,
  type Secp256k1Signature,
  type SignOptions,
  type SignProvenance,
} from '@openkms/core';
import type { AwsKmsOptions } from './aws-kms-options.js';
import { isRetryableAwsError, toOpenKmsError } from './aws-error-mapping.js';
import { createServiceCaller, normalizeSecp256k1Signature, parseDerSignature } from '@openkms/backend-kit';
import { publicKeyFromSpki } from './spki-public-key.js';

/** Programmatic extras (not from config): tests and embedders. */
export interface AwsKmsBackendOverrides {
  /** Static credentials or a provider, instead of the standard chain / profile. */
  readonly credentials?: KMSClientConfig['credentials'];
  /** First backoff delay on throttling (ms). Default 100. */
  readonly retryBaseDelayMs?: number;
}

export interface AwsKmsBackend extends KeyBackend {
  readonly kind: 'aws-kms';
  generateKey(request: GenerateKeyRequest): Promise<BackendKey>;
  provenance(key: KeyRef): SignProvenance;
}

interface KeyInfo {
  readonly curve: Curve;
  readonly publicKey: Uint8Array;
}

const CURVE_BY_KEY_SPEC: Readonly<Record<string, Curve>> = { ECC_SECG_P256K1: 'secp256k1', ECC_NIST_EDWARDS25519: 'ed25519' };
/** Errors that mean "this key cannot sign now" (disabled, pending deletion / import, custom key store offline): left out of discovery. */
const UNUSABLE_KEY_ERRORS: ReadonlySet<string> = new Set(['DisabledException', 'KMSInvalidStateException', 'KeyUnavailableException']);
const KEY_SPEC_BY_CURVE: Readonly<Record<Curve, 'ECC_SECG_P256K1' | 'ECC_NIST_EDWARDS25519'>> = {
  secp256k1: 'ECC_SECG_P256K1',
  ed25519: 'ECC_NIST_EDWARDS25519',
};
/** KMS alias names: `alias/` then letters, digits, `/`, `_`, `-`; at most 256 characters; `alias/aws/` is AWS's. */
const ALIAS_NAME = /^alias\/[A-Za-z0-9/_-]{1,250}$/;
const ED25519_MAX_MESSAGE = 4096; // KMS Sign: a RAW message is at most 4096 bytes

/** The openKMS KeyBackend over AWS KMS asymmetric keys (secp256k1: ECC_SECG_P256K1; ed25519: ECC_NIST_EDWARDS25519). */
export function createAwsKmsBackend(options: AwsKmsOptions, context: KeyBackendContext, overrides: AwsKmsBackendOverrides = {}): AwsKmsBackend {
  const timeoutMs = options.timeout_ms ?? 10_000;
  const maxAttempts = options.max_attempts ?? 4;
  const aliasPrefix = options.alias_prefix ?? 'alias/openkms/';
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(context.configDir, p));
  let credentials = overrides.credentials;
  if (credentials === undefined && (options.profile !== undefined || options.credentials_file !== undefined || options.config_file !== undefined)) {
    credentials = fromIni({
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
      ...(options.credentials_file !== undefined ? { filepath: abs(options.credentials_file) } : {}),
      ...(options.config_file !== undefined ? { configFilepath: abs(options.config_file) } : {}),
    });
  }
  const client = new KMSClient({
    region: options.region,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
    maxAttempts: 1, // retries are ours: one deadline, our backoff, our events
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: Math.min(timeoutMs, 5000) },
  });

  const keys = new Map<string, KeyInfo>();
  const device = `aws-kms:${options.region}`;

  const caller = createServiceCaller({
    service: 'AWS KMS',
    context,
    timeoutMs,
    maxAttempts,
    baseDelayMs: overrides.retryBaseDelayMs ?? 100,
    retryable: (err) => ({ retry: isRetryableAwsError(err) }),
    errorLabel: (err) => (err as { name?: string }).name ?? 'Error',
    toOpenKmsError,
  });
  const { call, setUp } = caller;

  async function fetchKey(keyId: string): Promise<KeyInfo> {
    const out = await call('GetPublicKey', (abortSignal) => client.send(new GetPublicKeyCommand({ KeyId: keyId }), { abortSignal }), { key_id: keyId });
    const curve = out.KeySpec !== undefined ? CURVE_BY_KEY_SPEC[out.KeySpec] : undefined;
    if (curve === undefined || out.KeyUsage !== 'SIGN_VERIFY')
      throw openKmsError('key_not_found', 'the AWS KMS key is not an ECC_SECG_P256K1 or ECC_NIST_EDWARDS25519 signing key', {
        backend: context.name,
        key_id: keyId,
        key_spec: out.KeySpec ?? null,
        key_usage: out.KeyUsage ?? null,
      });
    const publicKey = out.PublicKey ? publicKeyFromSpki(out.PublicKey, curve) : undefined;
    if (!publicKey) throw openKmsError('backend_error', 'AWS KMS returned a malformed public key', { backend: context.name, key_id: keyId });
    const info = { curve, publicKey };
    keys.set(keyId, info);
    return info;
  }

  const keyInfo = async (keyId: string): Promise<KeyInfo> => keys.get(keyId) ?? (await fetchKey(keyId));

  function checkKeyId(key: KeyRef): string {
    if (typeof key?.id !== 'string' || key.id.length === 0 || key.id.length > 2048)
      throw openKmsError('invalid_request', 'AWS KMS key id must be a non-empty string');
    return key.id;
  }

  function expectCurve(info: KeyInfo, curve: Curve, keyId: string): void {
    if (info.curve !== curve) throw openKmsError('invalid_request', `key is not a ${curve} key`, { backend: context.name, key_id: keyId, curve: info.curve });
  }

  async function sign(keyId: string, message: Uint8Array, algorithm: 'ECDSA_SHA_256' | 'ED25519_SHA_512', messageType: 'DIGEST' | 'RAW'): Promise<Uint8Array> {
    const out = await call(
      'Sign',
      (abortSignal) => client.send(new SignCommand({ KeyId: keyId, Message: message, MessageType: messageType, SigningAlgorithm: algorithm }), { abortSignal }),
      { key_id: keyId },
    );
    if (!out.Signature) throw openKmsError('backend_error', 'AWS KMS returned no signature', { backend: context.name, key_id: keyId });
    return out.Signature;
  }

  async function* paginate<T>(
    operation: string,
    page: (marker: string | undefined, abortSignal: AbortSignal) => Promise<{ items: T[]; next?: string | undefined }>,
  ): AsyncGenerator<T> {
    let marker: string | undefined;
    for (let pages = 0; pages < 1000; pages++) {
      const { items, next } = await call(operation, (abortSignal) => page(marker, abortSignal));
      yield* items;
      if (!next) return;
      marker = next;
    }
  }

  return {
    kind: 'aws-kms',

    async listKeys(): Promise<readonly BackendKey[]> {
      const found = new Map<string, { id: string; label?: string }>(); // target key id → how it was found
      for await (const alias of paginate('ListAliases', async (Marker, abortSignal) => {
        const out = await client.send(new ListAliasesCommand({ ...(Marker ? { Marker } : {}), Limit: 100 }), { abortSignal });
        return { items: out.Aliases ?? [], next: out.Truncated ? out.NextMarker : undefined };
      })) {
        if (!alias.AliasName?.startsWith(aliasPrefix) || !alias.TargetKeyId || found.has(alias.TargetKeyId)) continue;
        found.set(alias.TargetKeyId, { id: alias.AliasName, label: alias.AliasName.slice('alias/'.length) });
      }
      if (options.tag_key !== undefined) {
        for await (const key of paginate('ListKeys', async (Marker, abortSignal) => {
          const out = await client.send(new ListKeysCommand({ ...(Marker ? { Marker } : {}), Limit: 100 }), { abortSignal });
          return { items: out.Keys ?? [], next: out.Truncated ? out.NextMarker : undefined };
        })) {
          if (!key.KeyId || found.has(key.KeyId)) continue;
          const keyId = key.KeyId;
          for await (const tag of paginate('ListResourceTags', async (Marker, abortSignal) => {
            const out = await client.send(new ListResourceTagsCommand({ KeyId: keyId, ...(Marker ? { Marker } : {}) }), { abortSignal });
            return { items: out.Tags ?? [], next: out.Truncated ? out.NextMarker : undefined };
          })) {
            if (tag.TagKey === options.tag_key && (options.tag_value === undefined || tag.TagValue === options.tag_value)) {
              found.set(keyId, { id: keyId, ...(tag.TagValue ? { label: tag.TagValue } : {}) });
              break;
            }
          }
        }
      }
      const out: BackendKey[] = [];
      for (const { id, label } of found.values()) {
        let info: KeyInfo;
        try {
          info = await keyInfo(id);
        } catch (err) {
          // not a signing key of a supported curve, disabled or pending deletion: not usable, so not listed
          const code = (err as { code?: string }).code;
          const awsError = (err as { context?: { aws_error?: unknown } }).context?.aws_error;
          if (code === 'key_not_found' || (typeof awsError === 'string' && UNUSABLE_KEY_ERRORS.has(awsError))) {
            context.log('debug', 'AWS KMS key skipped in discovery', { backend: context.name, key_id: id, reason: code });
            continue;
          }
          throw err;
        }
        out.push({ id, curve: info.curve, publicKey: info.publicKey.slice(), ...(label ? { backendLabel: label } : {}) });
      }
      return out.sort((a, b) => a.id.localeCompare(b.id));
    },

    /**
     * CreateKey (SIGN_VERIFY, ECC_SECG_P256K1 or ECC_NIST_EDWARDS25519; tagged with `tag_key` when configured) +
     * CreateAlias `<alias_prefix><label>`, so discovery lists it. A taken alias is refused (conflict) before any key is
     * made; if the alias is taken meanwhile, the new key is scheduled for deletion (7 days) and the call is refused.
     */
    async generateKey(request: GenerateKeyRequest): Promise<BackendKey> {
      const keySpec = KEY_SPEC_BY_CURVE[request.curve];
      if (keySpec === undefined) throw openKmsError('invalid_request', 'AWS KMS keys are secp256k1 or ed25519', { backend: context.name });
      const alias = `${aliasPrefix}${typeof request.label === 'string' ? request.label : ''}`;
      if (!ALIAS_NAME.test(alias) || alias.startsWith('alias/aws/') || alias.endsWith('/') || alias.includes('//'))
        throw openKmsError('invalid_request', 'the AWS KMS alias (alias_prefix + label) must be letters, digits, "/", "_" or "-", at most 256 characters', {
          backend: context.name,
        });
      let taken = true;
      try {
        await call('DescribeKey', (abortSignal) => client.send(new DescribeKeyCommand({ KeyId: alias }), { abortSignal }), { key_id: alias });
      } catch (err) {
        if ((err as { code?: string }).code !== 'key_not_found') throw err;
        taken = false;
      }
      if (taken) throw openKmsError('conflict', `AWS KMS already has the alias ${alias}`, { backend: context.name, key_id: alias, reason: 'object_exists' });
      const tags = options.tag_key !== undefined ? [{ TagKey: options.tag_key, TagValue: options.tag_value ?? request.label }] : undefined;
      const created = await call(
        'CreateKey',
        (abortSignal) =>
          client.send(
            new CreateKeyCommand({
              KeySpec: keySpec,
              KeyUsage: 'SIGN_VERIFY',
              Description: `openKMS signing key ${alias}`,
              ...(tags ? { Tags: tags } : {}),
            }),
            { abortSignal },
          ),
        { key_id: alias },
      );
      const keyId = created.KeyMetadata?.KeyId;
      if (!keyId) throw openKmsError('backend_error', 'AWS KMS CreateKey returned no key id', { backend: context.name, key_id: alias });
      try {
        await call('CreateAlias', (abortSignal) => client.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }), { abortSignal }), {
          key_id: alias,
        });
      } catch (err) {
        // an unnamed key is never discovered: take it back (best effort; KMS keeps it 7 days, then deletes it)
        try {
          await call('ScheduleKeyDeletion', (abortSignal) =>
            client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }), { abortSignal }),
          );
        } catch {
          context.log('warn', 'AWS KMS key created without its alias could not be scheduled for deletion', { backend: context.name, key_id: keyId });
        }
        if ((err as { context?: { aws_error?: unknown } }).context?.aws_error === 'AlreadyExistsException')
          throw openKmsError('conflict', `AWS KMS already has the alias ${alias}`, { backend: context.name, key_id: alias, reason: 'object_exists' });
        throw err;
      }
      keys.delete(alias);
      const info = await fetchKey(alias);
      return { id: alias, curve: info.curve, publicKey: info.publicKey.slice(), backendLabel: alias.slice('alias/'.length) };
    },

    async getPublicKey(key: KeyRef): Promise<Uint8Array> {
      return (await keyInfo(checkKeyId(key))).publicKey.slice();
    },

    async signEd25519(key: KeyRef, message: Uint8Array, signOptions?: SignOptions): Promise<Uint8Array> {
      const keyId = checkKeyId(key);
      if (!(message instanceof Uint8Array)) throw openKmsError('invalid_request', 'Ed25519 message must be bytes');
      if (message.length === 0 || message.length > ED25519_MAX_MESSAGE)
        throw openKmsError('invalid_request', `AWS KMS signs Ed25519 messages of 1–${ED25519_MAX_MESSAGE} bytes`, {
          key_id: keyId,
          message_bytes: message.length,
          max_message_bytes: ED25519_MAX_MESSAGE,
        });
      const info = await keyInfo(keyId);
      expectCurve(info, 'ed25519', keyId);
      const signature = await sign(keyId, message, 'ED25519_SHA_512', 'RAW');
      let ok = false;
      try {
        ok = signature.length === 64 && ed25519.verify(signature, message, info.publicKey);
      } catch {
        ok = false;
      }
      if (!ok)
        throw openKmsError('signature_verification_failed', 'AWS KMS returned an Ed25519 signature that does not verify', {
          backend: context.name,
          key_id: keyId,
        });
      signOptions?.onProvenance?.({ keyId, device });
      return signature;
    },

    async signSecp256k1(key: KeyRef, digest: Uint8Array, signOptions?: SignOptions): Promise<Secp256k1Signature> {
      const keyId = checkKeyId(key);
      if (!(digest instanceof Uint8Array) || digest.length !== 32) throw openKmsError('invalid_request', 'secp256k1 digest must be 32 bytes');
      const info = await keyInfo(keyId);
      expectCurve(info, 'secp256k1', keyId);
      const der = await sign(keyId, digest, 'ECDSA_SHA_256', 'DIGEST');
      const rs = parseDerSignature(der);
      const out = rs && normalizeSecp256k1Signature(rs.r, rs.s, digest, info.publicKey);
      if (!out)
        throw openKmsError('signature_verification_failed', 'AWS KMS returned a secp256k1 signature that does not verify', {
          backend: context.name,
          key_id: keyId,
          reason: rs ? 'does_not_verify' : 'malformed_der',
        });
      signOptions?.onProvenance?.({ keyId, device });
      return out;
    },

    provenance(key: KeyRef): SignProvenance {
      return { keyId: key.id, device, backend: context.name };
    },

    async health(): Promise<BackendHealth> {
      try {
        await call('ListAliases', (abortSignal) => client.send(new ListAliasesCommand({ Limit: 1 }), { abortSignal }), {}, Math.min(timeoutMs, 3000));
        return { up: true, simulated: false, detail: { region: options.region } };
      } catch (err) {
        setUp(false);
        return { up: false, simulated: false, detail: { region: options.region, error: (err as { code?: string }).code ?? 'backend_error' } };
      }
    },

    async close(): Promise<void> {
      if (caller.closed) return;
      caller.close();
      client.destroy();
    },
  };
}
