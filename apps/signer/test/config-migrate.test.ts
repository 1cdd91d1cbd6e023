import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configCommand } from '../src/cli/config-command.js';
import { parseConfig } from '../src/config/load-config.js';
import { startDemo, type RunningDemo } from '../src/demo/start-demo.js';
import { startSigner, type RunningSigner } from '../src/runtime/start-signer.js';
import { solanaTransferMessage } from './support/chain-fixtures.js';
import { NO_MIRROR, originalFile } from './support/original-openkms-mirror.js';
import { captureStream } from './support/test-signer.js';

const SYSTEM = '11111111111111111111111111111111';
const RECIPIENT = 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu';

/**
 * An original openKMS config modelled on its examples/config.toml (same sections, fields and shapes: [server] token
 * files and limits, [hsm], [audit], state_dir, [cosmos] accepted_pubkey_type_urls, [[keys]] with integer object_id,
 * derivation_path, address_style, default_hrp and its policy fields), pointing at our demo's simulated device.
 */
function originalConfig(o: { connector: string; passwordFile: string }): string {
  // state_dir comes first: in the original's example it follows [audit], where TOML makes it audit.state_dir
  return `state_dir = "state"

[server]
listen             = "127.0.0.1:0"
signer_token_file  = "secrets/signer.token"
admin_token_file   = "secrets/admin.token"
inflight_limit     = 64
replay_window_secs = 120

[hsm]
connector_url = "${o.connector}"
auth_key_id   = 3
password_file = "${o.passwordFile}"

[audit]
path          = "state/audit.jsonl"
hmac_key_file = "secrets/audit-hmac.key"

[cosmos]
accepted_pubkey_type_urls = [
  "/cosmos.crypto.secp256k1.PubKey",
  "/ethermint.crypto.v1.ethsecp256k1.PubKey",
  "/injective.crypto.v1beta1.ethsecp256k1.PubKey",
]

[[keys]]
label            = "cosmos-hub-0"
chain            = "cosmos"
object_id        = 0x0100
derivation_path  = "m/44'/118'/0'/0/0"
address_style    = "cosmos"
default_hrp      = "cosmos"

[keys.policy]
enabled              = true
max_signs_per_minute = 6
max_signs_per_hour   = 120
max_signs_per_day    = 500
daily_cap_lamports   = "5000000000"
per_tx_cap_lamports  = "500000000"

  [[keys.policy.allowed_messages]]
  type_url           = "/cosmos.bank.v1beta1.MsgSend"
  allowed_recipients = ["${RECIPIENT}", "cosmos1replace_me"]
  per_tx_cap         = { uatom = "500000000" }

[[keys]]
label     = "solana-hot-0"
chain     = "solana"
object_id = 0x0101

[keys.policy]
enabled              = true
max_signs_per_minute = 30
max_signs_per_hour   = 0
max_signs_per_day    = 5000
per_tx_cap_lamports  = "5000000000"

  [[keys.policy.allowed_programs]]
  id      = "${SYSTEM}"
  comment = "system transfers"
`;
}

async function migrate(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await configCommand(['migrate', ...argv], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('openkms config migrate --from-original', () => {
  const dirs: string[] = [];
  let demo: RunningDemo | undefined;
  let signer: RunningSigner | undefined;
  after(async () => {
    await signer?.close();
    await demo?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test("the original's config, tokens and kill switches become a config `openkms run` starts with; its agents' tokens sign", async () => {
    const root = mkdtempSync(join(tmpdir(), 'openkms-migrate-'));
    dirs.push(root);
    demo = await startDemo({ dir: join(root, 'demo'), listen: { host: '127.0.0.1', port: 0 }, logDestination: captureStream([]) });
    const orig = join(root, 'original');
    mkdirSync(join(orig, 'secrets'), { recursive: true });
    mkdirSync(join(orig, 'state'), { recursive: true });
    const signerToken = 'original-signer-token-0123456789abcdef';
    const adminToken = 'original-admin-token-0123456789abcdef';
    writeFileSync(join(orig, 'secrets/signer.token'), signerToken + '\n', { mode: 0o600 });
    writeFileSync(join(orig, 'secrets/admin.token'), adminToken + '\n', { mode: 0o600 });
    // the original's kill-switch file: cosmos-hub-0 disabled, solana-hot-0 explicitly enabled, one unknown label
    writeFileSync(join(orig, 'state/key-flags.json'), JSON.stringify({ enabled: { 'cosmos-hub-0': false, 'solana-hot-0': true, gone: false } }));
    writeFileSync(join(orig, 'config.toml'), originalConfig({ connector: demo.connectorUrl!, passwordFile: demo.files.hsmPassword }));

    const outDir = join(root, 'migrated');
    const r = await migrate(['--from-original', join(orig, 'config.toml'), '--out', outDir, '--hsm-password-encoding', 'hex']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /config\.toml: written \(2 keys: cosmos-hub-0, solana-hot-0\); tokens\.json: 2 imported token/);
    // what could not be carried over as it was is printed, path by path
    for (const phrase of [
      /allowed_recipients: "cosmos1replace_me" is not a valid cosmos address; dropped/,
      /max_signs_per_hour = 0 meant "no limit"/,
      /audit\.path .* is not continued/,
      /solana-hot-0 was force-enabled; our kill switch only disables/,
      /gone is not a migrated key/,
      /chain_id = "cosmoshub-4" guessed from default_hrp/,
      /summed all denominations/,
      /rolling 24 h window here, a UTC calendar day in the original/,
    ])
      assert.match(r.out, phrase);
    assert.ok(!r.out.includes(signerToken) && !r.out.includes(adminToken), 'tokens are never printed');

    const text = readFileSync(join(outDir, 'config.toml'), 'utf8');
    const config = parseConfig(text, join(outDir, 'config.toml'));
    const atom = config.keys['cosmos-hub-0']!;
    assert.equal(atom.keyId, '0x0100');
    assert.equal(atom.derivationPath, "m/44'/118'/0'/0/0");
    assert.deepEqual(atom.options, { bech32_prefix: 'cosmos', chain_id: 'cosmoshub-4' });
    assert.deepEqual(atom.policy.per_tx_caps, { 'denom:uatom': '500000000' });
    assert.deepEqual(atom.policy.window_caps, { 'denom:uatom': '5000000000' });
    assert.deepEqual((atom.policy.allowed_messages as { allowed_recipients?: string[] }[] | undefined)?.[0]?.allowed_recipients, [RECIPIENT]);
    const sol = config.keys['solana-hot-0']!;
    assert.deepEqual(sol.options, { cluster: 'mainnet-beta' });
    assert.equal(sol.policy.max_signs_per_hour, undefined);
    assert.deepEqual(sol.policy.per_tx_caps, { native: '5000000000' });
    assert.equal(config.server.maxInFlight, 64);
    assert.equal(config.replay.ttlSecs, 120);
    assert.deepEqual(config.plugins.options.cosmos, {
      accepted_pubkey_type_urls: [
        '/cosmos.crypto.secp256k1.PubKey',
        '/ethermint.crypto.v1.ethsecp256k1.PubKey',
        '/injective.crypto.v1beta1.ethsecp256k1.PubKey',
      ],
    });
    const tokens = readFileSync(join(outDir, 'tokens.json'), 'utf8');
    assert.ok(!tokens.includes(signerToken), 'only hashes are stored');
    for (const f of ['config.toml', 'tokens.json', 'state.json', 'audit.key']) assert.equal(statSync(join(outDir, f)).mode & 0o777, 0o600, f);
    assert.deepEqual(JSON.parse(readFileSync(join(outDir, 'state.json'), 'utf8')), {
      version: 1,
      global_enabled: true,
      keys: { 'cosmos-hub-0': { enabled: false } },
    });

    // `openkms run` on the result: the original's tokens work, the original's kill switch holds
    await demo.close();
    demo = await startDemo({ dir: join(root, 'demo'), listen: { host: '127.0.0.1', port: 0 }, logDestination: captureStream([]) });
    // the demo's device moved to a new secret URL; and a simulated device must be allowed explicitly
    writeFileSync(join(outDir, 'config.toml'), text.replace(/connectors = \[[^\]]*\]/, `connectors = [ "${demo.connectorUrl}" ]\nallow_simulated = true`));
    signer = await startSigner({ configFile: join(outDir, 'config.toml'), listen: { host: '127.0.0.1', port: 0 }, logDestination: captureStream([]) });
    const call = (method: string, path: string, token?: string, body?: unknown) =>
      fetch(signer!.url + path, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const listed = (await (await call('GET', '/keys', signerToken)).json()) as { label: string | null; address: string; object_id: number; key_id: string }[];
    // the demo device also holds evm-hot-0, which the original's config does not map: listed as discovered (label null)
    assert.ok(
      listed.some((k) => k.label === null && k.key_id.toLowerCase() === '0x0102'),
      JSON.stringify(listed),
    );
    const keys = listed.filter((k): k is typeof k & { label: string } => k.label !== null);
    assert.deepEqual(keys.map((k) => [k.label, k.object_id]).sort(), [
      ['cosmos-hub-0', 0x100],
      ['solana-hot-0', 0x101],
    ]);
    const from = keys.find((k) => k.label === 'solana-hot-0')!.address;
    const message_b64 = Buffer.from(solanaTransferMessage({ from, lamports: 1000n })).toString('base64');
    const signed = await call('POST', '/sign/solana', signerToken, { label: 'solana-hot-0', message_b64 });
    assert.equal(signed.status, 200, await signed.clone().text());
    assert.equal(((await signed.json()) as { signature_b64: string }).signature_b64.length, 88);
    const view = (await (await call('GET', '/policy/cosmos-hub-0', signerToken)).json()) as { effective_enabled: boolean };
    assert.equal(view.effective_enabled, false, 'the kill switch from key-flags.json holds');
    assert.equal((await call('GET', '/admin/policy', adminToken)).status, 200, 'the admin token is an admin token');
    assert.equal((await call('GET', '/admin/policy', signerToken)).status, 403, 'the signer token is not');
  });

  test("the original's own examples/config.toml (from its repository when this machine has it)", async (t) => {
    const example = originalFile('examples/config.toml');
    if (example === undefined) {
      t.skip(NO_MIRROR);
      return;
    }
    const root = mkdtempSync(join(tmpdir(), 'openkms-migrate-example-'));
    dirs.push(root);
    writeFileSync(join(root, 'config.toml'), example);
    const r = await migrate(['--from-original', join(root, 'config.toml'), '--out', join(root, 'out')]);
    assert.equal(r.code, 0, r.err);
    // its token files live in /etc/openkms on the original's host: reported, not invented
    assert.match(r.out, /\/etc\/openkms\/signer\.token: cannot read/);
    assert.match(r.out, /"cosmos1replace_me" is not a valid cosmos address; dropped/);
    assert.match(r.out, /audit\.state_dir: TOML reads state_dir after \[audit\] as part of \[audit\]/);
    const config = parseConfig(readFileSync(join(root, 'out/config.toml'), 'utf8'), join(root, 'out/config.toml'));
    assert.deepEqual(Object.keys(config.keys).sort(), ['cosmos-hub-0', 'solana-hot-0']);
    assert.equal(config.backend.yubihsm.passwordFile, '/etc/openkms/hsm-password');
    assert.deepEqual(config.backend.yubihsm.connectors, ['http://127.0.0.1:12345']);
  });

  test('usage errors: both flags are required; an existing output config is never overwritten', async () => {
    await assert.rejects(migrate(['--from-original', 'x.toml']), /--out DIR/);
    const root = mkdtempSync(join(tmpdir(), 'openkms-migrate-usage-'));
    dirs.push(root);
    writeFileSync(join(root, 'config.toml'), '');
    await assert.rejects(migrate(['--from-original', join(root, 'config.toml'), '--out', root]), /exists; choose a new --out/);
  });
});
