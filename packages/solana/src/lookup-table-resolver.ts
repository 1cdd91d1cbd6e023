import { getAddressLookupTableDecoder, ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS } from '@solana-program/address-lookup-table';
import { ErrorCode, openKmsError } from '@openkms/core';
import type { AddressTableLookup } from './message-decoder.js';
import type { AccountReader } from './rpc-account-reader.js';

/** Client-supplied table contents (`address_lookup_tables` in the request): a claim, checked against the trusted source. */
export interface LookupTableHint {
  readonly key: string;
  readonly addresses: readonly string[];
}

/** The addresses a message loads from its lookup tables, in runtime order: every table's writable entries, then every table's read-only ones. */
export interface LoadedAddresses {
  readonly writable: readonly string[];
  readonly readonly: readonly string[];
}

/** Fixed header of a lookup table account before its 32-byte entries (LOOKUP_TABLE_META_SIZE). */
const TABLE_META_SIZE = 56;
/** Tables kept in memory; entries are immutable once written, so a cached prefix stays valid. */
const MAX_CACHED_TABLES = 1024;

const tableDecoder = getAddressLookupTableDecoder();

/**
 * Resolves address lookup tables from sources the operator trusts, never from the client: tables pinned in config
 * first, then the operator's RPC (`getAccountInfo` on the table, owner checked, parsed with
 * @solana-program/address-lookup-table's decoder). RPC results are cached by table and length: a cached table is
 * used while every index the message reads is inside it, and fetched again (the table may have grown) otherwise.
 */
export class LookupTableResolver {
  readonly #pinned: ReadonlyMap<string, readonly string[]>;
  readonly #reader: AccountReader | undefined;
  readonly #cache = new Map<string, readonly string[]>();

  constructor(options: { pinned?: ReadonlyMap<string, readonly string[]>; reader?: AccountReader }) {
    this.#pinned = options.pinned ?? new Map();
    this.#reader = options.reader;
  }

  /** True when pinned tables or an RPC are configured. */
  get configured(): boolean {
    return this.#pinned.size > 0 || this.#reader !== undefined;
  }

  /** The trusted contents of every table the message references, and the addresses it loads. */
  async resolve(lookups: readonly AddressTableLookup[], hints?: readonly LookupTableHint[]): Promise<LoadedAddresses> {
    if (lookups.length === 0) return { writable: [], readonly: [] };
    if (!this.configured) {
      throw openKmsError(
        ErrorCode.lookupTableSourceMissing,
        'this v0 message loads accounts from address lookup tables, but no trusted source is configured: set [plugins.solana] rpc_url, or pin the tables in [plugins.solana.lookup_tables] (client-supplied address_lookup_tables are only checked, never trusted)',
        { tables: lookups.map((l) => l.tableAddress) },
      );
    }
    const writable: string[] = [];
    const readonly: string[] = [];
    const tables = new Map<string, readonly string[]>();
    for (const lookup of lookups) {
      const needed = Math.max(...lookup.writableIndexes, ...lookup.readonlyIndexes) + 1;
      const table = await this.#table(lookup.tableAddress, needed);
      for (const index of [...lookup.writableIndexes, ...lookup.readonlyIndexes]) {
        if (index >= table.length) {
          throw openKmsError(
            ErrorCode.lookupTableIndexOutOfRange,
            `lookup table ${lookup.tableAddress} has ${table.length} entries; the message reads index ${index}`,
            {
              table: lookup.tableAddress,
              index,
              length: table.length,
            },
          );
        }
      }
      tables.set(lookup.tableAddress, table);
      writable.push(...lookup.writableIndexes.map((i) => table[i]!));
    }
    for (const lookup of lookups) readonly.push(...lookup.readonlyIndexes.map((i) => tables.get(lookup.tableAddress)![i]!));
    checkHints(lookups, tables, hints ?? []);
    return { writable, readonly };
  }

  async #table(tableAddress: string, needed: number): Promise<readonly string[]> {
    const pinned = this.#pinned.get(tableAddress);
    if (pinned !== undefined) return pinned;
    const cached = this.#cache.get(tableAddress);
    if (cached !== undefined && cached.length >= needed) return cached;
    if (this.#reader === undefined) {
      throw openKmsError(
        ErrorCode.lookupTableNotFound,
        `lookup table ${tableAddress} is not pinned in [plugins.solana.lookup_tables] and no rpc_url is configured to read it`,
        { table: tableAddress },
      );
    }
    const account = await this.#reader.getAccount(tableAddress);
    if (account === null) throw openKmsError(ErrorCode.lookupTableNotFound, `lookup table ${tableAddress} does not exist on chain`, { table: tableAddress });
    if (account.owner !== ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS || account.data.length < TABLE_META_SIZE || (account.data.length - TABLE_META_SIZE) % 32 !== 0) {
      throw openKmsError(ErrorCode.lookupTableNotFound, `account ${tableAddress} is not an address lookup table`, {
        table: tableAddress,
        owner: account.owner,
      });
    }
    let addresses: readonly string[];
    try {
      const decoded = tableDecoder.decode(account.data);
      if (decoded.discriminator !== 1) throw new Error('not an initialised lookup table');
      addresses = Object.freeze(decoded.addresses.map(String));
    } catch {
      throw openKmsError(ErrorCode.lookupTableNotFound, `account ${tableAddress} is not a valid address lookup table`, { table: tableAddress });
    }
    if (this.#cache.size >= MAX_CACHED_TABLES) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(tableAddress, addresses);
    return addresses;
  }
}

/** A client hint must agree with the trusted contents at every index it gives and give every index the message reads. */
function checkHints(lookups: readonly AddressTableLookup[], tables: ReadonlyMap<string, readonly string[]>, hints: readonly LookupTableHint[]): void {
  for (const hint of hints) {
    const trusted = tables.get(hint.key);
    if (trusted === undefined) continue; // a table the message does not use: nothing depends on it
    hint.addresses.forEach((claimed, index) => {
      if (trusted[index] !== claimed) {
        throw openKmsError(
          ErrorCode.lookupTableMismatch,
          `address_lookup_tables: table ${hint.key} index ${index} is ${trusted[index] ?? '(past the end)'} at the trusted source, not ${claimed}`,
          { field: 'address_lookup_tables', table: hint.key, index },
        );
      }
    });
    const lookup = lookups.find((l) => l.tableAddress === hint.key)!;
    const missing = [...lookup.writableIndexes, ...lookup.readonlyIndexes].find((i) => i >= hint.addresses.length);
    if (missing !== undefined) {
      throw openKmsError(ErrorCode.lookupTableMismatch, `address_lookup_tables: table ${hint.key} lacks index ${missing}, which the message reads`, {
        field: 'address_lookup_tables',
        table: hint.key,
        index: missing,
      });
    }
  }
}
