import { ErrorCode, openKmsError, type GatewayContract, type GatewayMethod } from '@openkms/core';
import { formatAbiItem } from 'viem/utils';
import type { Abi, AbiEvent, AbiFunction, AbiParameter } from 'viem';

/** A Solidity type the gateway can encode: elementary types, tuples, and arrays of them (fixed or dynamic). */
const TYPE =
  /^(address|bool|string|bytes([1-9]|[12][0-9]|3[0-2])?|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)?|tuple)((\[[1-9][0-9]{0,5}\])|\[\])*$/;
const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const ITEM_TYPES = new Set(['function', 'event', 'error', 'constructor', 'fallback', 'receive']);
const MUTABILITY = new Set(['pure', 'view', 'nonpayable', 'payable']);
/** The largest ABI the gateway takes (items), against a registration that would make every route slow. */
export const MAX_ABI_ITEMS = 2000;

function bad(where: string, message: string): never {
  throw openKmsError(ErrorCode.abiInvalid, `${where}: ${message}`, { path: where });
}

function checkParams(params: unknown, where: string, depth = 0): void {
  if (!Array.isArray(params)) bad(where, 'must be an array of parameters');
  if (depth > 8) bad(where, 'tuples nested deeper than 8 levels');
  (params as unknown[]).forEach((p, i) => {
    const at = `${where}[${i}]`;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) bad(at, 'must be an object');
    const { type, name, components } = p as { type?: unknown; name?: unknown; components?: unknown };
    if (typeof type !== 'string' || !TYPE.test(type)) bad(`${at}.type`, `unsupported or invalid type ${JSON.stringify(type)}`);
    if (name !== undefined && name !== '' && (typeof name !== 'string' || !NAME.test(name))) bad(`${at}.name`, 'must be an identifier');
    if ((type as string).startsWith('tuple')) checkParams(components, `${at}.components`, depth + 1);
    else if (components !== undefined) bad(`${at}.components`, 'only tuples have components');
  });
}

/**
 * Checks a JSON ABI (the Solidity compiler's `abi` output, viem's `Abi` type): an array of function, event, error,
 * constructor, fallback and receive items with well-formed names and parameter types. Functions must say their
 * stateMutability (it decides between a signed transaction and a read). Throws `abi_invalid` naming `where` and the item.
 */
export function checkEvmAbi(abi: unknown, where: string): Abi {
  if (!Array.isArray(abi)) bad(where, 'must be a JSON array (a contract ABI)');
  if (abi.length > MAX_ABI_ITEMS) bad(where, `has more than ${MAX_ABI_ITEMS} items`);
  const signatures = new Set<string>();
  abi.forEach((item, i) => {
    const at = `${where}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) bad(at, 'must be an object');
    const it = item as Record<string, unknown>;
    if (typeof it.type !== 'string' || !ITEM_TYPES.has(it.type)) bad(`${at}.type`, `unknown ABI item type ${JSON.stringify(it.type)}`);
    if (it.type === 'function' || it.type === 'event' || it.type === 'error') {
      if (typeof it.name !== 'string' || !NAME.test(it.name)) bad(`${at}.name`, 'must be an identifier');
      checkParams(it.inputs, `${at}.inputs`);
    }
    if (it.type === 'constructor' && it.inputs !== undefined) checkParams(it.inputs, `${at}.inputs`);
    if (it.type === 'function') {
      checkParams(it.outputs ?? [], `${at}.outputs`);
      if (typeof it.stateMutability !== 'string' || !MUTABILITY.has(it.stateMutability))
        bad(`${at}.stateMutability`, 'must be pure, view, nonpayable or payable');
      const signature = formatAbiItem(it as unknown as AbiFunction);
      if (signatures.has(signature)) bad(at, `function ${signature} is declared twice`);
      signatures.add(signature);
    }
    if (it.type === 'event') {
      for (const [j, p] of (it.inputs as Record<string, unknown>[]).entries())
        if (p.indexed !== undefined && typeof p.indexed !== 'boolean') bad(`${at}.inputs[${j}].indexed`, 'must be true or false');
    }
  });
  return abi as Abi;
}

export const abiFunctions = (abi: readonly unknown[]): AbiFunction[] => (abi as Abi).filter((i): i is AbiFunction => i.type === 'function');
export const abiEvents = (abi: readonly unknown[]): AbiEvent[] => (abi as Abi).filter((i): i is AbiEvent => i.type === 'event');

/** The canonical signature of a function, e.g. `transfer(address,uint256)` (tuples written out). */
export function functionSignature(fn: AbiFunction): string {
  return formatAbiItem(fn);
}

const readOnly = (fn: AbiFunction) => fn.stateMutability === 'view' || fn.stateMutability === 'pure';

/** The functions of an ABI as the signer lists them. */
export function gatewayMethods(abi: readonly unknown[]): GatewayMethod[] {
  const fns = abiFunctions(abi);
  const count = new Map<string, number>();
  for (const f of fns) count.set(f.name, (count.get(f.name) ?? 0) + 1);
  return fns.map((f) => ({ name: f.name, signature: functionSignature(f), readOnly: readOnly(f), overloaded: (count.get(f.name) ?? 0) > 1 }));
}

/**
 * The function `method` names in the contract: a signature (`transfer(address,uint256)`, spaces ignored) or a name
 * that is not overloaded. Throws `unknown_method` (an overloaded name lists its signatures).
 */
export function resolveFunction(contract: GatewayContract, method: string): AbiFunction {
  const fns = abiFunctions(contract.abi);
  if (method.includes('(')) {
    const wanted = method.replace(/\s+/g, '');
    const fn = fns.find((f) => functionSignature(f) === wanted);
    if (fn) return fn;
  } else {
    const named = fns.filter((f) => f.name === method);
    if (named.length === 1) return named[0]!;
    if (named.length > 1) {
      const signatures = named.map(functionSignature);
      throw openKmsError(ErrorCode.unknownMethod, `${method} is overloaded in contract ${contract.name}: name one of ${signatures.join(', ')}`, {
        contract: contract.name,
        method,
        signatures,
      });
    }
  }
  throw openKmsError(ErrorCode.unknownMethod, `contract ${contract.name} has no function ${method}`, { contract: contract.name, method });
}

/** The name of parameter `i` in JSON (its ABI name, or `arg<i>` / `out<i>` when unnamed). */
export function paramName(p: AbiParameter, i: number, prefix: 'arg' | 'out' = 'arg'): string {
  return p.name !== undefined && p.name !== '' ? p.name : `${prefix}${i}`;
}
