import { AccountRole } from '@solana/kit';
import type { Address } from '@solana/kit';
import type { InstructionInput } from './instruction-facts.js';

/** The parts of a generated @solana-program client this plugin uses. */
export interface ProgramClient {
  /** Returns the instruction's enum value from its discriminator; throws when none matches. */
  readonly identify: (data: Uint8Array) => number;
  /** Parses accounts and data; throws on too few accounts or data it cannot read. */
  readonly parse: (instruction: never) => { readonly accounts?: Record<string, { readonly address: string } | undefined>; readonly data: unknown };
  /** The instruction enum (value → PascalCase name). */
  readonly names: Readonly<Record<number, string>>;
  /** The module namespace, for `get<Name>InstructionDataEncoder`. */
  readonly module: Readonly<Record<string, unknown>>;
}

export interface ParsedProgramInstruction {
  /** PascalCase name from the program's enum (e.g. `TransferChecked`). */
  readonly name: string;
  readonly accounts: Record<string, { readonly address: string } | undefined>;
  readonly data: Record<string, unknown>;
}

function role(a: InstructionInput['accounts'][number]): AccountRole {
  if (a.signer) return a.writable ? AccountRole.WRITABLE_SIGNER : AccountRole.READONLY_SIGNER;
  return a.writable ? AccountRole.WRITABLE : AccountRole.READONLY;
}

/**
 * Identifies and parses an instruction with the program's maintained client, then re-encodes the parsed data with
 * the client's own encoder and requires the original bytes back: trailing or non-canonical data is refused, so what
 * policy sees is exactly what the program executes. Returns undefined when the instruction does not parse.
 */
export function parseProgramInstruction(client: ProgramClient, input: InstructionInput): ParsedProgramInstruction | undefined {
  try {
    const type = client.identify(input.data);
    const name = client.names[type];
    if (name === undefined) return undefined;
    const parsed = client.parse({
      programAddress: input.programAddress as Address,
      accounts: input.accounts.map((a) => ({ address: a.address as Address, role: role(a) })),
      data: input.data,
    } as never);
    const getEncoder = client.module[`get${name}InstructionDataEncoder`];
    if (typeof getEncoder !== 'function') return undefined;
    const again = (getEncoder as () => { encode(v: unknown): Uint8Array })().encode(parsed.data);
    if (again.length !== input.data.length || again.some((b, i) => b !== input.data[i])) return undefined;
    return { name, accounts: parsed.accounts ?? {}, data: parsed.data as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

/** `TransferChecked` → `transferChecked`. */
export function camelName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
