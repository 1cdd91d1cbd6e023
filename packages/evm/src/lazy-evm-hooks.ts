import { ErrorCode, openKmsError, type ChainGateway, type ChainRpc } from '@openkms/core';
import { EVM_RPC_PASSTHROUGH_METHODS, EVM_RPC_SIGNER_METHODS } from './rpc-passthrough-methods.js';
import { evmRpcNetworkOptionsSchema } from './rpc-network-options.js';

/**
 * The JSON-RPC and REST gateway hooks of the light plugin entry (plugin.ts): what the signer reads at start-up
 * (network options schema, method lists) is here; the code that needs viem (evm-json-rpc.ts, evm-gateway.ts) is
 * imported on first use or by `load()` (the plugin's `prepare()`).
 *
 * The gateway's synchronous methods (ABI checks, method lists, OpenAPI) need that code loaded: the signer calls the
 * chain's `prepare()` before it checks gateway contracts. Called earlier, they fail closed (`internal_error`).
 */
export interface LazyEvmHooks {
  readonly rpc: ChainRpc;
  readonly gateway: ChainGateway;
  load(): Promise<void>;
}

export function lazyEvmHooks(): LazyEvmHooks {
  let rpc: ChainRpc | undefined;
  let gateway: ChainGateway | undefined;
  let loading: Promise<void> | undefined;
  const load = (): Promise<void> =>
    (loading ??= Promise.all([import('./evm-json-rpc.js'), import('./evm-gateway.js')])
      .then(([r, g]) => {
        rpc = r.createEvmJsonRpc();
        gateway = g.createEvmGateway();
      })
      .catch((err: unknown) => {
        loading = undefined;
        throw openKmsError(
          ErrorCode.internal,
          `the evm plugin's JSON-RPC and gateway code could not be loaded (${String((err as Error)?.message ?? err).split('\n')[0]})`,
          {
            chain: 'evm',
          },
        );
      }));
  const loaded = (): ChainGateway => {
    if (gateway === undefined) throw openKmsError(ErrorCode.internal, 'the evm gateway code is not loaded yet (the chain was not prepared)', { chain: 'evm' });
    return gateway;
  };
  return {
    load,
    rpc: {
      networkOptionsSchema: evmRpcNetworkOptionsSchema,
      methods: EVM_RPC_SIGNER_METHODS,
      passthrough: EVM_RPC_PASSTHROUGH_METHODS,
      async handle(call, ctx) {
        await load();
        return rpc!.handle(call, ctx);
      },
    },
    gateway: {
      checkAbi: (abi, where) => loaded().checkAbi(abi, where),
      checkAddress: (address, where) => loaded().checkAddress(address, where),
      methods: (abi) => loaded().methods(abi),
      method: (contract, method) => loaded().method(contract, method),
      openapi: (contract, serverUrl) => loaded().openapi(contract, serverUrl),
      async send(inv, ctx) {
        await load();
        return gateway!.send(inv, ctx);
      },
      async call(inv, ctx) {
        await load();
        return gateway!.call(inv, ctx);
      },
      async receipt(hash, contracts, ctx) {
        await load();
        return gateway!.receipt(hash, contracts, ctx);
      },
    },
  };
}
