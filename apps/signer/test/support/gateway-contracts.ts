import { createRequire } from 'node:module';
import type { Abi, Hex } from 'viem';

/** A contract with an overloaded function, a tuple argument, views with named outputs (and string inputs) and events (gateway tests). */
const SOURCE = `// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

contract OrderBook {
  struct Order { address maker; uint256 amount; bytes32 tag; }
  uint256 public stored;
  uint256 public orders;

  event Stored(address indexed by, uint256 value);
  event OrderPlaced(uint256 indexed id, address maker, uint256 amount, bytes32 tag);

  function store(uint256 value) external { stored = value; emit Stored(msg.sender, value); }
  function store(uint256 value, uint256 extra) external { stored = value + extra; emit Stored(msg.sender, value + extra); }
  function place(Order calldata order) external returns (uint256 id) {
    id = ++orders;
    emit OrderPlaced(id, order.maker, order.amount, order.tag);
  }
  function describe(uint256 x) external pure returns (uint256 doubled, bool big) { return (x * 2, x > 100); }
  function echo(string calldata text, bool loud, uint256[] calldata ids) external pure returns (string memory said, bool shouted, uint256 count) {
    return (text, loud, ids.length);
  }
}
`;

/** Compiles the OrderBook contract with solc-js (evm version paris, as the test token). */
export function compileOrderBook(): { abi: Abi; bytecode: Hex } {
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
  const input = {
    language: 'Solidity',
    sources: { 'OrderBook.sol': { content: SOURCE } },
    settings: { evmVersion: 'paris', optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { OrderBook: ['abi', 'evm.bytecode.object'] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc: ${errors.map((e) => e.formattedMessage).join('\n')}`);
  const c = out.contracts['OrderBook.sol']!.OrderBook!;
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}
