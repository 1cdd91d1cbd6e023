import type { ContractCall, IntentAction, IntentFlag, Transfer } from '@openkms/core';
import { decodeFunctionData, encodeFunctionData } from 'viem/utils';
import type { Address, Hex } from 'viem';
import { KNOWN_METHODS, UNLIMITED_ALLOWANCE } from './known-methods.js';
import { decodeRegisteredCall, type RegisteredFunction } from './registered-contract-call.js';

/** The policy facts of one contract call. */
export interface DecodedCall {
  readonly action: IntentAction;
  readonly contract: ContractCall;
  readonly transfers: readonly Transfer[];
  readonly flags: readonly IntentFlag[];
}

/** The asset id of an ERC-20 token: `erc20:<contract address in lower case>`. */
export function erc20Asset(contract: string): string {
  return `erc20:${contract.toLowerCase()}`;
}

/**
 * Decodes a call of `data` to contract `to` made by `signer` (all addresses lower case).
 *
 * - A known selector (ERC-20 transfer / transferFrom / approve / increaseAllowance / decreaseAllowance, ERC-721 and
 *   ERC-1155 transfers, setApprovalForAll) is decoded strictly: the arguments must re-encode to exactly `data`, or
 *   the call is flagged `undecodable` (always denied).
 * - Any other selector is an unknown action (`known: false`, denied unless allow_unknown_instructions) whose
 *   contract call still carries the selector, so allowed_contracts can name it.
 * - Data shorter than a selector is an unknown call without a method.
 *
 * `registered`: the function of an ABI the operator registered for this contract (REST gateway contracts, see
 * findRegisteredFunction) that has the call's selector. The contract call then names the contract, the function's
 * signature and its ABI-decoded arguments (strictly: data that does not re-encode exactly is `undecodable`), and a
 * selector the decoder does not know is a known action named after the function, left to allowed_contracts (by name
 * or selector). Known selectors keep their effects (transfers, flags).
 */
export function decodeContractCall(to: Address, data: Hex, signer: Address, registered?: RegisteredFunction): DecodedCall {
  const via = to;
  if (data.length < 10) {
    return {
      action: { program: to, kind: 'unknown', known: false },
      contract: { contract: to, via },
      transfers: [],
      flags: ['unknown_instruction'],
    };
  }
  const selector = data.slice(0, 10).toLowerCase();
  const known = KNOWN_METHODS.get(selector);
  let abiCall: Pick<ContractCall, 'contractName' | 'signature' | 'args'> = {};
  if (registered !== undefined) {
    const decoded = decodeRegisteredCall(registered, data);
    const named = { contract: to, method: registered.fn.name, selector, via, contractName: registered.contractName, signature: registered.signature };
    if (decoded === undefined)
      return { action: { program: to, kind: registered.fn.name, known: false }, contract: named, transfers: [], flags: ['undecodable'] };
    abiCall = { contractName: registered.contractName, signature: registered.signature, args: decoded.args };
    if (known === undefined)
      return { action: { program: to, kind: registered.fn.name, known: true }, contract: { ...named, ...abiCall }, transfers: [], flags: [] };
  }
  if (known === undefined) {
    return {
      action: { program: to, kind: selector, known: false },
      contract: { contract: to, selector, via },
      transfers: [],
      flags: ['unknown_instruction'],
    };
  }
  const contract: ContractCall = { contract: to, method: known.name, selector, via, ...abiCall };
  let args: readonly unknown[];
  try {
    const decoded = decodeFunctionData({ abi: [known.abi], data });
    args = decoded.args ?? [];
    if (encodeFunctionData({ abi: [known.abi], functionName: known.name, args }).toLowerCase() !== data.toLowerCase()) throw new Error('not canonical');
  } catch {
    return { action: { program: to, kind: known.name, known: false }, contract, transfers: [], flags: ['undecodable'] };
  }
  const action: IntentAction = { program: to, kind: known.name, known: true };
  const addr = (i: number) => String(args[i]).toLowerCase();
  const amount = (i: number) => args[i] as bigint;
  const asset = erc20Asset(to);
  switch (known.effect) {
    case 'erc20_transfer':
      return { action, contract, transfers: [{ asset, amount: amount(1), from: signer, to: addr(0), via }], flags: [] };
    case 'erc20_transfer_from':
      return { action, contract, transfers: [{ asset, amount: amount(2), from: addr(0), to: addr(1), via }], flags: [] };
    case 'erc20_allowance':
      return {
        action,
        contract,
        transfers: [{ asset, amount: amount(1), from: signer, to: addr(0), via }],
        flags: amount(1) >= UNLIMITED_ALLOWANCE ? ['unlimited_approval'] : [],
      };
    case 'erc20_allowance_decrease':
      return { action, contract, transfers: [], flags: [] };
    case 'nft_transfer':
      return { action, contract, transfers: [], flags: ['nft_transfer'] };
    case 'nft_approval_for_all':
      return { action, contract, transfers: [], flags: args[1] === true ? ['nft_approval_for_all'] : [] };
  }
}
