/** Helpers shared by this package's tests (not part of the build). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { AuditRecordInput } from './audit-record.js';

export const TEST_KEY = new Uint8Array(32).fill(7);
export const OTHER_KEY = new Uint8Array(32).fill(9);

/** A fresh temp directory, removed when the test file ends. */
export async function tempDir(prefix = 'openkms-audit-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A settable clock that advances 1 ms on every read, so record times are distinct and increasing. */
export function testClock(startIso = '2025-03-01T10:00:00.000Z'): { now: () => Date; set: (iso: string) => void } {
  let t = Date.parse(startIso);
  return {
    now: () => new Date(t++),
    set: (iso: string) => {
      t = Date.parse(iso);
    },
  };
}

export function allowRecord(i: number): AuditRecordInput {
  return {
    decision: 'allow',
    request_id: `req-${i}`,
    token_name: 'agent-1',
    label: 'hot-wallet',
    chain: 'solana',
    network: 'devnet',
    reason_code: 'ok',
    intent: {
      chain: 'solana',
      network: 'devnet',
      signer: 'Sig1111',
      programs: ['11111111111111111111111111111111'],
      message_types: [],
      contracts: [],
      transfers: [{ asset: 'native', amount: String(1000 + i), from: 'Sig1111', to: 'Dest222', via: '11111111111111111111111111111111' }],
      fees: [{ asset: 'native', amount: '5000' }],
      flags: [],
    },
    signed_sha256: 'ab'.repeat(32),
    signature_sha256: 'cd'.repeat(32),
    policy_version: 'p1',
    key_id: 3,
    latency_ms: 1.5,
  };
}
