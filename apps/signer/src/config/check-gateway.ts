import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isOpenKmsError, type ChainSigner, type GatewayContract } from '@openkms/core';
import type { ConfigProblem } from './config-problems.js';
import type { NetworkConfig } from './signer-config.js';

/** The ABI in a JSON file: an ABI array, or a compiler / Hardhat / Foundry artifact whose `abi` field is one. */
export function abiOfJson(json: unknown): unknown {
  return json !== null && typeof json === 'object' && !Array.isArray(json) && 'abi' in json ? (json as { abi: unknown }).abi : json;
}

/**
 * The contracts of `[gateway.contracts.<name>]`, each checked: its network is configured and served by a chain plugin
 * with a gateway hook, its address and its ABI (read from `abi_file`, relative to the config file) are valid for that
 * chain. Every problem names the entry's dotted path (e.g. `gateway.contracts.token.abi_file`).
 */
export function checkGatewayContracts(
  config: { readonly raw: Readonly<Record<string, unknown>>; readonly dir: string; readonly networks: Readonly<Record<string, NetworkConfig>> },
  chains: ReadonlyMap<string, ChainSigner<any, any>>,
): { contracts: GatewayContract[]; problems: ConfigProblem[] } {
  const table = ((config.raw.gateway as { contracts?: unknown } | undefined)?.contracts ?? {}) as Record<string, Record<string, unknown>>;
  const contracts: GatewayContract[] = [];
  const problems: ConfigProblem[] = [];
  for (const [name, c] of Object.entries(table)) {
    const base = `gateway.contracts.${name}`;
    const network = config.networks[String(c.network)];
    if (network === undefined) {
      problems.push({ path: `${base}.network`, message: `${base}.network: no network ${String(c.network)} is configured ([networks.<name>])` });
      continue;
    }
    const gateway = chains.get(network.chain)?.gateway;
    if (gateway === undefined) {
      problems.push({ path: `${base}.network`, message: `${base}.network: chain ${network.chain} has no REST gateway` });
      continue;
    }
    try {
      const address = gateway.checkAddress(c.address, `${base}.address`);
      const file = String(c.abi_file);
      const path = isAbsolute(file) ? file : resolve(config.dir, file);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch (err) {
        const why = (err as NodeJS.ErrnoException).code ?? 'not valid JSON';
        problems.push({ path: `${base}.abi_file`, message: `${base}.abi_file: cannot read ${file} as JSON (${why})` });
        continue;
      }
      const abi = gateway.checkAbi(abiOfJson(json), `${base}.abi_file`);
      contracts.push({ name, network: network.name, address, abi });
    } catch (err) {
      if (!isOpenKmsError(err)) throw err;
      problems.push({ path: String(err.context.path ?? err.context.field ?? base), message: err.message });
    }
  }
  return { contracts, problems };
}
