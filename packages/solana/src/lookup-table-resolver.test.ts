import { test } from 'node:test';
import assert from 'node:assert/strict';
import { address, none } from '@solana/kit';
import { ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS, getAddressLookupTableEncoder } from '@solana-program/address-lookup-table';
import { isOpenKmsError } from '@openkms/core';
import { LookupTableResolver } from './lookup-table-resolver.js';
import type { AccountReader, AccountSnapshot } from './rpc-account-reader.js';
import { testAddress } from './test-fixtures.js';

const TABLE = testAddress(50);
const entries = [testAddress(51), testAddress(52), testAddress(53)];

/** Table account data exactly as the ALT program stores it, built with the library's encoder. */
function tableAccount(addresses: readonly string[]): AccountSnapshot {
  const data = getAddressLookupTableEncoder().encode({
    deactivationSlot: 2n ** 64n - 1n,
    lastExtendedSlot: 1n,
    lastExtendedSlotStartIndex: 0,
    authority: none(),
    addresses: addresses.map((a) => address(a)),
  });
  return { owner: ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS, lamports: 1n, data: Uint8Array.from(data) };
}

function reader(accounts: Record<string, AccountSnapshot | null>): AccountReader & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async getAccount(a) {
      calls.push(a);
      return accounts[a] ?? null;
    },
  };
}

async function rejectsWith(p: Promise<unknown>, code: string, context: Record<string, unknown> = {}): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isOpenKmsError(err), String(err));
    assert.equal(err.code, code, err.message);
    for (const [k, v] of Object.entries(context)) assert.equal(err.context[k], v);
    return true;
  });
}

const lookup = (writableIndexes: number[], readonlyIndexes: number[] = [], tableAddress = TABLE) => ({ tableAddress, writableIndexes, readonlyIndexes });

test('no lookups: nothing needed; lookups without a trusted source: lookup_table_source_missing, saying how to configure one', async () => {
  const none = new LookupTableResolver({});
  assert.deepEqual(await none.resolve([]), { writable: [], readonly: [] });
  await assert.rejects(none.resolve([lookup([0])]), (err: unknown) => {
    assert.ok(isOpenKmsError(err));
    assert.equal(err.code, 'lookup_table_source_missing');
    assert.match(err.message, /rpc_url/);
    assert.match(err.message, /lookup_tables/);
    return true;
  });
});

test('pinned tables resolve writable entries (all tables) before read-only ones; past the end is refused', async () => {
  const second = testAddress(60);
  const r = new LookupTableResolver({
    pinned: new Map([
      [TABLE, entries],
      [second, [testAddress(61)]],
    ]),
  });
  const loaded = await r.resolve([lookup([2], [0]), lookup([], [0], second)]);
  assert.deepEqual(loaded, { writable: [entries[2]], readonly: [entries[0], testAddress(61)] });
  await rejectsWith(r.resolve([lookup([3])]), 'lookup_table_index_out_of_range', { table: TABLE, index: 3, length: 3 });
  await rejectsWith(r.resolve([lookup([0], [], testAddress(70))]), 'lookup_table_not_found', { table: testAddress(70) });
});

test('RPC tables: parsed with the ALT decoder, owner checked, cached by table and length', async () => {
  const rpc = reader({ [TABLE]: tableAccount(entries.slice(0, 2)) });
  const r = new LookupTableResolver({ reader: rpc });
  assert.deepEqual(await r.resolve([lookup([1])]), { writable: [entries[1]], readonly: [] });
  assert.deepEqual(await r.resolve([lookup([0])]), { writable: [entries[0]], readonly: [] });
  assert.equal(rpc.calls.length, 1, 'second read served from the cache');
  // the table grows on chain: an index past the cached length fetches again
  (rpc as unknown as { getAccount: AccountReader['getAccount'] }).getAccount = async (a) => {
    rpc.calls.push(a);
    return tableAccount(entries);
  };
  assert.deepEqual(await r.resolve([lookup([2])]), { writable: [entries[2]], readonly: [] });
  assert.equal(rpc.calls.length, 2);

  const notTable = reader({ [TABLE]: { ...tableAccount(entries), owner: testAddress(1) } });
  await rejectsWith(new LookupTableResolver({ reader: notTable }).resolve([lookup([0])]), 'lookup_table_not_found');
  await rejectsWith(new LookupTableResolver({ reader: reader({}) }).resolve([lookup([0])]), 'lookup_table_not_found');
  const short = tableAccount(entries);
  await rejectsWith(
    new LookupTableResolver({ reader: reader({ [TABLE]: { ...short, data: short.data.subarray(0, short.data.length - 1) } }) }).resolve([lookup([0])]),
    'lookup_table_not_found',
  );
});

test('a client hint must equal the trusted contents, naming the table and index', async () => {
  const r = new LookupTableResolver({ pinned: new Map([[TABLE, entries]]) });
  assert.deepEqual(await r.resolve([lookup([1])], [{ key: TABLE, addresses: entries }]), { writable: [entries[1]], readonly: [] });
  await rejectsWith(r.resolve([lookup([1])], [{ key: TABLE, addresses: [entries[0]!, testAddress(99)] }]), 'lookup_table_mismatch', { table: TABLE, index: 1 });
  await rejectsWith(r.resolve([lookup([2])], [{ key: TABLE, addresses: entries.slice(0, 2) }]), 'lookup_table_mismatch', { table: TABLE, index: 2 });
  await rejectsWith(r.resolve([lookup([0])], [{ key: TABLE, addresses: [...entries, testAddress(98)] }]), 'lookup_table_mismatch', { index: 3 });
});
