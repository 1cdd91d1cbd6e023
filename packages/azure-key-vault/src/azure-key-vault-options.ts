import type { JsonSchema } from '@openkms/core';

/** `[backends.<name>]` options of `kind = "azure-key-vault"` (snake_case, as written in TOML). */
export interface AzureKeyVaultOptions {
  /** The vault (or Managed HSM) URL, e.g. "https://my-vault.vault.azure.net". */
  readonly vault_url: string;
  /** Entra ID tenant (client secret / certificate auth; optional hint for the default chain). */
  readonly tenant_id?: string;
  /** App registration client id (secret / certificate auth), or the user-assigned managed identity's client id. */
  readonly client_id?: string;
  /** File holding the client secret (0600). With tenant_id and client_id. */
  readonly client_secret_file?: string;
  /** PEM file holding the client certificate and its private key (0600). With tenant_id and client_id. */
  readonly client_certificate_file?: string;
  /** Entra authority for sovereign clouds, e.g. "https://login.microsoftonline.us". */
  readonly authority_host?: string;
  /**
   * Skip MSAL's instance discovery (the authority-host check against login.microsoftonline.com): for private clouds
   * such as Azure Stack Hub, whose authority MSAL does not know. Default false.
   */
  readonly disable_instance_discovery?: boolean;
  /**
   * Skip the SDK's check that the vault host lies under the resource its authentication challenge names (e.g.
   * *.vault.azure.net): for a vault reached through a custom domain or private endpoint name. Default false (keep it).
   */
  readonly disable_challenge_resource_verification?: boolean;
  /** Discovery: keys carrying this tag. Default "openkms". */
  readonly tag_name?: string;
  /** Discovery: only keys whose tag has this value. */
  readonly tag_value?: string;
  /** Deadline per operation, retries included (ms). Default 10 000. */
  readonly timeout_ms?: number;
  /** Attempts per operation on 429 / 5xx / network faults (first try included). Default 4. */
  readonly max_attempts?: number;
}

export const azureKeyVaultOptionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['vault_url'],
  properties: {
    vault_url: { type: 'string', pattern: '^https://', description: 'Key Vault or Managed HSM URL.' },
    tenant_id: { type: 'string', minLength: 1, description: 'Entra ID tenant id.' },
    client_id: { type: 'string', minLength: 1, description: 'Client id of the app registration or user-assigned managed identity.' },
    client_secret_file: { type: 'string', minLength: 1, description: 'File holding the client secret.' },
    client_certificate_file: { type: 'string', minLength: 1, description: 'PEM file with the client certificate and key.' },
    authority_host: { type: 'string', pattern: '^https://', description: 'Entra authority host (sovereign clouds).' },
    disable_instance_discovery: { type: 'boolean', description: 'Skip MSAL instance discovery (private clouds). Default false.' },
    disable_challenge_resource_verification: {
      type: 'boolean',
      description: "Skip the SDK's check that the vault host lies under the challenge's resource (custom domains). Default false.",
    },
    tag_name: { type: 'string', minLength: 1, description: 'Discovery: keys carrying this tag. Default "openkms".' },
    tag_value: { type: 'string', description: 'Discovery: only keys whose tag has this value.' },
    timeout_ms: { type: 'integer', minimum: 100, maximum: 120000, description: 'Deadline per operation. Default 10000.' },
    max_attempts: { type: 'integer', minimum: 1, maximum: 10, description: 'Attempts on 429 / 5xx. Default 4.' },
  },
  dependentRequired: { client_secret_file: ['tenant_id', 'client_id'], client_certificate_file: ['tenant_id', 'client_id'] },
  not: { required: ['client_secret_file', 'client_certificate_file'] },
};
