import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ErrorCode, isOpenKmsError, openKmsError, type ChainGateway, type ChainSigner, type GatewayContract } from '@openkms/core';
import { writeFileAtomicSync } from '@openkms/policy';
import type { TokenIdentity } from '../auth/token-store.js';
import { checkGatewayContracts } from '../config/check-gateway.js';
import type { SignerConfig } from '../config/signer-config.js';

/** A registered contract and where it comes from (config contracts cannot be changed through the admin API). */
export interface RegisteredContract {
  readonly contract: GatewayContract;
  readonly source: 'config' | 'admin';
}

/** The REST gateway's contract registry: `[gateway.contracts.<name>]` plus the contracts registered by admins. */
export interface GatewayServices {
  list(): readonly RegisteredContract[];
  get(name: string): RegisteredContract | undefined;
  /** The chain gateway hook serving a contract (the chain of its network). */
  gatewayOf(contract: GatewayContract): ChainGateway;
  /** POST /admin/gateway/contracts: checks, persists (atomically, beside the state file), audits. */
  register(body: Readonly<Record<string, unknown>>, actor: TokenIdentity, requestId: string): Promise<RegisteredContract & { replaced: boolean }>;
  /** DELETE /admin/gateway/contracts/<name>: an admin-registered contract only. */
  remove(name: string, actor: TokenIdentity, requestId: string): Promise<void>;
}

export type AdminAuditor = (actor: TokenIdentity, requestId: string, action: string, details: Record<string, unknown>) => Promise<unknown>;

/** Names a contract may have (a route segment); `receipts` is GET /gateway/receipts/<hash>. */
export const CONTRACT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

interface StoredContract {
  readonly network: string;
  readonly address: string;
  readonly abi: readonly unknown[];
}

/** The file admin-registered contracts are kept in: `gateway-contracts.json` in the state file's directory. */
export function gatewayContractsFile(config: Pick<SignerConfig, 'state'>): string {
  return join(dirname(config.state.file), 'gateway-contracts.json');
}

function readStored(file: string): Record<string, StoredContract> {
  let text: string;
  try {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o022) !== 0)
      throw openKmsError(ErrorCode.insecureFile, `gateway contracts file ${file} is writable by group or others (chmod 600 it)`, { file });
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw openKmsError(ErrorCode.configInvalid, `gateway contracts file ${file} is not valid JSON`, { file, path: 'gateway_contracts' });
  }
  const r = raw as { version?: unknown; contracts?: unknown };
  if (r === null || typeof r !== 'object' || r.version !== 1 || typeof r.contracts !== 'object' || r.contracts === null)
    throw openKmsError(ErrorCode.configInvalid, `gateway contracts file ${file}: want {"version": 1, "contracts": {...}}`, { file, path: 'gateway_contracts' });
  return r.contracts as Record<string, StoredContract>;
}

/**
 * Builds the contract registry. Config contracts follow config reloads (they were checked by bindConfig); admin
 * contracts are read at start (a bad file stops the start: config_invalid naming the entry) and checked again.
 */
export function createGatewayServices(opts: {
  config: () => SignerConfig;
  chains: ReadonlyMap<string, ChainSigner<any, any>>;
  audit: AdminAuditor;
}): GatewayServices {
  const { chains } = opts;
  const file = gatewayContractsFile(opts.config());
  const fromConfig = new WeakMap<SignerConfig, GatewayContract[]>();
  const configContracts = () => {
    const config = opts.config();
    let list = fromConfig.get(config);
    if (list === undefined) {
      list = checkGatewayContracts(config, chains).contracts;
      fromConfig.set(config, list);
    }
    return list;
  };

  /** A registration checked against the current config: network with a gateway hook, address, ABI. */
  const check = (name: string, c: Readonly<Record<string, unknown>>, where: string, code: ErrorCode): GatewayContract => {
    if (!CONTRACT_NAME.test(name) || name === 'receipts')
      throw openKmsError(code, `${where}: contract names are 1-64 letters, digits, _ or - (and not "receipts")`, { path: where });
    const network = opts.config().networks[String(c.network)];
    if (network === undefined) throw openKmsError(code, `${where}.network: no network ${String(c.network)} is configured`, { path: `${where}.network` });
    const gateway = chains.get(network.chain)?.gateway;
    if (gateway === undefined) throw openKmsError(code, `${where}.network: chain ${network.chain} has no REST gateway`, { path: `${where}.network` });
    const address = gateway.checkAddress(c.address, `${where}.address`);
    const abi = gateway.checkAbi(c.abi, `${where}.abi`);
    return { name, network: network.name, address, abi };
  };

  const stored = readStored(file);
  const admin = new Map<string, GatewayContract>();
  for (const [name, c] of Object.entries(stored)) {
    try {
      admin.set(name, check(name, c as unknown as Record<string, unknown>, `gateway_contracts.${name}`, ErrorCode.configInvalid));
    } catch (err) {
      if (isOpenKmsError(err)) throw openKmsError(ErrorCode.configInvalid, `${file}: ${err.message}`, { ...err.context, file });
      throw err;
    }
  }
  const persist = (next: Map<string, GatewayContract>) => {
    const contracts: Record<string, StoredContract> = {};
    for (const [name, c] of [...next].sort(([a], [b]) => a.localeCompare(b))) contracts[name] = { network: c.network, address: c.address, abi: c.abi };
    try {
      writeFileAtomicSync(file, `${JSON.stringify({ version: 1, contracts }, null, 2)}\n`, 0o600);
    } catch (err) {
      throw openKmsError(ErrorCode.stateWriteFailed, `cannot write the gateway contracts file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
        file,
      });
    }
  };

  const self: GatewayServices = {
    list() {
      return [
        ...configContracts().map((contract) => ({ contract, source: 'config' as const })),
        ...[...admin.values()].map((contract) => ({ contract, source: 'admin' as const })),
      ];
    },
    get(name) {
      const c = configContracts().find((x) => x.name === name);
      if (c) return { contract: c, source: 'config' };
      const a = admin.get(name);
      return a ? { contract: a, source: 'admin' } : undefined;
    },
    gatewayOf(contract) {
      const network = opts.config().networks[contract.network];
      const gateway = network === undefined ? undefined : chains.get(network.chain)?.gateway;
      if (gateway === undefined)
        throw openKmsError(ErrorCode.unknownContract, `contract ${contract.name}'s network ${contract.network} is no longer configured`, {
          contract: contract.name,
        });
      return gateway;
    },
    async register(body, actor, requestId) {
      const name = String(body.name);
      const details = { name, network: String(body.network), address: String(body.address) };
      try {
        if (configContracts().some((c) => c.name === name))
          throw openKmsError(ErrorCode.conflict, `contract ${name} is defined in the config file ([gateway.contracts.${name}]); change it there`, { name });
        // the chain's ABI checks live in code its plugin imports lazily: load it first (a no-op once loaded)
        const network = opts.config().networks[String(body.network)];
        if (network !== undefined) await chains.get(network.chain)?.prepare?.();
        const contract = check(name, body, 'body', ErrorCode.invalidRequest);
        const replaced = admin.has(name);
        const next = new Map(admin).set(name, contract);
        persist(next);
        admin.set(name, contract);
        await opts.audit(actor, requestId, 'gateway_contract_register', {
          ...details,
          address: contract.address,
          replaced,
          functions: contract.abi.length,
          ok: true,
        });
        return { contract, source: 'admin', replaced };
      } catch (err) {
        if (isOpenKmsError(err) && err.code !== ErrorCode.auditWriteFailed)
          await opts.audit(actor, requestId, 'gateway_contract_register', { ...details, ok: false, code: err.code }).catch(() => undefined);
        throw err;
      }
    },
    async remove(name, actor, requestId) {
      if (configContracts().some((c) => c.name === name))
        throw openKmsError(ErrorCode.conflict, `contract ${name} is defined in the config file; remove it there`, { name });
      if (!admin.has(name)) throw openKmsError(ErrorCode.unknownContract, `no contract ${name} is registered`, { contract: name });
      const next = new Map(admin);
      next.delete(name);
      persist(next);
      admin.delete(name);
      await opts.audit(actor, requestId, 'gateway_contract_remove', { name, ok: true });
    },
  };
  return self;
}
