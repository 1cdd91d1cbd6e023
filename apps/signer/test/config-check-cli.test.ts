import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const check = (toml: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'openkms-check-')), 'config.toml');
  writeFileSync(file, toml);
  return spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/signer/src/cli.ts', 'config', 'check', '--config', file], { cwd: repoRoot, encoding: 'utf8' });
};

test('`openkms config check` validates like `run`: schema, policies and the chain plugins that serve each key', () => {
  const ok = check('[keys.solana-hot-0]\nchain = "solana"\nkey_id = "0x0064"\n[keys.solana-hot-0.policy]\nper_tx_cap_lamports = "1"\n');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /ok \(1 keys; chains cosmos, evm, solana\)/);
  const typo = check('[server]\nlisen = "x"\n');
  assert.equal(typo.status, 1);
  assert.match(typo.stderr, /server\.lisen: unknown key \[config_invalid\]/);
  const chain = check('[keys.btc-0]\nchain = "bitcoin"\nkey_id = "0x0064"\n');
  assert.equal(chain.status, 1);
  assert.match(chain.stderr, /keys\.btc-0\.chain: no loaded plugin serves chain "bitcoin"/);
});
