import { parseAbi, toFunctionSelector } from 'viem/utils';
import type { AbiFunction } from 'viem';

/** What the intent makes of a decoded method. */
export type KnownMethodEffect =
  /** A fungible token transfer from the signer: `(to, amount)`. */
  | 'erc20_transfer'
  /** A fungible token transfer from someone's allowance: `(from, to, amount)`. */
  | 'erc20_transfer_from'
  /** An allowance for a spender: `(spender, amount)`. A practically unlimited amount is flagged. */
  | 'erc20_allowance'
  /** Lowers an allowance: moves nothing. */
  | 'erc20_allowance_decrease'
  /** An NFT / multi-token transfer (flagged `nft_transfer`). */
  | 'nft_transfer'
  /** `setApprovalForAll(operator, approved)` (flagged `nft_approval_for_all` when approved). */
  | 'nft_approval_for_all';

export interface KnownMethod {
  readonly name: string;
  readonly selector: `0x${string}`;
  readonly abi: AbiFunction;
  readonly effect: KnownMethodEffect;
}

const SIGNATURES: readonly (readonly [string, KnownMethodEffect])[] = [
  // ERC-20 (transferFrom and approve share their selectors with ERC-721: decoded as ERC-20, see README)
  ['function transfer(address to, uint256 amount)', 'erc20_transfer'],
  ['function transferFrom(address from, address to, uint256 amount)', 'erc20_transfer_from'],
  ['function approve(address spender, uint256 amount)', 'erc20_allowance'],
  ['function increaseAllowance(address spender, uint256 addedValue)', 'erc20_allowance'],
  ['function decreaseAllowance(address spender, uint256 subtractedValue)', 'erc20_allowance_decrease'],
  // ERC-721
  ['function safeTransferFrom(address from, address to, uint256 tokenId)', 'nft_transfer'],
  ['function safeTransferFrom(address from, address to, uint256 tokenId, bytes data)', 'nft_transfer'],
  ['function setApprovalForAll(address operator, bool approved)', 'nft_approval_for_all'],
  // ERC-1155
  ['function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data)', 'nft_transfer'],
  ['function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] values, bytes data)', 'nft_transfer'],
];

/** The methods this plugin decodes, by lower-case 4-byte selector. */
export const KNOWN_METHODS: ReadonlyMap<string, KnownMethod> = new Map(
  SIGNATURES.map(([signature, effect]) => {
    const abi = parseAbi([signature])[0] as AbiFunction;
    const selector = toFunctionSelector(abi);
    return [selector, { name: abi.name, selector, abi, effect }];
  }),
);

/**
 * An allowance at or above this is flagged `unlimited_approval`: 2^96 − 1 covers `type(uint256).max`, Permit2's
 * `type(uint160).max` and the `type(uint96).max` that some tokens (UNI, COMP) treat as infinite.
 */
export const UNLIMITED_ALLOWANCE = (1n << 96n) - 1n;
