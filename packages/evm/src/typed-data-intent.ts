import { ErrorCode, openKmsError } from '@openkms/core';
import type { ContractCall, Intent, IntentAction, IntentFlag, Transfer } from '@openkms/core';
import type { Address } from 'viem';
import { erc20Asset } from './call-decoder.js';
import { UNLIMITED_ALLOWANCE } from './known-methods.js';
import { verifyingContract } from './typed-data.js';
import type { NormalizedTypedData, TypedDataTypes } from './typed-data.js';

/** Uniswap Permit2, deployed at the same address on every chain. */
export const PERMIT2_ADDRESS = '0x000000000022d473030f116ddee9f6b43ac78ba3';
/** Pseudo-program of typed data without a verifying contract. */
export const TYPED_DATA_PROGRAM = 'eip712';

const sig = (types: TypedDataTypes, name: string) => (types[name] ?? []).map((f) => `${f.type} ${f.name}`).join(',');

const EIP2612 = 'address owner,address spender,uint256 value,uint256 nonce,uint256 deadline';
const DAI_PERMIT = 'address holder,address spender,uint256 nonce,uint256 expiry,bool allowed';
const PERMIT_DETAILS = 'address token,uint160 amount,uint48 expiration,uint48 nonce';
const TOKEN_PERMISSIONS = 'address token,uint256 amount';

interface Spend {
  readonly token: string;
  readonly amount: bigint;
  readonly spender: string;
}

/** Permit2 spends: AllowanceTransfer (PermitSingle, PermitBatch) and SignatureTransfer (…TransferFrom, with or without witness). */
function permit2Spends(data: NormalizedTypedData): Spend[] | undefined {
  const m = data.message as Record<string, unknown>;
  const t = data.types;
  const spender = m.spender as string | undefined;
  if (typeof spender !== 'string') return undefined;
  const fieldType = (name: string) => (t[data.primaryType] ?? []).find((f) => f.name === name)?.type;
  if (data.primaryType === 'PermitSingle' || data.primaryType === 'PermitBatch') {
    if (sig(t, 'PermitDetails') !== PERMIT_DETAILS) return undefined;
    const single = data.primaryType === 'PermitSingle';
    if (fieldType('details') !== (single ? 'PermitDetails' : 'PermitDetails[]')) return undefined;
    const details = (single ? [m.details] : (m.details as unknown[])) as { token: string; amount: bigint }[];
    return details.map((d) => ({ token: d.token, amount: d.amount, spender }));
  }
  if (/^Permit(Batch)?(Witness)?TransferFrom$/.test(data.primaryType)) {
    if (sig(t, 'TokenPermissions') !== TOKEN_PERMISSIONS) return undefined;
    const batch = data.primaryType.startsWith('PermitBatch');
    if (fieldType('permitted') !== (batch ? 'TokenPermissions[]' : 'TokenPermissions')) return undefined;
    const permitted = (batch ? (m.permitted as unknown[]) : [m.permitted]) as { token: string; amount: bigint }[];
    return permitted.map((p) => ({ token: p.token, amount: p.amount, spender }));
  }
  return undefined;
}

/**
 * The policy facts of EIP-712 typed data signed by `signer` (lower case).
 *
 * - EIP-2612 `Permit` (and DAI's `Permit` with `allowed`): spend authority of the token (the verifying contract) for
 *   the spender: a transfer of `value` (DAI: unlimited when allowed) of `erc20:<token>` to the spender, a contract
 *   call `permit` of the token; the owner must be the key's address. A practically unlimited value is flagged.
 * - Permit2 (`PermitSingle`, `PermitBatch`, `Permit[Batch][Witness]TransferFrom` at the Permit2 address): one such
 *   transfer per token, a contract call of Permit2 named after the primary type.
 * - Anything else: an unknown action (denied unless allow_unknown_instructions), a contract call of the verifying
 *   contract named after the primary type (or the pseudo-program `eip712` without one).
 */
export function buildTypedDataIntent(data: NormalizedTypedData, signer: Address, chainId: bigint): Intent {
  const contractAddr = verifyingContract(data);
  const actions: IntentAction[] = [];
  const contracts: ContractCall[] = [];
  const transfers: Transfer[] = [];
  const flags: IntentFlag[] = [];
  const program = contractAddr ?? TYPED_DATA_PROGRAM;
  const m = data.message as Record<string, unknown>;

  const spend = (token: string, amount: bigint, spender: string, via: string) => {
    transfers.push({ asset: erc20Asset(token), amount, from: signer, to: spender.toLowerCase(), via });
    if (amount >= UNLIMITED_ALLOWANCE && !flags.includes('unlimited_approval')) flags.push('unlimited_approval');
  };

  const permitKind = data.primaryType === 'Permit' && contractAddr !== undefined ? sig(data.types, 'Permit') : undefined;
  const permit2 = contractAddr === PERMIT2_ADDRESS ? permit2Spends(data) : undefined;
  if (permitKind === EIP2612 || permitKind === DAI_PERMIT) {
    const owner = String(permitKind === EIP2612 ? m.owner : m.holder).toLowerCase();
    if (owner !== signer) {
      throw openKmsError(ErrorCode.signerMismatch, 'the permit owner is not the key’s address', { field: 'typed_data.message', owner, signer });
    }
    const amount = permitKind === EIP2612 ? (m.value as bigint) : m.allowed === true ? (1n << 256n) - 1n : 0n;
    actions.push({ program: contractAddr!, kind: 'permit', known: true });
    contracts.push({ contract: contractAddr!, method: 'permit', via: contractAddr! });
    spend(contractAddr!, amount, String(m.spender), contractAddr!);
  } else if (permit2 !== undefined) {
    actions.push({ program: PERMIT2_ADDRESS, kind: data.primaryType, known: true });
    contracts.push({ contract: PERMIT2_ADDRESS, method: data.primaryType, via: PERMIT2_ADDRESS });
    for (const s of permit2) spend(s.token, s.amount, s.spender, PERMIT2_ADDRESS);
  } else {
    actions.push({ program, kind: `eip712:${data.primaryType}`, known: false });
    if (contractAddr !== undefined) contracts.push({ contract: contractAddr, method: data.primaryType, via: contractAddr });
    flags.push('unknown_instruction');
  }
  return {
    chain: 'evm',
    network: chainId.toString(),
    signer,
    actions,
    programs: [program],
    messageTypes: [],
    contracts,
    transfers,
    fees: [],
    flags,
  };
}
