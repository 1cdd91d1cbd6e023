import type { TokenCredential } from '@azure/core-auth';
import { ClientCertificateCredential, ClientSecretCredential, DefaultAzureCredential } from '@azure/identity';
import { CryptographyClient, KeyClient, type KeyClientOptions, type KeyVaultKey } from '@azure/keyvault-keys';
import {
  isOpenKmsError,
  openKmsError,
  type BackendHealth,
  type BackendKey,
  type GenerateKeyRequest,
  type KeyBackend,
  type KeyBackendContext,
  type KeyRef,
  type Secp256k1Signature,
  type SignOptions,
  type SignProvenance,
} from '@openkms/core';
import { errorLabel, retryVerdict, toOpenKmsError } from './azure-error-mapping.js';
import type { AzureKeyVaultOptions } from './azure-key-vault-options.js';
import { compressSecp256k1PublicKey, createServiceCaller, normalizeSecp256k1Signature, readSecretFile, resolveConfigPath } from '@openkms/backend-kit';

/** Programmatic extras (not from config): tests and embedders. */
export interface AzureKeyVaultBackendOverrides {
  /** A credential instead of the one built from config. */
  readonly credential?: TokenCredential;
  /** Extra pipeline policies for every Key Vault request (e.g. a test CA agent). */
  readonly additionalPolicies?: NonNullable<KeyClientOptions['additionalPolicies']>;
  /** Skip the check that the challenge's resource matches the vault's domain (emulators, private clouds). */
  readonly disableChallengeResourceVerification?: boolean;
  /** First backoff delay on throttling (ms). Default 100. */
  readonly retryBaseDelayMs?: number;
}

export interface AzureKeyVaultBackend extends KeyBackend {
  readonly kind: 'azure-key-vault';
  generateKey(request: GenerateKeyRequest): Promise<BackendKey>;
  provenance(key: KeyRef): SignProvenance;
}

interface KeyInfo {
  readonly publicKey: Uint8Array;
  /** The full key id (with version) this backend signs with: pinned when first read. */
  readonly kid: string;
  readonly crypto: CryptographyClient;
}

const KEY_NAME = /^[0-9A-Za-z-]{1,127}$/;

/** The credential from config: a client secret or certificate FILE, else DefaultAzureCredential (env, workload / managed identity, CLI). */
export function credentialFromOptions(options: AzureKeyVaultOptions, configDir: string): TokenCredential {
  const authority = {
    ...(options.authority_host !== undefined ? { authorityHost: options.authority_host } : {}),
    ...(options.disable_instance_discovery === true ? { disableInstanceDiscovery: true } : {}),
  };
  if (options.client_secret_file !== undefined) {
    const secret = readSecretFile(resolveConfigPath(configDir, options.client_secret_file), 'client_secret_file');
    return new ClientSecretCredential(options.tenant_id ?? '', options.client_id ?? '', secret, authority);
  }
  if (options.client_certificate_file !== undefined) {
    const path = resolveConfigPath(configDir, options.client_certificate_file);
    readSecretFile(path, 'client_certificate_file'); // exists, not empty, 0600
    return new ClientCertificateCredential(options.tenant_id ?? '', options.client_id ?? '', { certificatePath: path }, authority);
  }
  return new DefaultAzureCredential({
    ...authority,
    ...(options.tenant_id !== undefined ? { tenantId: options.tenant_id } : {}),
    ...(options.client_id !== undefined ? { managedIdentityClientId: options.client_id } : {}),
  });
}

/** The openKMS KeyBackend over Azure Key Vault / Managed HSM secp256k1 keys (EC P-256K, ES256K). No ed25519: Key Vault has none. */
export function createAzureKeyVaultBackend(
  options: AzureKeyVaultOptions,
  context: KeyBackendContext,
  overrides: AzureKeyVaultBackendOverrides = {},
): AzureKeyVaultBackend {
  const timeoutMs = options.timeout_ms ?? 10_000;
  const maxAttempts = options.max_attempts ?? 4;
  const tagName = options.tag_name ?? 'openkms';
  const credential = overrides.credential ?? credentialFromOptions(options, context.configDir);
  const clientOptions: KeyClientOptions = {
    retryOptions: { maxRetries: 0 }, // retries are ours: one deadline, our backoff, our events
    ...(overrides.additionalPolicies ? { additionalPolicies: overrides.additionalPolicies } : {}),
    ...(overrides.disableChallengeResourceVerification || options.disable_challenge_resource_verification === true
      ? { disableChallengeResourceVerification: true }
      : {}),
  };
  const client = new KeyClient(options.vault_url, credential, clientOptions);
  const device = `azure-key-vault:${new URL(options.vault_url).host}`;
  const keys = new Map<string, KeyInfo>();

  const caller = createServiceCaller({
    service: 'Azure Key Vault',
    context,
    timeoutMs,
    maxAttempts,
    baseDelayMs: overrides.retryBaseDelayMs ?? 100,
    retryable: retryVerdict,
    errorLabel: errorLabel,
    toOpenKmsError,
  });
  const { call, setUp } = caller;

  function keyName(key: KeyRef): string {
    if (typeof key?.id !== 'string' || !KEY_NAME.test(key.id)) throw openKmsError('invalid_request', 'Azure Key Vault key name must be 1–127 of [0-9A-Za-z-]');
    return key.id;
  }

  function infoFromKey(name: string, key: KeyVaultKey): KeyInfo {
    const jwk = key.key;
    if (!jwk || (jwk.kty !== 'EC' && jwk.kty !== 'EC-HSM') || jwk.crv !== 'P-256K' || !jwk.x || !jwk.y || !key.id)
      throw openKmsError('key_not_found', 'the Azure Key Vault key is not an EC P-256K (secp256k1) key', {
        backend: context.name,
        key_id: name,
        kty: jwk?.kty ?? null,
        crv: jwk?.crv ?? null,
      });
    if (key.properties.enabled === false)
      throw openKmsError('backend_error', 'the Azure Key Vault key is disabled', { backend: context.name, key_id: name, reason: 'key_disabled' });
    if (jwk.keyOps && !jwk.keyOps.includes('sign'))
      throw openKmsError('backend_error', 'the Azure Key Vault key does not permit sign', {
        backend: context.name,
        key_id: name,
        reason: 'sign_not_permitted',
      });
    let publicKey: Uint8Array;
    try {
      publicKey = compressSecp256k1PublicKey(Uint8Array.from([0x04, ...jwk.x, ...jwk.y]));
    } catch {
      throw openKmsError('backend_error', 'Azure Key Vault returned a malformed public key', { backend: context.name, key_id: name });
    }
    return { publicKey, kid: key.id, crypto: new CryptographyClient(key.id, credential, clientOptions) };
  }

  async function keyInfo(name: string): Promise<KeyInfo> {
    const cached = keys.get(name);
    if (cached) return cached;
    const key = await call('getKey', (abortSignal) => client.getKey(name, { abortSignal }), { key_id: name });
    const info = infoFromKey(name, key);
    keys.set(name, info);
    return info;
  }

  return {
    kind: 'azure-key-vault',

    async listKeys(): Promise<readonly BackendKey[]> {
      const tagged = await call('listPropertiesOfKeys', async (abortSignal) => {
        const out: { name: string; label: string }[] = [];
        for await (const p of client.listPropertiesOfKeys({ abortSignal })) {
          const value = p.tags?.[tagName];
          if (value === undefined || p.enabled === false || (options.tag_value !== undefined && value !== options.tag_value)) continue;
          out.push({ name: p.name, label: value || p.name });
        }
        return out;
      });
      const out: BackendKey[] = [];
      for (const { name, label } of tagged) {
        let info: KeyInfo;
        try {
          info = await keyInfo(name);
        } catch (err) {
          if (isOpenKmsError(err) && (err.code === 'key_not_found' || err.context.reason === 'key_disabled' || err.context.reason === 'sign_not_permitted')) {
            context.log('debug', 'Azure Key Vault key skipped in discovery', { backend: context.name, key_id: name, reason: err.code });
            continue;
          }
          throw err;
        }
        out.push({ id: name, curve: 'secp256k1', publicKey: info.publicKey.slice(), backendLabel: label });
      }
      return out.sort((a, b) => a.id.localeCompare(b.id));
    },

    /**
     * createKey: an EC P-256K key (key_ops sign, verify) named `label`, tagged `<tag_name> = <tag_value or label>` so
     * discovery lists it. Key Vault's create adds a new version to an existing name, so a taken name is refused
     * (conflict) before anything is created; so is a deleted-but-recoverable one (Key Vault answers 409).
     */
    async generateKey(request: GenerateKeyRequest): Promise<BackendKey> {
      if (request.curve !== 'secp256k1')
        throw openKmsError('invalid_request', 'Azure Key Vault creates secp256k1 (EC P-256K) keys only: it has no ed25519', {
          backend: context.name,
          curve: request.curve,
        });
      const name = keyName({ id: request.label });
      const conflict = (): Error =>
        openKmsError('conflict', `Azure Key Vault already holds a key named ${name}`, { backend: context.name, key_id: name, reason: 'object_exists' });
      let taken = true;
      try {
        await call('getKey', (abortSignal) => client.getKey(name, { abortSignal }), { key_id: name });
      } catch (err) {
        if (!isOpenKmsError(err) || err.code !== 'key_not_found') throw err;
        taken = false;
      }
      if (taken) throw conflict();
      let created: KeyVaultKey;
      try {
        created = await call(
          'createKey',
          (abortSignal) =>
            client.createEcKey(name, {
              curve: 'P-256K',
              keyOps: ['sign', 'verify'],
              enabled: true,
              tags: { [tagName]: options.tag_value ?? name },
              abortSignal,
            }),
          { key_id: name },
        );
      } catch (err) {
        if (isOpenKmsError(err) && err.context.http_status === 409) throw conflict(); // deleted but recoverable under that name
        throw err;
      }
      const info = infoFromKey(name, created);
      keys.set(name, info);
      return { id: name, curve: 'secp256k1', publicKey: info.publicKey.slice(), backendLabel: options.tag_value || name };
    },

    async getPublicKey(key: KeyRef): Promise<Uint8Array> {
      return (await keyInfo(keyName(key))).publicKey.slice();
    },

    async signEd25519(key: KeyRef): Promise<Uint8Array> {
      throw openKmsError('invalid_request', 'Azure Key Vault has no ed25519 keys', {
        backend: context.name,
        key_id: typeof key?.id === 'string' ? key.id : null,
        curve: 'ed25519',
      });
    },

    async signSecp256k1(key: KeyRef, digest: Uint8Array, signOptions?: SignOptions): Promise<Secp256k1Signature> {
      const name = keyName(key);
      if (!(digest instanceof Uint8Array) || digest.length !== 32) throw openKmsError('invalid_request', 'secp256k1 digest must be 32 bytes');
      const info = await keyInfo(name);
      const result = await call('sign', (abortSignal) => info.crypto.sign('ES256K', digest, { abortSignal }), { key_id: name });
      const raw = result.result;
      const out =
        raw instanceof Uint8Array && raw.length === 64
          ? normalizeSecp256k1Signature(
              BigInt(`0x${Buffer.from(raw.subarray(0, 32)).toString('hex')}`),
              BigInt(`0x${Buffer.from(raw.subarray(32)).toString('hex')}`),
              digest,
              info.publicKey,
            )
          : undefined;
      if (!out)
        throw openKmsError('signature_verification_failed', 'Azure Key Vault returned a secp256k1 signature that does not verify', {
          backend: context.name,
          key_id: name,
          reason: raw instanceof Uint8Array && raw.length === 64 ? 'does_not_verify' : 'malformed',
        });
      signOptions?.onProvenance?.({ keyId: name, device });
      return out;
    },

    provenance(key: KeyRef): SignProvenance {
      return { keyId: key.id, device, backend: context.name };
    },

    async health(): Promise<BackendHealth> {
      try {
        await call(
          'listPropertiesOfKeys',
          async (abortSignal) => {
            const page = client.listPropertiesOfKeys({ abortSignal }).byPage({ maxPageSize: 1 });
            await page.next();
          },
          {},
          Math.min(timeoutMs, 3000),
        );
        return { up: true, simulated: false, detail: { vault: new URL(options.vault_url).host } };
      } catch (err) {
        setUp(false);
        return { up: false, simulated: false, detail: { vault: new URL(options.vault_url).host, error: isOpenKmsError(err) ? err.code : 'backend_error' } };
      }
    },

    async close(): Promise<void> {
      caller.close();
    },
  };
}
