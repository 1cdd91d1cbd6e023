// The cloud key backends (AWS KMS, HashiCorp Vault, Azure Key Vault) through the signer's HTTP API, against the
// TEST-ONLY emulators of their wire APIs in tooling/kms-emulators (real key material, so every signature really
// verifies). Credentials come from files, as the packages' READMEs document — never from the config in clear — and
// none of them may appear in the signer's logs, error bodies or audit records.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keypair, Message, Transaction } from '@solana/web3.js';
import { getTransactionDecoder, lamports, address as kitAddress } from '@solana/kit';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import { Secp256k1, Secp256k1Signature, sha256 } from '@cosmjs/crypto';
import { recoverTransactionAddress, type Hex, type TransactionSerializable } from 'viem';
import TOML from '@iarna/toml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { isOpenKmsError } from '@openkms/core';
import { awsKmsOptionsSchema } from '@openkms/aws-kms';
import { azureKeyVaultOptionsSchema } from '@openkms/azure-key-vault';
import { vaultOptionsSchema } from '@openkms/vault';
import {
  createSelfSignedCert,
  hasOpenssl,
  startAwsKmsEmulator,
  startAzureKeyVaultEmulator,
  startVaultEmulator,
  type AwsKmsEmulator,
  type AzureKeyVaultEmulator,
  type VaultEmulator,
} from '@openkms/tooling/kms-emulators';
import { TokenStore } from '../src/auth/token-store.js';
import { auditLines, waitForAudit } from './support/audit-files.js';
import { cosmosSendSignDoc, solanaTransferMessage } from './support/chain-fixtures.js';
import { spawnCli } from './support/cli-process.js';
import { requestSigner, startTestSigner, type TestSigner } from './support/test-signer.js';
import { startupError } from './support/startup-error.js';
import { waitFor } from './support/wait-for.js';

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const SYSTEM_PROGRAM = '11111111111111111111111111111111';
const FRIEND = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

type ListedKey = { label: string | null; address: string; public_key_b64: string; backend: string; key_id: string; configured?: boolean };

/** The demo's keys name their backend (several backends: a key must say which one holds it). */
const demoKeysOnYubiHsm = (toml: string) => toml.replace(/^(\[keys\.[a-z0-9-]+\]\nchain = "[a-z]+")$/gm, '$1\nbackend = "yubihsm"');

const solanaKey = (label: string, backend: string, keyId: string) => `
[keys.${label}]
chain = "solana"
backend = "${backend}"
key_id = "${keyId}"

[keys.${label}.options]
cluster = "mainnet-beta"

[keys.${label}.policy]
per_tx_cap_lamports = "5000000000"
allowed_programs = [{ id = "${SYSTEM_PROGRAM}" }]
`;

const cosmosKey = (label: string, backend: string, keyId: string) => `
[keys.${label}]
chain = "cosmos"
backend = "${backend}"
key_id = "${keyId}"

[keys.${label}.options]
bech32_prefix = "cosmos"
chain_id = "cosmoshub-4"

[keys.${label}.policy]
per_tx_caps = { "denom:uatom" = "10000000" }
fee_caps = { "denom:uatom" = "50000" }
allowed_messages = [{ type_url = "/cosmos.bank.v1beta1.MsgSend" }]
`;

const evmKey = (label: string, backend: string, keyId: string) => `
[keys.${label}]
chain = "evm"
backend = "${backend}"
key_id = "${keyId}"

[keys.${label}.options]
chain_id = 31337

[keys.${label}.policy]
per_tx_caps = { native = "2000000000000000000" }
fee_caps = { native = "10000000000000000" }
allowed_programs = [{ id = "native" }]
allowed_recipients = [{ asset = "native", addresses = ["${FRIEND}"] }]
`;

const evmTx = (nonce: number) =>
  ({
    type: 'eip1559',
    chainId: 31337,
    nonce,
    gas: '21000',
    to: FRIEND,
    value: (10n ** 15n).toString(),
    maxFeePerGas: '2000000000',
    maxPriorityFeePerGas: '1000000000',
  }) as unknown as TransactionSerializable;

type Caller = Pick<TestSigner, 'request'>;

async function listKeys(s: Caller, token: string): Promise<Record<string, ListedKey>> {
  const res = await s.request('GET', '/keys', { token });
  assert.equal(res.status, 200, res.text);
  return Object.fromEntries(res.json.map((k: ListedKey) => [k.label ?? `discovered:${k.backend}:${k.key_id}`, k]));
}

async function signSolanaInLiteSvm(s: Caller, token: string, label: string, payer: string): Promise<Headers> {
  const svm = new LiteSVM();
  assert.ok(!(svm.airdrop(kitAddress(payer), lamports(3_000_000_000n)) instanceof FailedTransactionMetadata));
  const recipient = Keypair.generate().publicKey.toBase58();
  const message = solanaTransferMessage({ from: payer, to: recipient, lamports: 1_000_000_000n, blockhash: svm.latestBlockhash() });
  const res = await s.request('POST', '/sign/solana', {
    token,
    body: { label, message_b64: Buffer.from(message).toString('base64'), expected_chain_id: 'mainnet-beta' },
  });
  assert.equal(res.status, 200, res.text);
  const tx = Transaction.populate(Message.from(Buffer.from(message)), [res.json.signature_b58]);
  const result = svm.sendTransaction(getTransactionDecoder().decode(new Uint8Array(tx.serialize())));
  assert.ok(!(result instanceof FailedTransactionMetadata), String(result));
  assert.equal(svm.getBalance(kitAddress(recipient)), 1_000_000_000n);
  return res.headers;
}

async function signCosmosLowS(s: Caller, token: string, label: string, key: ListedKey): Promise<void> {
  const publicKey = Buffer.from(key.public_key_b64, 'base64');
  const doc = cosmosSendSignDoc({ publicKey, from: key.address, amounts: [{ denom: 'uatom', amount: '1000000' }] });
  const res = await s.request('POST', '/sign/cosmos', {
    token,
    body: { label, sign_doc_b64: Buffer.from(doc).toString('base64'), expected_chain_id: 'cosmoshub-4' },
  });
  assert.equal(res.status, 200, res.text);
  const sig = Buffer.from(res.json.signature_b64, 'base64');
  assert.ok(await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(sig), sha256(doc), publicKey));
  assert.ok(BigInt('0x' + sig.subarray(32).toString('hex')) <= SECP256K1_N / 2n, 'low S');
}

async function signEvmRecovers(s: Caller, token: string, label: string, address: string, nonce: number): Promise<void> {
  const res = await s.request('POST', '/sign/evm', { token, body: { label, expected_chain_id: '31337', tx: evmTx(nonce) } });
  assert.equal(res.status, 200, res.text);
  assert.equal(await recoverTransactionAddress({ serializedTransaction: res.json.raw_transaction as Hex as never }), address);
}

describe('AWS KMS and HashiCorp Vault backends in one signer (emulated services), through the HTTP API', () => {
  let s: TestSigner;
  let kms: AwsKmsEmulator;
  let slowKms: AwsKmsEmulator;
  let vault: VaultEmulator;
  let agent: string;
  let keys: Record<string, ListedKey>;
  let secrets: string[];
  const bodies: string[] = [];

  before(async () => {
    kms = await startAwsKmsEmulator();
    slowKms = await startAwsKmsEmulator();
    vault = await startVaultEmulator();
    // KMS: the Solana key by alias, the EVM key by ARN, the Cosmos key by key id, one aliased key no label maps to
    kms.addKey('ECC_NIST_EDWARDS25519', { alias: 'alias/openkms/sol-hot' });
    const evm = kms.addKey('ECC_SECG_P256K1', { alias: 'alias/openkms/evm-hot' });
    const cos = kms.addKey('ECC_SECG_P256K1');
    kms.addKey('ECC_SECG_P256K1', { alias: 'alias/openkms/spare' });
    kms.highS = true; // KMS may return the high-S half: the signer must normalise it
    slowKms.addKey('ECC_NIST_EDWARDS25519', { alias: 'alias/openkms/sol-slow' });
    vault.addTransitKey('openkms-sol-hot');
    vault.addTransitKey('openkms-spare');

    const dir = mkdtempSync(join(tmpdir(), 'openkms-cloud-'));
    const credentials = `[openkms]\naws_access_key_id = ${kms.accessKeyId}\naws_secret_access_key = ${kms.secretAccessKey}\n`;
    const slowCredentials = `[openkms]\naws_access_key_id = ${slowKms.accessKeyId}\naws_secret_access_key = ${slowKms.secretAccessKey}\n`;
    writeFileSync(join(dir, 'aws-credentials'), credentials, { mode: 0o600 });
    writeFileSync(join(dir, 'aws-credentials-slow'), slowCredentials, { mode: 0o600 });
    writeFileSync(join(dir, 'aws-config'), '', { mode: 0o600 });
    writeFileSync(join(dir, 'vault-token'), vault.rootToken, { mode: 0o600 });
    secrets = [kms.secretAccessKey, vault.rootToken];
    s = await startTestSigner({
      dir,
      config: (toml) => {
        agent = TokenStore.load(join(dir, 'tokens.json')).create('cloud-agent', ['sign', 'read']);
        return (
          demoKeysOnYubiHsm(toml) +
          `
[backends.kms]
kind = "aws-kms"
region = "${kms.region}"
endpoint = "${kms.url}"
profile = "openkms"
credentials_file = "aws-credentials"
config_file = "aws-config"
timeout_ms = 20000

[backends.kms-slow]
kind = "aws-kms"
region = "${slowKms.region}"
endpoint = "${slowKms.url}"
profile = "openkms"
credentials_file = "aws-credentials-slow"
config_file = "aws-config"
timeout_ms = 4000
max_attempts = 3

[backends.vault]
kind = "vault"
address = "${vault.url}"
token_file = "vault-token"
timeout_ms = 20000
max_attempts = 3
` +
          solanaKey('kms-sol', 'kms', 'alias/openkms/sol-hot') +
          evmKey('kms-evm', 'kms', evm.arn) +
          cosmosKey('kms-cos', 'kms', cos.keyId) +
          solanaKey('slow-sol', 'kms-slow', 'alias/openkms/sol-slow') +
          solanaKey('vault-sol', 'vault', 'openkms-sol-hot')
        );
      },
    });
    keys = await listKeys(s, agent);
  });
  after(async () => {
    await s?.close();
    await kms?.close();
    await slowKms?.close();
    await vault?.close();
  });

  test('GET /keys: the configured keys with their backend, and the discovered keys no label maps to', () => {
    assert.equal(keys['kms-sol']!.backend, 'kms');
    assert.equal(keys['kms-evm']!.backend, 'kms');
    assert.equal(keys['kms-cos']!.backend, 'kms');
    assert.equal(keys['vault-sol']!.backend, 'vault');
    const kmsSpare = keys['discovered:kms:alias/openkms/spare'];
    assert.ok(kmsSpare, JSON.stringify(Object.keys(keys)));
    assert.equal(kmsSpare.configured, false);
    assert.equal(kmsSpare.label, null);
    const vaultSpare = keys['discovered:vault:openkms-spare'];
    assert.ok(vaultSpare, JSON.stringify(Object.keys(keys)));
    assert.equal(vaultSpare.configured, false);
    assert.equal(Buffer.from(vaultSpare.public_key_b64, 'base64').length, 32);
    // a key configured by alias is not listed again as discovered
    assert.equal(keys['discovered:kms:alias/openkms/sol-hot'], undefined);
    assert.equal(keys['discovered:vault:openkms-sol-hot'], undefined);
  });

  test('AWS KMS ed25519: a Solana transfer litesvm executes; the audit record names the backend', async () => {
    const headers = await signSolanaInLiteSvm(s, agent, 'kms-sol', keys['kms-sol']!.address);
    const [rec] = await waitForAudit(s, (r) => r.request_id === headers.get('x-request-id'));
    assert.equal(rec!.backend, 'kms');
    assert.equal(rec!.key_id, 'alias/openkms/sol-hot');
  });

  test('Vault transit ed25519: a Solana transfer litesvm executes; the audit record names the backend', async () => {
    const headers = await signSolanaInLiteSvm(s, agent, 'vault-sol', keys['vault-sol']!.address);
    const [rec] = await waitForAudit(s, (r) => r.request_id === headers.get('x-request-id'));
    assert.equal(rec!.backend, 'vault');
  });

  test('AWS KMS secp256k1: a Cosmos signature that verifies with low S (KMS answered high S)', async () => {
    await signCosmosLowS(s, agent, 'kms-cos', keys['kms-cos']!);
  });

  test('AWS KMS secp256k1: an EIP-1559 transaction whose sender recovers to the key address', async () => {
    await signEvmRecovers(s, agent, 'kms-evm', keys['kms-evm']!.address, 0);
  });

  test('a service that throttles persistently → 503 backend_unavailable with an audit record; the other backends keep signing', async () => {
    slowKms.faults.throttle = 1000;
    try {
      const message = solanaTransferMessage({ from: keys['slow-sol']!.address, lamports: 1000n });
      const res = await s.request('POST', '/sign/solana', { token: agent, body: { label: 'slow-sol', message_b64: Buffer.from(message).toString('base64') } });
      assert.equal(res.status, 503, res.text);
      assert.equal(res.json.code, 'backend_unavailable');
      bodies.push(res.text);
      const [rec] = await waitForAudit(s, (r) => r.request_id === res.headers.get('x-request-id'));
      assert.equal(rec!.reason_code, 'backend_unavailable');
      assert.equal(rec!.backend, 'kms-slow');
      const health = await s.request('GET', '/health');
      assert.equal(health.status, 503);
      assert.deepEqual(
        health.json.backends.find((b: { name: string }) => b.name === 'kms-slow'),
        { name: 'kms-slow', kind: 'aws-kms', up: false },
      );
      assert.ok(health.json.backends.find((b: { name: string }) => b.name === 'kms').up);
      await signEvmRecovers(s, agent, 'kms-evm', keys['kms-evm']!.address, 1);
    } finally {
      slowKms.faults.throttle = 0;
    }
  });

  test('a Vault that throttles persistently → 503 backend_unavailable with an audit record', async () => {
    vault.faults.throttle = 1000;
    try {
      const message = solanaTransferMessage({ from: keys['vault-sol']!.address, lamports: 1000n });
      const res = await s.request('POST', '/sign/solana', { token: agent, body: { label: 'vault-sol', message_b64: Buffer.from(message).toString('base64') } });
      assert.equal(res.status, 503, res.text);
      assert.equal(res.json.code, 'backend_unavailable');
      bodies.push(res.text);
      const [rec] = await waitForAudit(s, (r) => r.request_id === res.headers.get('x-request-id'));
      assert.equal(rec!.reason_code, 'backend_unavailable');
      assert.equal(rec!.backend, 'vault');
    } finally {
      vault.faults.throttle = 0;
    }
  });

  test('a service that hangs → 503 backend_timeout within timeout_ms, with an audit record; /health names it down, then up again', async () => {
    slowKms.faults.hang = true;
    try {
      const message = solanaTransferMessage({ from: keys['slow-sol']!.address, lamports: 1000n });
      const res = await s.request('POST', '/sign/solana', { token: agent, body: { label: 'slow-sol', message_b64: Buffer.from(message).toString('base64') } });
      assert.equal(res.status, 503, res.text);
      assert.equal(res.json.code, 'backend_timeout');
      bodies.push(res.text);
      const [rec] = await waitForAudit(s, (r) => r.request_id === res.headers.get('x-request-id'));
      assert.equal(rec!.reason_code, 'backend_timeout');
      assert.equal(rec!.backend, 'kms-slow');
      const health = await s.request('GET', '/health');
      assert.equal(health.status, 503);
      assert.equal(health.json.backends.find((b: { name: string }) => b.name === 'kms-slow').up, false);
    } finally {
      slowKms.faults.hang = false;
    }
    await waitFor(async () => (await s.request('GET', '/health')).status === 200, 'every backend up again', 20_000);
  });

  test('no credential in the error bodies, the logs or the audit records', () => {
    const logs = s.logs.join('\n');
    const audit = auditLines(s.dir).lines.join('\n');
    assert.equal(bodies.length, 3);
    for (const secret of secrets) {
      assert.ok(!bodies.join('\n').includes(secret), 'a credential in an error body');
      assert.ok(!logs.includes(secret), 'a credential in the log');
      assert.ok(!audit.includes(secret), 'a credential in the audit log');
    }
    assert.ok(!readFileSync(s.demo.files.config, 'utf8').includes(kms.secretAccessKey), 'the config holds no secret');
  });
});

describe('a curve the service cannot sign is a start-up config error naming key, backend and curve', () => {
  test('ed25519 (Solana) on Azure Key Vault; secp256k1 (Cosmos, EVM) on Vault', async () => {
    const s = await startTestSigner();
    try {
      const file = s.demo.files.config;
      const base = demoKeysOnYubiHsm(readFileSync(file, 'utf8'));
      writeFileSync(join(s.dir, 'vault-token'), 'not-a-real-token', { mode: 0o600 });
      const attempt = (toml: string) => startupError(file, toml);
      const azure = await attempt(
        base + `\n[backends.akv]\nkind = "azure-key-vault"\nvault_url = "https://127.0.0.1:9"\n` + solanaKey('akv-sol', 'akv', 'sol-hot'),
      );
      assert.ok(isOpenKmsError(azure) && azure.code === 'config_invalid', String(azure));
      assert.equal(azure.context.path, 'keys.akv-sol.backend');
      assert.match(azure.message, /akv-sol.*ed25519.*"akv".*azure-key-vault/);

      const vaultBackend = `\n[backends.vault]\nkind = "vault"\naddress = "http://127.0.0.1:9"\ntoken_file = "vault-token"\n`;
      for (const key of [cosmosKey('vault-cos', 'vault', 'openkms-cos'), evmKey('vault-evm', 'vault', 'openkms-evm')]) {
        const label = /\[keys\.([a-z-]+)\]/.exec(key)![1]!;
        const err = await attempt(base + vaultBackend + key);
        assert.ok(isOpenKmsError(err) && err.code === 'config_invalid', String(err));
        assert.equal(err.context.path, `keys.${label}.backend`);
        assert.match(err.message, new RegExp(`${label}.*secp256k1.*"vault".*vault`));
      }
    } finally {
      await s.close();
    }
  });
});

/** A signer started as a child process (`openkms run`), so NODE_EXTRA_CA_CERTS can make it trust the emulator's TLS certificate. */
async function startChildSigner(
  dir: string,
  configToml: string,
  env: NodeJS.ProcessEnv,
): Promise<Caller & { url: string; output: () => string; stop: () => Promise<void> }> {
  const configFile = join(dir, 'cloud.toml');
  writeFileSync(configFile, configToml);
  const child = spawnCli(['run', '--config', configFile], { env });
  child.stdin.end();
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const url = await waitFor(
    async () => /listening on (http:\/\/\S+)/.exec(output)?.[1] ?? (child.exitCode !== null ? Promise.reject(new Error(output)) : false),
    'the child signer listens',
    60_000,
  );
  return {
    url,
    output: () => output,
    request: (method, path, o = {}) => requestSigner(url, method, path, o),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

describe(
  'Azure Key Vault backend (emulated, HTTPS), in a signer process, through the HTTP API',
  { skip: hasOpenssl() ? false : 'the openssl CLI is needed to make the emulator a TLS certificate' },
  () => {
    let emulator: AzureKeyVaultEmulator;
    let signer: Awaited<ReturnType<typeof startChildSigner>>;
    let dir: string;
    let agent: string;
    let keys: Record<string, ListedKey>;

    before(async () => {
      const tls = createSelfSignedCert();
      emulator = await startAzureKeyVaultEmulator(tls);
      emulator.addKey('evm-hot', { tags: { openkms: 'evm-hot' } });
      emulator.addKey('cosmos-hot', { tags: { openkms: 'cosmos-hot' } });
      emulator.addKey('spare', { tags: { openkms: '' } });
      emulator.highS = true;
      // the demo's directory gives a token file, an audit key and a state file; the signer itself has only the Azure backend
      const demo = await startTestSigner();
      dir = demo.dir;
      await demo.close({ keepDir: true });
      agent = TokenStore.load(join(dir, 'tokens.json')).create('azure-agent', ['sign', 'read']);
      writeFileSync(join(dir, 'ca.pem'), tls.cert);
      writeFileSync(join(dir, 'azure-client-secret'), emulator.clientSecret, { mode: 0o600 });
      const toml = `
[server]
listen = "127.0.0.1:0"

[auth]
token_file = "tokens.json"

[audit]
dir = "audit"
key_file = "audit.key"

[state]
file = "state.json"

[backends.akv]
kind = "azure-key-vault"
vault_url = "${emulator.url}"
tenant_id = "${emulator.tenantId}"
client_id = "${emulator.clientId}"
client_secret_file = "azure-client-secret"
authority_host = "${emulator.url}"
disable_instance_discovery = true
# the emulator is 127.0.0.1, not under the challenge's resource (vault.azure.net)
disable_challenge_resource_verification = true
timeout_ms = 20000
max_attempts = 3
${cosmosKey('akv-cos', 'akv', 'cosmos-hot')}${evmKey('akv-evm', 'akv', 'evm-hot')}`;
      signer = await startChildSigner(dir, toml, { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') });
      keys = await listKeys(signer, agent);
    });
    after(async () => {
      await signer?.stop();
      await emulator?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('GET /keys: the configured keys name the backend; the tagged key no label maps to is discovered', () => {
      assert.equal(keys['akv-cos']!.backend, 'akv');
      assert.equal(keys['akv-evm']!.backend, 'akv');
      const spare = keys['discovered:akv:spare'];
      assert.ok(spare, JSON.stringify(Object.keys(keys)));
      assert.equal(spare.configured, false);
    });

    test('Cosmos: a signature that verifies with low S (the vault answered high S)', async () => {
      await signCosmosLowS(signer, agent, 'akv-cos', keys['akv-cos']!);
    });

    test('EVM: an EIP-1559 transaction whose sender recovers to the key address', async () => {
      await signEvmRecovers(signer, agent, 'akv-evm', keys['akv-evm']!.address, 0);
    });

    test('a vault that throttles persistently → 503 backend_unavailable with an audit record', async () => {
      emulator.faults.throttle = 1000;
      try {
        const res = await signer.request('POST', '/sign/evm', { token: agent, body: { label: 'akv-evm', expected_chain_id: '31337', tx: evmTx(1) } });
        assert.equal(res.status, 503, res.text);
        assert.equal(res.json.code, 'backend_unavailable');
        const requestId = res.headers.get('x-request-id');
        await waitFor(
          async () => auditLines(dir).records.some((r) => r.request_id === requestId && r.reason_code === 'backend_unavailable' && r.backend === 'akv'),
          'the audit record',
        );
      } finally {
        emulator.faults.throttle = 0;
      }
    });

    test('no credential (client secret, access token) in the logs, the audit records or the config', () => {
      const audit = auditLines(dir).lines.join('\n');
      for (const secret of [emulator.clientSecret, emulator.accessToken]) {
        assert.ok(!signer.output().includes(secret), 'a credential in the output');
        assert.ok(!audit.includes(secret), 'a credential in the audit log');
      }
      assert.ok(!readFileSync(join(dir, 'cloud.toml'), 'utf8').includes(emulator.clientSecret));
    });
  },
);

test("the README's config examples of the cloud backends pass their plugins' option schemas", () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const schemas: Record<string, object> = { 'aws-kms': awsKmsOptionsSchema, 'azure-key-vault': azureKeyVaultOptionsSchema, vault: vaultOptionsSchema };
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const seen = new Set<string>();
  for (const [, block] of readme.matchAll(/```toml\n([\s\S]*?)```/g)) {
    if (!/^kind = "(aws-kms|azure-key-vault|vault)"$/m.test(block!)) continue;
    const backends = (TOML.parse(block!) as { backends?: Record<string, { kind: string }> }).backends ?? {};
    for (const [name, { kind, ...options }] of Object.entries(backends)) {
      if (!(kind in schemas)) continue;
      seen.add(kind);
      const validate = ajv.compile(schemas[kind]!);
      assert.ok(validate(options), `README backends.${name}: ${JSON.stringify(validate.errors)}`);
    }
  }
  assert.deepEqual([...seen].sort(), ['aws-kms', 'azure-key-vault', 'vault']);
});
