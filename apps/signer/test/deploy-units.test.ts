import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCliSync } from './support/cli-process.js';

const DEPLOY = join(dirname(fileURLToPath(import.meta.url)), '..', 'deploy');

/** The units and the binary each starts; their exposure scores are documented in deploy/README.md. */
const UNITS: Readonly<Record<string, { unit: string; exec: string }>> = {
  'openkms.service': { unit: 'openkms.service', exec: '/usr/local/bin/openkms' },
  'yubihsm-connector.service': { unit: 'yubihsm-connector.service', exec: '/usr/bin/yubihsm-connector' },
};

function hasSystemdAnalyze(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = hasSystemdAnalyze() ? false : 'systemd-analyze is not installed (Debian: apt-get install systemd); the unit checks need it';

/** The score deploy/README.md states for a unit: "`openkms.service` … exposure **0.9**". */
function documentedScore(unit: string): number {
  const readme = readFileSync(join(DEPLOY, 'README.md'), 'utf8');
  const m = new RegExp(`\\| \`${unit.replace('.', '\\.')}\` \\| \\*\\*([0-9.]+)\\*\\*`).exec(readme);
  assert.ok(m, `deploy/README.md states the exposure score of ${unit}`);
  return Number(m[1]);
}

/** A copy of the unit whose ExecStart binary exists here (verify checks that it is executable). */
function runnableCopy(unit: string, exec: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-unit-'));
  const text = readFileSync(join(DEPLOY, unit), 'utf8');
  assert.ok(text.includes(`ExecStart=${exec} `), `${unit} starts ${exec}`);
  const file = join(dir, unit);
  writeFileSync(file, text.replace(`ExecStart=${exec} `, `ExecStart=${process.execPath} `));
  return { dir, file };
}

describe('systemd units', { skip }, () => {
  for (const { unit, exec } of Object.values(UNITS)) {
    test(`${unit} passes systemd-analyze verify`, () => {
      const { dir, file } = runnableCopy(unit, exec);
      try {
        const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
        const out = `${r.stdout}${r.stderr}`;
        assert.equal(r.status, 0, out);
        assert.doesNotMatch(out, /Unknown (key|lvalue|section)|Failed to parse|Invalid/i, out);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test(`${unit}: systemd-analyze security exposure does not exceed the documented score`, () => {
      const r = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', join(DEPLOY, unit)], { encoding: 'utf8' });
      const out = `${r.stdout}${r.stderr}`;
      const m = /Overall exposure level for [^:]+: ([0-9.]+)/.exec(out);
      assert.ok(m, out);
      const score = Number(m[1]);
      const documented = documentedScore(unit);
      assert.ok(score <= documented, `${unit}: exposure ${score} is above the documented ${documented}\n${out}`);
    });
  }

  test('the signer unit keeps the hardening the deployment guide promises', () => {
    const text = readFileSync(join(DEPLOY, 'openkms.service'), 'utf8');
    for (const line of [
      'ProtectSystem=strict',
      'ProtectHome=true',
      'PrivateTmp=true',
      'PrivateDevices=true',
      'NoNewPrivileges=true',
      'CapabilityBoundingSet=\n',
      'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
      'SystemCallFilter=@system-service',
      'StateDirectory=openkms',
    ])
      assert.ok(text.includes(line), line);
    assert.doesNotMatch(text, /^MemoryDenyWriteExecute=true/m, "V8's JIT cannot run with it");
  });
});

test('the udev rule gives the YubiHSM2 (1050:0030) to the connector group only', () => {
  const rule = readFileSync(join(DEPLOY, '70-yubihsm2.rules'), 'utf8');
  const line = rule.split('\n').find((l) => l && !l.startsWith('#'))!;
  assert.match(line, /ATTRS\{idVendor\}=="1050"/);
  assert.match(line, /ATTRS\{idProduct\}=="0030"/);
  assert.match(line, /MODE="0660"/);
  assert.match(line, /GROUP="yubihsm-connector"/);
  const unit = readFileSync(join(DEPLOY, 'yubihsm-connector.service'), 'utf8');
  assert.match(unit, /^Group=yubihsm-connector$/m);
  assert.match(unit, /^DeviceAllow=char-usb_device rw$/m);
});

test('the example config passes `openkms config check`, with and without its [server.tls] block', () => {
  const example = join(DEPLOY, 'config.example.toml');
  const ok = runCliSync(['config', 'check', '--config', example]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /ok \(3 keys; chains cosmos, evm, solana\)/);
  const text = readFileSync(example, 'utf8');
  for (const chain of ['solana', 'cosmos', 'evm']) assert.match(text, new RegExp(`^chain = "${chain}"`, 'm'));
  assert.match(text, /^\[networks\.mainnet\]$/m);
  assert.match(text, /^\[backends\.yubihsm\]$/m);
  // the commented TLS block, uncommented, is valid too
  const tls = text.replace(
    /^# (\[server\.tls\]|cert_file|key_file|client_ca_file|\[\[server\.tls\.client_identities\]\]|subject_cn|name|scopes)( |$)/gm,
    '$1$2',
  );
  assert.match(tls, /^\[server\.tls\]$/m);
  const dir = mkdtempSync(join(tmpdir(), 'openkms-example-'));
  try {
    writeFileSync(join(dir, 'config.toml'), tls);
    const withTls = runCliSync(['config', 'check', '--config', join(dir, 'config.toml')]);
    assert.equal(withTls.status, 0, withTls.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
