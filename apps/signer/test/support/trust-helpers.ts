import assert from 'node:assert/strict';
import type { TestSigner } from './test-signer.js';

/** Helpers shared by the trust-*.test.ts integration tests (real signer, real HTTP, the real CLI). */

export { auditLines, auditRecords } from './audit-files.js';
export { cosmosBody, solanaBody } from './chain-fixtures.js';
export { cli, freePort, REPO_ROOT, runCli, spawnCli, type CliResult } from './cli-process.js';
export { metricSum, metricValue } from './metrics.js';
export { waitFor } from './wait-for.js';

export interface KeyInfo {
  readonly label: string;
  readonly address: string;
  readonly public_key_b64: string;
}

/** GET /keys, by label. */
export async function keysOf(s: TestSigner, token = s.signerToken): Promise<Record<string, KeyInfo>> {
  const res = await s.request('GET', '/keys', { token });
  assert.equal(res.status, 200, res.text);
  return Object.fromEntries((res.json as KeyInfo[]).map((k) => [k.label, k]));
}
