import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { cosmosDerivationPath, createInProcessTransport, solanaDerivationPath, YubiHsmClient } from '@openkms/yubihsm';
import { ceremonySeed, deriveEd25519Key, deriveSecp256k1Key } from '@openkms/yubihsm/ceremony';
import { isOpenKmsError } from '@openkms/core';
import { startDemo, type RunningDemo } from '../src/demo/start-demo.js';
import { captureStream } from './support/test-signer.js';

const quiet = () => captureStream([]);

describe('the demo device: ceremony layout from its own mnemonic, no factory key, reachable only by the signer', () => {
  const dirs: string[] = [];
  const running: RunningDemo[] = [];
  after(async () => {
    for (const d of running) await d.close().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const newDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'openkms-demo-device-'));
    dirs.push(d);
    return d;
  };

  test('in-process (the CLI default): no port, config.toml says so, keys derived from mnemonic.txt (0600) at the layout paths', async () => {
    const dir = newDir();
    const demo = await startDemo({ dir, listen: { host: '127.0.0.1', port: 0 }, sim: 'in-process', logDestination: quiet() });
    running.push(demo);
    assert.equal(demo.connectorUrl, undefined);
    const config = readFileSync(demo.files.config, 'utf8');
    assert.match(config, /^# connectors: none — 'openkms demo' runs the simulated device inside its own process/m);
    assert.doesNotMatch(config, /^connectors = /m);
    assert.match(config, /^auth_key_id = 3$/m);
    assert.match(config, /^password_encoding = "hex"$/m);
    for (const f of [demo.files.mnemonic, demo.files.hsmPassword, demo.files.config]) assert.equal(statSync(f).mode & 0o777, 0o600, f);

    const seed = ceremonySeed(readFileSync(demo.files.mnemonic, 'utf8'));
    const token = readFileSync(demo.files.signerToken, 'utf8').trim();
    const keys = (await (await fetch(`${demo.signer.url}/keys`, { headers: { authorization: `Bearer ${token}` } })).json()) as any[];
    const sol = keys.find((k) => k.label === 'solana-hot-0');
    const atom = keys.find((k) => k.label === 'cosmos-hub-0');
    assert.equal(sol.object_id, 0x0101);
    assert.equal(sol.derivation_path, solanaDerivationPath(0));
    assert.deepEqual(new Uint8Array(Buffer.from(sol.public_key_b64, 'base64')), ed25519.getPublicKey(deriveEd25519Key(seed, solanaDerivationPath(0))));
    assert.equal(atom.object_id, 0x0100);
    assert.deepEqual(
      new Uint8Array(Buffer.from(atom.public_key_b64, 'base64')),
      secp256k1.getPublicKey(deriveSecp256k1Key(seed, cosmosDerivationPath(0)), true),
    );

    // the factory key (1, "password") is gone: even a process holding the device cannot use it
    const client = new YubiHsmClient({ transport: createInProcessTransport((f) => demo.sim.handleFrame(f)) });
    await assert.rejects(client.openSession(1, 'password'));
    await client.close();
  });

  test('--sim-listen: a loopback connector that answers only under a random secret path, written into config.toml', async () => {
    const dir = newDir();
    let demo = await startDemo({ dir, listen: { host: '127.0.0.1', port: 0 }, sim: { host: '127.0.0.1', port: 0 }, logDestination: quiet() });
    const url = demo.connectorUrl!;
    const origin = new URL(url).origin;
    assert.match(new URL(url).pathname, /^\/[A-Za-z0-9_-]{20,}$/);
    assert.match(readFileSync(demo.files.config, 'utf8'), new RegExp(`^connectors = \\["${url}"\\]$`, 'm'));
    assert.equal((await fetch(`${origin}/connector/status`)).status, 404, 'the bare connector path is not served');
    assert.equal((await fetch(`${url}/connector/status`)).status, 200);
    // a local process that knows the URL still finds no factory credential
    const client = new YubiHsmClient({ url });
    await assert.rejects(client.openSession(1, 'password'));
    await client.close();
    await demo.close();

    // a restart gets a new port and secret; config.toml follows
    demo = await startDemo({ dir, listen: { host: '127.0.0.1', port: 0 }, sim: { host: '127.0.0.1', port: 0 }, logDestination: quiet() });
    running.push(demo);
    assert.equal(demo.created, false);
    assert.notEqual(demo.connectorUrl, url);
    assert.match(readFileSync(demo.files.config, 'utf8'), new RegExp(`^connectors = \\["${demo.connectorUrl}"\\]$`, 'm'));
    assert.equal((await fetch(`${demo.signer.url}/health`)).status, 200);
  });

  test('a demo directory made by an older version (factory key, 0x0064/0x0065) is refused with what to do', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'hsm.password'), 'old-password\n', { mode: 0o600 });
    await assert.rejects(
      startDemo({ dir, listen: { host: '127.0.0.1', port: 0 }, logDestination: quiet() }),
      (e: unknown) => isOpenKmsError(e) && e.code === 'config_invalid' && /older 'openkms demo'/.test(e.message) && /Remove the directory/.test(e.message),
    );
  });
});
