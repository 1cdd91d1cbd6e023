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
    if (typeof c !== 'object' || c === null || Array.isArray(c)) {
      problems.push({ path: base, message: `${base}: must be a table (network, address, abi_file)` });
      continue;
    }
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
    // the address and the ABI are checked independently: every problem of the entry is reported
    let address: string | undefined;
    let abi: readonly unknown[] | undefined;
    try {
      address = gateway.checkAddress(c.address, `${base}.address`);
    } catch (err) {
      problems.push(problemOf(err, `${base}.address`));
    }
    try {
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
      abi = gateway.checkAbi(abiOfJson(json), `${base}.abi_file`);
    } catch (err) {
      problems.push(problemOf(err, `${base}.abi_file`));
    }
    if (address !== undefined && abi !== undefined) contracts.push({ name, network: network.name, address, abi });
  }
  return { contracts, problems };
}

function problemOf(err: unknown, where: string): ConfigProblem {
  if (!isOpenKmsError(err)) throw err;
  return { path: String(err.context.path ?? err.context.field ?? where), message: err.message };
}

/**
 * Every problem of the `[gateway.contracts.<name>]` entries of a raw (possibly schema-invalid) config, for
 * `openkms config check`: networks are read from the raw `[networks]` table. The chains serving those networks must
 * be prepared (their gateway hook's ABI checks may be loaded lazily).
 */
export function rawGatewayProblems(raw: Readonly<Record<string, unknown>>, dir: string, chains: ReadonlyMap<string, ChainSigner<any, any>>): ConfigProblem[] {
  const networks: Record<string, NetworkConfig> = {};
  const table = raw.networks;
  if (typeof table === 'object' && table !== null && !Array.isArray(table)) {
    for (const [name, n] of Object.entries(table as Record<string, unknown>)) {
      if (typeof n !== 'object' || n === null || Array.isArray(n)) continue;
      const { chain, upstream, upstream_timeout_ms: _t, ...options } = n as Record<string, unknown>;
      if (typeof chain === 'string') networks[name] = { name, chain, upstream: String(upstream), upstreamTimeoutMs: 0, options };
    }
  }
  const gateway = raw.gateway;
  if (typeof gateway !== 'object' || gateway === null || Array.isArray(gateway)) return [];
  const contracts = (gateway as { contracts?: unknown }).contracts;
  if (typeof contracts !== 'object' || contracts === null || Array.isArray(contracts)) return [];
  return checkGatewayContracts({ raw, dir, networks }, chains).problems;
}

/** The chains whose gateway hooks the `[gateway.contracts]` of a raw config use (to prepare before checking them). */
export function rawGatewayChains(raw: Readonly<Record<string, unknown>>): string[] {
  const networks = (raw.networks ?? {}) as Record<string, { chain?: unknown } | undefined>;
  const contracts = ((raw.gateway as { contracts?: unknown } | undefined)?.contracts ?? {}) as Record<string, { network?: unknown } | undefined>;
  const out = new Set<string>();
  if (typeof contracts !== 'object' || contracts === null) return [];
  for (const c of Object.values(contracts)) {
    const chain = typeof c === 'object' && c !== null ? networks[String(c.network)]?.chain : undefined;
    if (typeof chain === 'string') out.add(chain);
  }
  return [...out];
}
