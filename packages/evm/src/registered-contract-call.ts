import type { DecodeContract } from '@openkms/core';
import { decodeFunctionData, encodeFunctionData, toFunctionSelector } from 'viem/utils';
import type { AbiFunction, Address, Hex } from 'viem';
import { abiFunctions, functionSignature } from './gateway-abi.js';
import { fromTupleValue } from './gateway-values.js';
import { parseQuantity } from './quantity.js';

/** A function of a registered contract's ABI, found by the call's selector. */
export interface RegisteredFunction {
  /** The registered contract's name. */
  readonly contractName: string;
  readonly fn: AbiFunction;
  /** Its canonical signature, e.g. `transfer(address,uint256)`. */
  readonly signature: string;
}

/** What a registered ABI makes of a call's data: its arguments as JSON, or undefined when the data does not decode strictly. */
export interface RegisteredCallArgs {
  readonly args: Readonly<Record<string, unknown>>;
}

/** Lower-case selector → function, per ABI array (registrations keep their ABI object, so this is built once each). */
const bySelector = new WeakMap<readonly unknown[], ReadonlyMap<string, AbiFunction>>();

function functionsBySelector(abi: readonly unknown[]): ReadonlyMap<string, AbiFunction> {
  let map = bySelector.get(abi);
  if (map === undefined) {
    const m = new Map<string, AbiFunction>();
    for (const fn of abiFunctions(abi)) {
      try {
        const selector = toFunctionSelector(fn).toLowerCase();
        if (!m.has(selector)) m.set(selector, fn);
      } catch {
        // an item viem cannot format is never matched
      }
    }
    map = m;
    bySelector.set(abi, map);
  }
  return map;
}

const chainIdOf = (options: Readonly<Record<string, unknown>>): bigint | undefined => parseQuantity(options.chain_id, 'chain_id', 256, true);

/**
 * The function a call of `selector` to `to` on chain `chainId` invokes, by the ABI of a contract the operator
 * registered at that address on a network of that chain id (the first registration whose ABI has the selector).
 * Undefined when no registered contract has it: the call stays opaque (an unknown action).
 */
export function findRegisteredFunction(
  contracts: readonly DecodeContract[] | undefined,
  to: Address,
  chainId: number | bigint,
  selector: string,
): RegisteredFunction | undefined {
  if (contracts === undefined || contracts.length === 0) return undefined;
  const address = to.toLowerCase();
  const chain = BigInt(chainId);
  for (const c of contracts) {
    if (c.address.toLowerCase() !== address || chainIdOf(c.networkOptions) !== chain) continue;
    const fn = functionsBySelector(c.abi).get(selector.toLowerCase());
    if (fn !== undefined) return { contractName: c.name, fn, signature: functionSignature(fn) };
  }
  return undefined;
}

/**
 * Decodes `data` by the registered function, strictly: the arguments must re-encode to exactly `data` (otherwise
 * undefined, and the caller flags the call undecodable). Arguments are JSON-safe (see ContractCall.args).
 */
export function decodeRegisteredCall(registered: RegisteredFunction, data: Hex): RegisteredCallArgs | undefined {
  const { fn } = registered;
  try {
    const decoded = decodeFunctionData({ abi: [fn], data });
    const args = (decoded.args ?? []) as readonly unknown[];
    if (encodeFunctionData({ abi: [fn], functionName: fn.name, args }).toLowerCase() !== data.toLowerCase()) return undefined;
    return { args: fromTupleValue(fn.inputs, args) };
  } catch {
    return undefined;
  }
}
