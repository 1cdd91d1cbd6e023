import type { KeyPolicy } from '@openkms/policy';

/** `[state.redis]`: where the fleet's shared state lives (file paths absolute). */
export interface RedisStateConfig {
  readonly url: string;
  readonly keyPrefix: string;
  readonly username?: string;
  readonly passwordFile?: string;
  readonly leaseMs: number;
  readonly commandTimeoutMs: number;
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string; readonly rejectUnauthorized?: boolean };
}

/** The signer configuration after validation, with defaults applied and file paths made absolute. */
export interface SignerConfig {
  readonly file: string;
  readonly dir: string;
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly maxBodyBytes: number;
    readonly requestTimeoutMs: number;
    readonly maxInFlight: number;
    readonly maxInFlightPerBackend: number;
    readonly shutdownGraceMs: number;
    /** `[server.tls]`: native HTTPS (and mutual TLS with a client CA); absent = plain HTTP. */
    readonly tls?: ServerTlsConfig;
  };
  readonly logging: { readonly level: string; readonly file?: string };
  /**
   * `publicKeys`: GET /keys answers without a token (the original openKMS's behaviour; off by default).
   * `deniedPerMinute`: refused sign requests a token may make per minute before it is refused cheaply (429).
   */
  readonly auth: { readonly tokenFile: string; readonly metricsRequireAuth: boolean; readonly publicKeys: boolean; readonly deniedPerMinute: number };
  readonly audit: { readonly dir: string; readonly keyFile: string; readonly maxBytes?: number; readonly daily: boolean };
  /**
   * `file`: kill switches and overlays (memory kind). `kind = "redis"`: fleet mode, the state is shared through Redis
   * (`redis`), and this instance's audit files go to `<audit.dir>/<instanceId>`.
   */
  readonly state: {
    readonly file: string;
    readonly kind: 'memory' | 'redis';
    readonly instanceId: string;
    readonly redis?: RedisStateConfig;
  };
  /** Where changes of held approvals are POSTed (HMAC-SHA256 of the body with the secret file's content). */
  readonly approvals?: { readonly webhookUrl: string; readonly webhookSecretFile: string };
  /** maxBytes: the estimated size of the cached responses (their JSON), default 16 MiB. */
  readonly replay: { readonly maxEntries: number; readonly maxBytes: number; readonly ttlSecs: number };
  /**
   * `[pairing]`: agents ask for a token at POST /pairing (no auth); an admin approves with the code the agent shows.
   * Bounded: requests per client address and overall per minute, and pending pairings at once.
   */
  readonly pairing: {
    readonly enabled: boolean;
    readonly ttlSecs: number;
    readonly maxPending: number;
    readonly perIpPerMinute: number;
    readonly perMinute: number;
  };
  /** Key backends by name (`[backends.<name>]`; the old `[backend.yubihsm]` table is the backend named "yubihsm"). */
  readonly backends: Readonly<Record<string, BackendConfig>>;
  /** The old `[backend.yubihsm]` table as read (defaults applied); its backend is `backends.yubihsm` unless `[backends]` replaces it. */
  readonly backend: {
    readonly kind: 'yubihsm';
    readonly yubihsm: {
      readonly connectors: readonly string[];
      readonly authKeyId: number;
      readonly passwordFile: string;
      /** How the password file spells the password: its UTF-8 text, or hex of raw bytes (ceremony-derived passwords). */
      readonly passwordEncoding: 'utf8' | 'hex';
      readonly poolSize: number;
      readonly commandTimeoutMs: number;
      readonly allowSimulated: boolean;
      readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string; readonly rejectUnauthorized?: boolean };
    };
  };
  readonly plugins: {
    /** Package names to load; undefined = every first-party plugin found. */
    readonly enabled?: readonly string[];
    readonly searchPaths: readonly string[];
    readonly options: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  };
  readonly keys: Readonly<Record<string, KeyConfig>>;
  /** `[networks.<name>]`: the networks POST /rpc/<chain>/<name> serves (see NetworkConfig). */
  readonly networks: Readonly<Record<string, NetworkConfig>>;
  /** The raw validated TOML object, for reload comparison and policy parsing. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/**
 * A config file as read and checked against the signer's schema, before its keys are checked by their chain plugins
 * (`bindConfig`): each key's options and policy are still as written.
 */
export interface LoadedConfig extends Omit<SignerConfig, 'keys'> {
  readonly keys: Readonly<Record<string, UnboundKeyConfig>>;
}

export interface UnboundKeyConfig extends Omit<KeyConfig, 'policy'> {
  /** The `[keys.<label>.policy]` table as written (validated with the key's chain plugin by `bindConfig`). */
  readonly policy: Readonly<Record<string, unknown>>;
}

/** One `[backends.<name>]` table. */
export interface BackendConfig {
  readonly name: string;
  readonly kind: string;
  /** The table minus `kind`, as written (snake_case); checked with the plugin's optionsSchema. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Dotted path of the table in the config file, for errors: `backends.<name>` or `backend.yubihsm`. */
  readonly path: string;
}

export interface KeyConfig {
  readonly label: string;
  readonly chain: string;
  /** The backend's name (`[backends.<name>]`). */
  readonly backend: string;
  readonly keyId: string;
  readonly derivationPath?: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** The key's policy, parsed and normalised by @openkms/policy, its ids checked by the key's chain plugin. */
  readonly policy: KeyPolicy;
}

/**
 * A JSON-RPC network (`[networks.<name>]`): its chain plugin, the upstream node (operator-trusted) and the chain's own
 * settings (every other field of the table, e.g. an EVM `chain_id`, checked with the plugin's networkOptionsSchema).
 */
export interface NetworkConfig {
  readonly name: string;
  readonly chain: string;
  readonly upstream: string;
  /** How long one upstream call may take before it is given up (`rpc_unavailable`). Default 5000. */
  readonly upstreamTimeoutMs: number;
  readonly options: Readonly<Record<string, unknown>>;
}

/** `[server.tls]`, paths absolute. */
export interface ServerTlsConfig {
  readonly certFile: string;
  readonly keyFile: string;
  /** Set: every client must present a certificate issued by this CA (mutual TLS). */
  readonly clientCaFile?: string;
  /** Client certificates that authenticate without a bearer token (mutual TLS only). */
  readonly clientIdentities: readonly ClientIdentityConfig[];
}

/** `[[server.tls.client_identities]]`: a client certificate matched by subject CN or SHA-256 fingerprint. */
export interface ClientIdentityConfig {
  readonly name: string;
  readonly subjectCn?: string;
  /** Upper-case hex with colons (as Node's `fingerprint256` spells it). */
  readonly fingerprintSha256?: string;
  readonly scopes: readonly string[];
}
