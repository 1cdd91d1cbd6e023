import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keypair, Message, Transaction } from '@solana/web3.js';
import { getTransactionDecoder, lamports, address as kitAddress } from '@solana/kit';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import { Secp256k1, Secp256k1Signature, sha256 } from '@cosmjs/crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { recoverTransactionAddress, type Hex, type TransactionSerializable } from 'viem';
import { isOpenKmsError } from '@openkms/core';
import { createSoftHsmToken, softHsmMissing, type SoftHsmToken } from '@openkms/tooling/test-helpers';
import { TokenStore } from '../src/auth/token-store.js';
import { keysCommand } from '../src/cli/keys-command.js';
import { waitForAudit } from './support/audit-files.js';
import { cosmosSendSignDoc, solanaTransferMessage } from './support/chain-fixtures.js';
import { startupError } from './support/startup-error.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { waitFor } from './support/wait-for.js';

const skip = softHsmMissing();
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const SYSTEM_PROGRAM = '11111111111111111111111111111111';
const FRIEND = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/third-party');

/** The demo's keys name their backend (two backends: a key must say which one holds it). */
// every `[keys.<label>]` table of the demo config (not `[networks.*]`, which also has a `chain` line) gets a backend
const demoKeysOnYubiHsm = (toml: string) => toml.replace(/^(\[keys\.[a-z0-9-]+\]\nchain = "[a-z]+")$/gm, '$1\nbackend = "yubihsm"');

function softBackend(token: SoftHsmToken): string {
  return `
[backends.soft]
kind = "pkcs11"
module = "${token.module}"
token_label = "${token.tokenLabel}"
pin_file = "${token.pinFile}"
pool_size = 2

[keys.soft-sol]
chain = "solana"
backend = "soft"
key_id = "soft-sol"

[keys.soft-sol.options]
cluster = "mainnet-beta"

[keys.soft-sol.policy]
per_tx_cap_lamports = "5000000000"
allowed_programs = [{ id = "${SYSTEM_PROGRAM}" }]

[keys.soft-cos]
chain = "cosmos"
backend = "soft"
key_id = "id:c0"

[keys.soft-cos.options]
bech32_prefix = "cosmos"
chain_id = "cosmoshub-4"

[keys.soft-cos.policy]
per_tx_caps = { "denom:uatom" = "10000000" }
fee_caps = { "denom:uatom" = "50000" }
allowed_messages = [{ type_url = "/cosmos.bank.v1beta1.MsgSend" }]

[keys.soft-evm]
chain = "evm"
backend = "soft"
key_id = "soft-evm"

[keys.soft-evm.options]
chain_id = 31337

[keys.soft-evm.policy]
per_tx_caps = { native = "2000000000000000000" }
fee_caps = { native = "10000000000000000" }
allowed_programs = [{ id = "native" }]
allowed_recipients = [{ asset = "native", addresses = ["${FRIEND}"] }]
`;
}

describe('several key backends in one signer: the simulated YubiHSM2 and a SoftHSM2 token (PKCS#11)', { skip }, () => {
  let s: TestSigner;
  let token: SoftHsmToken;
  let agent: string;
  let keys: Record<string, { label: string | null; address: string; public_key_b64: string; backend: string; key_id: string; configured?: boolean }>;
  before(async () => {
    token = createSoftHsmToken();
    token.generate({ label: 'soft-sol', curve: 'ed25519', id: '50' });
    token.generate({ label: 'soft-cos', curve: 'secp256k1', id: 'c0' });
    token.generate({ label: 'soft-evm', curve: 'secp256k1', id: 'e0' });
    token.generate({ label: 'spare', curve: 'ed25519', id: '99' });
    const dir = mkdtempSync(join(tmpdir(), 'openkms-multi-'));
    s = await startTestSigner({
      dir,
      config: (toml) => {
        agent = TokenStore.load(join(dir, 'tokens.json')).create('multi-agent', ['sign', 'read']);
        return demoKeysOnYubiHsm(toml) + softBackend(token);
      },
    });
    const res = await s.request('GET', '/keys', { token: agent });
    assert.equal(res.status, 200, res.text);
    keys = Object.fromEntries(res.json.map((k: { label: string | null; key_id: string }) => [k.label ?? `discovered:${k.key_id}`, k]));
  });
  after(async () => {
    await s?.close();
    token?.remove();
  });

  test('GET /keys: each key with its backend; a discovered key no label maps to is listed as not configured', () => {
    assert.equal(keys['solana-hot-0']!.backend, 'yubihsm');
    assert.equal(keys['soft-sol']!.backend, 'soft');
    assert.equal(keys['soft-cos']!.key_id, 'id:c0');
    const spare = keys['discovered:spare']!;
    assert.equal(spare.backend, 'soft');
    assert.equal(spare.configured, false);
    assert.equal(spare.label, null);
    assert.equal(Buffer.from(spare.public_key_b64, 'base64').length, 32);
  });

  test('Solana: a key generated in the SoftHSM2 token signs a transaction litesvm executes; the audit record names the backend', async () => {
    const svm = new LiteSVM();
    const payer = keys['soft-sol']!.address;
    assert.ok(!(svm.airdrop(kitAddress(payer), lamports(3_000_000_000n)) instanceof FailedTransactionMetadata));
    const recipient = Keypair.generate().publicKey.toBase58();
    const message = solanaTransferMessage({ from: payer, to: recipient, lamports: 1_000_000_000n, blockhash: svm.latestBlockhash() });
    const res = await s.request('POST', '/sign/solana', {
      token: agent,
      body: { label: 'soft-sol', message_b64: Buffer.from(message).toString('base64'), expected_chain_id: 'mainnet-beta' },
    });
    assert.equal(res.status, 200, res.text);
    const tx = Transaction.populate(Message.from(Buffer.from(message)), [res.json.signature_b58]);
    const result = svm.sendTransaction(getTransactionDecoder().decode(new Uint8Array(tx.serialize())));
    assert.ok(!(result instanceof FailedTransactionMetadata), String(result));
    assert.equal(svm.getBalance(kitAddress(recipient)), 1_000_000_000n);
    const [rec] = await waitForAudit(s, (r) => r.request_id === res.headers.get('x-request-id'));
    assert.equal(rec!.backend, 'soft');
    assert.equal(rec!.hsm_device, token.tokenLabel);
    assert.equal(rec!.key_id, 'soft-sol');
  });

  test('Cosmos: a low-S signature from the token that cosmjs verifies', async () => {
    const key = keys['soft-cos']!;
    const publicKey = Buffer.from(key.public_key_b64, 'base64');
    const doc = cosmosSendSignDoc({ publicKey, from: key.address, amounts: [{ denom: 'uatom', amount: '1000000' }] });
    const res = await s.request('POST', '/sign/cosmos', {
      token: agent,
      body: { label: 'soft-cos', sign_doc_b64: Buffer.from(doc).toString('base64'), expected_chain_id: 'cosmoshub-4' },
    });
    assert.equal(res.status, 200, res.text);
    const sig = Buffer.from(res.json.signature_b64, 'base64');
    assert.ok(await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(sig), sha256(doc), publicKey));
    assert.ok(BigInt('0x' + sig.subarray(32).toString('hex')) <= SECP256K1_N / 2n, 'low S');
  });

  test('EVM: an EIP-1559 transaction signed by the token recovers to the key address', async () => {
    const address = keys['soft-evm']!.address;
    const tx = {
      type: 'eip1559',
      chainId: 31337,
      nonce: 0,
      gas: '21000',
      to: FRIEND,
      value: (10n ** 15n).toString(),
      maxFeePerGas: '2000000000',
      maxPriorityFeePerGas: '1000000000',
    } as unknown as TransactionSerializable;
    const res = await s.request('POST', '/sign/evm', { token: agent, body: { label: 'soft-evm', expected_chain_id: '31337', tx } });
    assert.equal(res.status, 200, res.text);
    assert.equal(await recoverTransactionAddress({ serializedTransaction: res.json.raw_transaction as Hex as never }), address);
  });

  test('the YubiHSM2 keys keep signing through their own backend, and its audit record names it', async () => {
    const payer = keys['solana-hot-0']!.address;
    const message = solanaTransferMessage({ from: payer, lamports: 1000n });
    const res = await s.request('POST', '/sign/solana', {
      token: agent,
      body: { label: 'solana-hot-0', message_b64: Buffer.from(message).toString('base64') },
    });
    assert.equal(res.status, 200, res.text);
    assert.ok(ed25519.verify(Buffer.from(res.json.signature_b64, 'base64'), message, Buffer.from(keys['solana-hot-0']!.public_key_b64, 'base64')));
    const [rec] = await waitForAudit(s, (r) => r.request_id === res.headers.get('x-request-id'));
    assert.equal(rec!.backend, 'yubihsm');
  });

  test("one backend down: the other's keys keep signing; /health is degraded and names the one that is down", async () => {
    const ok = await s.request('GET', '/health');
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json.backends, [
      { name: 'soft', kind: 'pkcs11', up: true },
      { name: 'yubihsm', kind: 'yubihsm', up: true },
    ]);
    s.demo.sim.faults.disappear();
    try {
      const health = await waitFor(async () => {
        const h = await s.request('GET', '/health');
        return h.json?.hsm_up === false && h;
      }, 'the YubiHSM2 reported down');
      assert.equal(health.status, 503);
      assert.equal(health.json.status, 'degraded');
      assert.deepEqual(health.json.backends, [
        { name: 'soft', kind: 'pkcs11', up: true },
        { name: 'yubihsm', kind: 'yubihsm', up: false },
      ]);
      const message = solanaTransferMessage({ from: keys['soft-sol']!.address, lamports: 1000n });
      const soft = await s.request('POST', '/sign/solana', { token: agent, body: { label: 'soft-sol', message_b64: Buffer.from(message).toString('base64') } });
      assert.equal(soft.status, 200, soft.text);
      const hsmMessage = solanaTransferMessage({ from: keys['solana-hot-0']!.address, lamports: 1000n });
      const down = await s.request('POST', '/sign/solana', {
        token: agent,
        body: { label: 'solana-hot-0', message_b64: Buffer.from(hsmMessage).toString('base64') },
      });
      assert.equal(down.status, 503, down.text);
      assert.equal(down.json.code, 'backend_unavailable');
    } finally {
      s.demo.sim.faults.reappear();
    }
    await waitFor(async () => (await s.request('GET', '/health')).json?.hsm_up === true, 'the YubiHSM2 is back');
  });

  test('`openkms keys list` shows each key with its backend, and the discovered key no label maps to', async () => {
    const tokenFile = join(s.dir, 'agent.token');
    writeFileSync(tokenFile, agent, { mode: 0o600 });
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    assert.equal(await keysCommand(['list', '--url', s.url, '--token-file', tokenFile], io), 0, lines.join('\n'));
    const text = lines.join('\n');
    // ORIGIN: what the backend reports (the YubiHSM2's object origin; PKCS#11 reports none)
    assert.match(text, /^soft-sol +soft +soft-sol +solana +- +\w{32,44}$/m);
    assert.match(text, /^solana-hot-0 +yubihsm +0x0101 +solana +imported \(attestable\) /m);
    assert.match(text, /^- +soft +spare +ed25519 +- +not configured \(backend label spare\)$/m);
    assert.doesNotMatch(text, /^- +soft +soft-cos /m, 'a key configured by its CKA_ID is not listed again under its label');
    assert.equal(await keysCommand(['list', '--url', s.url], { out: () => undefined, err: () => undefined }), 1, 'no token: 401');
  });

  test('/metrics counts signatures per backend', async () => {
    const text = (await s.request('GET', '/metrics', { token: agent })).text;
    assert.match(text, /openkms_backend_signatures_total\{backend="soft",curve="ed25519",result="ok"\} [1-9]/);
    assert.match(text, /openkms_backend_signatures_total\{backend="yubihsm",curve="ed25519",result="ok"\} [1-9]/);
    assert.match(text, /openkms_backend_up\{backend="soft",kind="pkcs11"\} 1/);
  });
});

describe('backend config errors stop start-up with the dotted path', { skip }, () => {
  test('an option the backend plugin does not know, a missing one, an unsupported curve, an ambiguous key', async () => {
    const token = createSoftHsmToken();
    const s = await startTestSigner();
    try {
      const file = s.demo.files.config;
      const base = readFileSync(file, 'utf8');
      const attempt = (toml: string) => startupError(file, toml);
      const badOption = await attempt(
        demoKeysOnYubiHsm(base) +
          `\n[backends.hsm2]\nkind = "pkcs11"\nmodule = "${token.module}"\ntoken_label = "x"\npin_file = "${token.pinFile}"\npin_fiel = "typo"\n`,
      );
      assert.ok(isOpenKmsError(badOption) && badOption.code === 'config_invalid', String(badOption));
      assert.equal(badOption.context.path, 'backends.hsm2.pin_fiel');

      const missing = await attempt(demoKeysOnYubiHsm(base) + `\n[backends.hsm2]\nkind = "pkcs11"\nmodule = "${token.module}"\ntoken_label = "x"\n`);
      assert.ok(isOpenKmsError(missing) && missing.context.path === 'backends.hsm2.pin_file', String(missing));

      const ambiguous = await attempt(
        base + `\n[backends.hsm2]\nkind = "pkcs11"\nmodule = "${token.module}"\ntoken_label = "x"\npin_file = "${token.pinFile}"\n`,
      );
      assert.ok(isOpenKmsError(ambiguous) && ambiguous.context.path === 'keys.solana-hot-0.backend', String(ambiguous));
      assert.match(ambiguous.message, /several backends are configured/);

      // the third-party toy vault signs ed25519 only: a Cosmos key on it is refused at start-up
      const curve = await attempt(
        demoKeysOnYubiHsm(base) +
          `\n[plugins]\nenabled = ["@openkms/solana", "@openkms/cosmos", "@openkms/evm", "openkms-backend-toyvault"]\nsearch_paths = [${JSON.stringify(fixtures)}]\n` +
          `\n[backends.toy]\nkind = "toyvault"\nvault_name = "v"\nkey_names = ["a"]\n\n[keys.toy-cosmos]\nchain = "cosmos"\nbackend = "toy"\nkey_id = "a"\n\n[keys.toy-cosmos.options]\nbech32_prefix = "cosmos"\nchain_id = "cosmoshub-4"\n`,
      );
      assert.ok(isOpenKmsError(curve) && curve.code === 'config_invalid', String(curve));
      assert.equal(curve.context.path, 'keys.toy-cosmos.backend');
      assert.match(curve.message, /toy-cosmos.*secp256k1.*"toy".*toyvault/);
    } finally {
      await s.close();
      token.remove();
    }
  });
});

test('a third-party backend package is discovered from package.json and signs its keys, with no signer code change', async () => {
  let s = await startTestSigner({ config: demoKeysOnYubiHsm });
  try {
    appendFileSync(
      s.demo.files.config,
      `
[plugins]
enabled = ["@openkms/solana", "@openkms/cosmos", "@openkms/evm", "openkms-backend-toyvault"]
search_paths = [${JSON.stringify(fixtures)}]

[backends.toy]
kind = "toyvault"
vault_name = "vault-1"
key_names = ["treasury", "unmapped"]

[keys.toy-sol]
chain = "solana"
backend = "toy"
key_id = "treasury"

[keys.toy-sol.options]
cluster = "mainnet-beta"

[keys.toy-sol.policy]
per_tx_cap_lamports = "5000000000"
allowed_programs = [{ id = "${SYSTEM_PROGRAM}" }]
`,
    );
    const agent = TokenStore.load(join(s.dir, 'tokens.json')).create('toy-agent', ['sign', 'read']);
    s = await s.restart({ config: (t) => t });
    const listed = await s.request('GET', '/keys', { token: agent });
    const toy = listed.json.find((k: { label: string }) => k.label === 'toy-sol');
    assert.equal(toy.backend, 'toy');
    assert.ok(listed.json.some((k: { key_id: string; configured?: boolean }) => k.key_id === 'unmapped' && k.configured === false));
    const message = solanaTransferMessage({ from: toy.address, lamports: 1000n });
    const res = await s.request('POST', '/sign/solana', { token: agent, body: { label: 'toy-sol', message_b64: Buffer.from(message).toString('base64') } });
    assert.equal(res.status, 200, res.text);
    assert.ok(ed25519.verify(Buffer.from(res.json.signature_b64, 'base64'), message, Buffer.from(toy.public_key_b64, 'base64')));
    const [rec] = await waitForAudit(s, (r) => r.request_id === res.headers.get('x-request-id'));
    assert.equal(rec!.backend, 'toy');
    assert.equal(rec!.hsm_device, 'vault-1');
    const startup = s.logs.map((l) => JSON.parse(l)).findLast((l) => l.msg === 'key backend plugins');
    assert.ok(startup.loaded.some((p: { name: string }) => p.name === 'openkms-backend-toyvault'));

    // backends start with the signer: a reload that puts a key on a backend added since is refused (restart needed)
    appendFileSync(
      s.demo.files.config,
      `\n[backends.toy2]\nkind = "toyvault"\nvault_name = "vault-2"\nkey_names = ["x"]\n\n[keys.toy2-sol]\nchain = "solana"\nbackend = "toy2"\nkey_id = "x"\n\n[keys.toy2-sol.options]\ncluster = "mainnet-beta"\n`,
    );
    const reload = await s.request('POST', '/admin/reload', { token: s.adminToken });
    assert.equal(reload.status, 400, reload.text);
    assert.equal(reload.json.code, 'config_invalid');
    assert.match(reload.json.error, /keys\.toy2-sol\.backend: the backend "toy2" is not running/);
  } finally {
    await s.close();
  }
});
