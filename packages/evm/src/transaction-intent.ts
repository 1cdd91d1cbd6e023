import type { ContractCall, DecodeContract, Fee, Intent, IntentAction, IntentFlag, Transfer } from '@openkms/core';
import { getContractAddress } from 'viem/utils';
import type { Address, Hex } from 'viem';
import { decodeContractCall } from './call-decoder.js';
import { transactionTo } from './evm-transaction.js';
import { findRegisteredFunction } from './registered-contract-call.js';
import type { EvmUnsignedTransaction } from './evm-transaction.js';

/** Pseudo-program of a plain value transfer (a transaction with `to` and no calldata): list it in allowed_programs. */
export const NATIVE_TRANSFER_PROGRAM = 'native';
/** Blob gas per blob (EIP-4844). */
const GAS_PER_BLOB = 131_072n;

/** The largest fee the transaction can pay, in wei: gas × (maxFeePerGas or gasPrice), plus blob gas × maxFeePerBlobGas. */
export function maxTransactionFee(tx: EvmUnsignedTransaction): bigint {
  const t = tx as { gas?: bigint; gasPrice?: bigint; maxFeePerGas?: bigint; maxFeePerBlobGas?: bigint; blobVersionedHashes?: readonly Hex[] };
  const perGas = t.maxFeePerGas ?? t.gasPrice ?? 0n;
  const blobs = BigInt(t.blobVersionedHashes?.length ?? 0);
  return (t.gas ?? 0n) * perGas + blobs * GAS_PER_BLOB * (t.maxFeePerBlobGas ?? 0n);
}

/**
 * The policy facts of an unsigned transaction signed by `signer` (lower case). All addresses in the intent are lower
 * case; assets are `native` (wei) and `erc20:<contract>`.
 *
 * - Plain value transfer (`to`, empty data): action of the pseudo-program `native`, transfer of `value` to `to`.
 * - Contract call: the call's contract is the action's program and a contract call (method name where known, selector
 *   always) checked by allowed_contracts; value sent with it is a native transfer to the contract; ERC-20 calls add
 *   token transfers to the decoded recipient / spender (see decodeContractCall).
 * - Contract creation (no `to`): flag `contract_creation`; value goes to the address the contract will have.
 * - EIP-4844: flag `blob_transaction`; EIP-7702: flag `delegation_authorization`.
 * - fees: the maximum fee in `native`.
 *
 * `registeredContracts`: the REST gateway's registered contracts (operator-trusted ABIs); a call to one of them on the
 * transaction's chain is decoded by its ABI (see decodeContractCall).
 */
export function buildTransactionIntent(tx: EvmUnsignedTransaction, signer: Address, registeredContracts?: readonly DecodeContract[]): Intent {
  const to = transactionTo(tx);
  const value = (tx as { value?: bigint }).value ?? 0n;
  const data = ((tx as { data?: Hex }).data ?? '0x').toLowerCase() as Hex;
  const actions: IntentAction[] = [];
  const programs: string[] = [];
  const contracts: ContractCall[] = [];
  const transfers: Transfer[] = [];
  const flags: IntentFlag[] = [];

  if (to === undefined) {
    flags.push('contract_creation');
    if (value > 0n) {
      const created = getContractAddress({ from: signer, nonce: BigInt(tx.nonce ?? 0) }).toLowerCase();
      transfers.push({ asset: 'native', amount: value, from: signer, to: created, via: 'create' });
    }
  } else if (data === '0x') {
    actions.push({ program: NATIVE_TRANSFER_PROGRAM, kind: 'native_transfer', known: true });
    programs.push(NATIVE_TRANSFER_PROGRAM);
    if (value > 0n) transfers.push({ asset: 'native', amount: value, from: signer, to, via: NATIVE_TRANSFER_PROGRAM });
  } else {
    const registered = data.length >= 10 ? findRegisteredFunction(registeredContracts, to, tx.chainId, data.slice(0, 10)) : undefined;
    const call = decodeContractCall(to, data, signer, registered);
    actions.push(call.action);
    programs.push(to);
    contracts.push(call.contract);
    if (value > 0n) transfers.push({ asset: 'native', amount: value, from: signer, to, via: to });
    transfers.push(...call.transfers);
    flags.push(...call.flags);
  }
  if (tx.type === 'eip4844') flags.push('blob_transaction');
  if (tx.type === 'eip7702') flags.push('delegation_authorization');

  const fees: Fee[] = [{ asset: 'native', amount: maxTransactionFee(tx) }];
  return {
    chain: 'evm',
    network: String(tx.chainId),
    signer,
    actions,
    programs,
    messageTypes: [],
    contracts,
    transfers,
    fees,
    flags: [...new Set(flags)],
  };
}
