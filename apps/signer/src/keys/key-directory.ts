import { ErrorCode, isOpenKmsError, openKmsError, toHex, type ChainKey, type ChainSigner } from '@openkms/core';
import type { KeyConfig } from '../config/signer-config.js';
import type { KeyBackendRouter, RoutedKeyRef } from './backend-router.js';

/** A configured key: what the config says, plus what the backend and the plugin told us once resolved. */
export interface KeyEntry {
  readonly config: KeyConfig;
  readonly plugin: ChainSigner<any, any>;
  resolved?: ChainKey;
}

/**
 * Labels → keys. Public keys are fetched from the backend once (at startup, or on first use when the backend was
 * down then) and checked against the plugin's curve. A key that cannot be resolved cannot sign.
 */
export class KeyDirectory {
  private readonly entries = new Map<string, KeyEntry>();

  constructor(
    keys: Readonly<Record<string, KeyConfig>>,
    chains: ReadonlyMap<string, ChainSigner<any, any>>,
    private readonly backend: KeyBackendRouter,
  ) {
    for (const [label, config] of Object.entries(keys)) {
      const plugin = pluginFor(label, config, chains);
      if (backend.get(config.backend) === undefined) {
        // backends start only with the signer: a reload cannot point a key at a backend that is not running
        throw openKmsError(
          ErrorCode.configInvalid,
          `keys.${label}.backend: the backend "${config.backend}" is not running (running: ${backend.names().join(', ')}; new backends need a restart)`,
          { path: `keys.${label}.backend` },
        );
      }
      this.entries.set(label, { config, plugin });
    }
  }

  labels(): string[] {
    return [...this.entries.keys()];
  }

  get(label: string): KeyEntry | undefined {
    return this.entries.get(label);
  }

  /** The chain key for `label`, resolving it through the backend if needed. */
  async resolve(label: string): Promise<ChainKey> {
    const entry = this.entries.get(label);
    if (!entry) throw openKmsError(ErrorCode.unknownLabel, `unknown label ${label}`, { label });
    if (entry.resolved) return entry.resolved;
    const ref: RoutedKeyRef = { id: entry.config.keyId, backend: entry.config.backend };
    let publicKey: Uint8Array;
    try {
      publicKey = await this.backend.getPublicKey(ref);
    } catch (err) {
      if (isOpenKmsError(err)) throw err;
      throw openKmsError(ErrorCode.backendError, `cannot read the public key of ${label}`, { label, key_id: ref.id }, err);
    }
    const expectedLength = entry.plugin.curve === 'ed25519' ? 32 : 33;
    if (publicKey.length !== expectedLength) {
      throw openKmsError(ErrorCode.keyNotFound, `key ${ref.id} of ${label} is not a ${entry.plugin.curve} key`, { label, key_id: ref.id });
    }
    const options = entry.config.options;
    entry.resolved = {
      label,
      chain: entry.config.chain,
      curve: entry.plugin.curve,
      ref,
      publicKey,
      address: entry.plugin.address(publicKey, options),
      options,
    };
    return entry.resolved;
  }

  /** Resolves every key; failures are returned, not thrown (the signer can start with the backend down). */
  async resolveAll(): Promise<{ label: string; error: unknown }[]> {
    const failures: { label: string; error: unknown }[] = [];
    for (const label of this.entries.keys()) {
      try {
        await this.resolve(label);
      } catch (error) {
        failures.push({ label, error });
      }
    }
    return failures;
  }

  /** Replaces the key set (config reload); keeps resolved keys whose chain and key id did not change. */
  replace(keys: Readonly<Record<string, KeyConfig>>, chains: ReadonlyMap<string, ChainSigner<any, any>>): KeyDirectory {
    const next = new KeyDirectory(keys, chains, this.backend);
    for (const [label, entry] of next.entries) {
      const old = this.entries.get(label);
      if (
        old?.resolved &&
        old.config.keyId === entry.config.keyId &&
        old.config.backend === entry.config.backend &&
        old.config.chain === entry.config.chain &&
        JSON.stringify(old.config.options) === JSON.stringify(entry.config.options)
      ) {
        entry.resolved = old.resolved;
      }
    }
    return next;
  }
}

export function publicKeyHex(key: ChainKey): string {
  return toHex(key.publicKey);
}

/** The loaded plugin that serves a configured key's chain; config_invalid naming `keys.<label>.chain` otherwise. */
export function pluginFor(label: string, config: KeyConfig, chains: ReadonlyMap<string, ChainSigner<any, any>>): ChainSigner<any, any> {
  const plugin = chains.get(config.chain);
  if (!plugin) {
    throw openKmsError(
      ErrorCode.configInvalid,
      `keys.${label}.chain: no loaded plugin serves chain "${config.chain}" (loaded: ${[...chains.keys()].join(', ') || 'none'})`,
      {
        path: `keys.${label}.chain`,
      },
    );
  }
  return plugin;
}
