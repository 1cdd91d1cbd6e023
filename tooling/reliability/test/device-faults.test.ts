// 2. Device and backend faults: the YubiHSM2 connector gone (10 s; 60 s with RELIABILITY_LONG_OUTAGE=1, and in the
// soak), sessions expired or all busy, a device error mid-sign; a SoftHSM2 token removed or its PIN wrong; an
// emulated cloud key service (AWS KMS, Vault transit, Azure Key Vault) throttling, failing with 5xx or hanging. Every
// request answers within a bound, faults are 503 with a code and a Retry-After, the service is back soon after the
// fault ends, and a failed signing attempt leaves the budget as it was.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
import { TokenStore } from '@openkms/signer';
import { createSoftHsmToken, softHsmMissing, type SoftHsmToken } from '@openkms/tooling/test-helpers';
import { DeviceErrorCode } from '@openkms/yubihsm';
import {
  EVM,
  EVM_CHAIN_ID,
  EVM_FRIEND,
  SYSTEM_PROGRAM,
  evmTx,
  cosmosRequest,
  evmRequest,
  solanaMessage,
  solanaRequest,
  type KeysByLabel,
} from '../src/chain-requests.js';
import { createHttpClient, lanes, type HttpClient, type HttpResult } from '../src/http-client.js';
import { freePort, keysByLabel, pipe, prepareDemoDir, startSignerProcess, withPolicy, withoutRefusalBudget } from '../src/demo-signer.js';
import { startFaultSigner, type FaultSigner } from '../src/fault-signer.js';

/** Every answer during a fault comes within this bound (a hung request fails the test). */
const ANSWER_BOUND_MS = 10_000;
/** The service is back this soon after the connector returns (the bound). */
const RECOVERY_BOUND_MS = 2_000;
const OUTAGE_MS = process.env.RELIABILITY_LONG_OUTAGE === '1' ? 60_000 : 10_000;

const demoKeysOnYubiHsm = (toml: string) => toml.replace(/^(\[keys\.[a-z0-9-]+\]\nchain = "[a-z]+")$/gm, '$1\nbackend = "yubihsm"');
const EVM_BUDGET = 3;

interface FaultStats {
  answers: number;
  statuses: Record<string, number>;
  maxMs: number;
  retryAfter: Set<string>;
  problems: string[];
}

/** Sends `next()` on `concurrency` lanes until `until()` and checks each answer is a 503 with a code and a Retry-After. */
async function loadDuringFault(
  client: HttpClient,
  next: () => { path: string; body: string },
  until: () => boolean,
  concurrency = 6,
  capped = false,
): Promise<FaultStats> {
  const stats: FaultStats = { answers: 0, statuses: {}, maxMs: 0, retryAfter: new Set(), problems: [] };
  await lanes(concurrency, async () => {
    if (until()) return false;
    const r = next();
    const res = await client.request('POST', r.path, r.body, {}, ANSWER_BOUND_MS);
    check503(res, stats, r.path, capped);
    await new Promise((x) => setTimeout(x, 20));
    return !until();
  });
  return stats;
}

/**
 * A 503 with a code and a sane Retry-After. With `capped`, a 429 with a code passes too: a cap counts the requests
 * in flight (reserved until the backend answers), so concurrent requests against a small cap are refused meanwhile.
 */
function check503(res: HttpResult, stats: FaultStats, what: string, capped = false): void {
  stats.answers++;
  stats.maxMs = Math.max(stats.maxMs, res.ms);
  const code = res.status === 0 ? String(res.error) : `${res.status} ${JSON.parse(res.text || '{}').code}`;
  stats.statuses[code] = (stats.statuses[code] ?? 0) + 1;
  const ra = res.headers['retry-after'];
  if (capped && res.status === 429 && /"code"/.test(res.text)) return;
  if (res.status !== 503) stats.problems.push(`${what}: ${code} ${res.detail ?? res.text.slice(0, 200)}`);
  else if (typeof ra !== 'string' || !/^\d+$/.test(ra) || Number(ra) < 1 || Number(ra) > 60) stats.problems.push(`${what}: Retry-After ${ra}`);
  else stats.retryAfter.add(ra);
}

describe('YubiHSM2 (simulated device behind its connector): connector gone, sessions, device errors', () => {
  let f: FaultSigner;
  let client: HttpClient;
  let keys: KeysByLabel;
  const sign = (chain: 'solana' | 'cosmos') => (chain === 'solana' ? solanaRequest(keys, 1000n) : cosmosRequest(keys, 1000n));

  before(async () => {
    f = await startFaultSigner(
      pipe(
        (t) => t.replace(/^max_signs_per_minute = \d+$/gm, 'max_signs_per_minute = 1000000'),
        withPolicy(
          EVM,
          `
max_signs_per_minute = 1000000
max_signs_per_day = ${EVM_BUDGET}
per_tx_caps = { native = "1000000000000000000" }
fee_caps = { native = "10000000000000000" }
allowed_programs = [{ id = "native" }]
`,
        ),
      ),
    );
    client = createHttpClient(f.signer.url, { token: f.token, timeoutMs: ANSWER_BOUND_MS });
    keys = await keysByLabel(f.signer.url, f.token);
    for (const chain of ['solana', 'cosmos'] as const) {
      const r = sign(chain);
      const res = await client.request('POST', r.path, r.body);
      assert.equal(res.status, 200, res.text);
    }
  });
  after(async () => {
    client?.close();
    await f?.close();
  });

  test(
    `connector gone for ${OUTAGE_MS / 1000} s under load: fast 503s with a code and a Retry-After, no hung request, back soon after it returns`,
    { timeout: OUTAGE_MS + 120_000 },
    async () => {
      await f.connectorGone();
      const until = Date.now() + OUTAGE_MS;
      let n = 0;
      const stats = await loadDuringFault(
        client,
        () => sign(n++ % 2 === 0 ? 'solana' : 'cosmos'),
        () => Date.now() >= until,
      );
      await f.connectorBack();
      const back = performance.now();
      let recoveredMs: number | undefined;
      let after503 = 0;
      while (recoveredMs === undefined) {
        const r = sign('solana');
        const res = await client.request('POST', r.path, r.body);
        if (res.status === 200) recoveredMs = performance.now() - back;
        else if (res.status === 503) after503++;
        else assert.fail(`after the connector's return: ${res.status} ${res.text}`);
        if (performance.now() - back > 30_000) assert.fail('not back 30 s after the connector returned');
        await new Promise((x) => setTimeout(x, 50));
      }
      console.log(
        `connector gone ${OUTAGE_MS / 1000} s: ${stats.answers} answers ${JSON.stringify(stats.statuses)}, slowest ${Math.round(stats.maxMs)} ms, ` +
          `Retry-After ${[...stats.retryAfter].join('/')} s; back ${Math.round(recoveredMs)} ms after the connector returned (${after503} 503s meanwhile)`,
      );
      assert.deepEqual(stats.problems.slice(0, 10), []);
      assert.ok(stats.answers > 0);
      assert.ok(recoveredMs <= RECOVERY_BOUND_MS, `back after ${Math.round(recoveredMs)} ms (bound ${RECOVERY_BOUND_MS} ms)`);
    },
  );

  test('sessions expired on the device mid-load, and more concurrent requests than sessions: every request signs, no error surfaces', async () => {
    const statuses: Record<string, number> = {};
    let sent = 0;
    // a real device forgets a session after 30 s idle; here every session is forgotten every second, busy or not
    const expiring = setInterval(() => f.sim.faults.expireSessions(), 1000);
    try {
      await lanes(24, async (lane) => {
        if (sent >= 240) return false;
        sent++;
        const r = sign(lane % 2 === 0 ? 'solana' : 'cosmos');
        const res = await client.request('POST', r.path, r.body);
        const k = res.status === 0 ? String(res.error) : `${res.status}${res.status === 200 ? '' : ' ' + res.text.slice(0, 120)}`;
        statuses[k] = (statuses[k] ?? 0) + 1;
        return true;
      });
    } finally {
      clearInterval(expiring);
    }
    assert.deepEqual(statuses, { '200': 240 });
  });

  test('a device error mid-sign → 503 with a code; the budget is released (the next requests within the cap sign)', async () => {
    f.sim.faults.failNext(1, DeviceErrorCode.INVALID_DATA);
    const failed = await client.request('POST', '/sign/evm', evmRequest(1000n).body);
    assert.equal(failed.status, 503, failed.text);
    assert.match(JSON.parse(failed.text).code, /^backend_/);
    assert.ok(failed.headers['retry-after']);
    f.sim.faults.clear();
    // the pool may refuse for a moment while it replaces the session the error dropped: those 503s sign nothing either
    let unavailable = 0;
    const t0 = performance.now();
    for (let i = 0; i < EVM_BUDGET; i++) {
      let res = await client.request('POST', '/sign/evm', evmRequest(1000n).body);
      while (res.status === 503 && performance.now() - t0 < 10_000) {
        unavailable++;
        await new Promise((x) => setTimeout(x, 100));
        res = await client.request('POST', '/sign/evm', evmRequest(1000n).body);
      }
      assert.equal(res.status, 200, `sign ${i + 1} of ${EVM_BUDGET} after the failure: ${res.text}`);
    }
    console.log(
      `device error mid-sign: ${failed.status} ${JSON.parse(failed.text).code}; ${unavailable} 503s in the ${Math.round(performance.now() - t0)} ms until the budget's ${EVM_BUDGET} signatures`,
    );
    const over = await client.request('POST', '/sign/evm', evmRequest(1000n).body);
    assert.equal(over.status, 429, over.text);
  });
});

const skipSoftHsm = softHsmMissing();

describe('PKCS#11 (SoftHSM2 token): token removed, wrong PIN', { skip: skipSoftHsm ?? false }, () => {
  let token: SoftHsmToken;
  before(() => {
    token = createSoftHsmToken();
    token.generate({ label: 'soft-sol', curve: 'ed25519' });
  });
  after(() => token?.remove());

  const softConfig = (pinFile: string) => (toml: string) =>
    demoKeysOnYubiHsm(toml) +
    `
[backends.soft]
kind = "pkcs11"
module = "${token.module}"
token_label = "${token.tokenLabel}"
pin_file = "${pinFile}"
pool_size = 2

[keys.soft-sol]
chain = "solana"
backend = "soft"
key_id = "soft-sol"

[keys.soft-sol.options]
cluster = "mainnet-beta"

[keys.soft-sol.policy]
max_signs_per_minute = 1000000
per_tx_cap_lamports = "5000000000"
allowed_programs = [{ id = "${SYSTEM_PROGRAM}" }]
`;

  async function softRequest(f: FaultSigner): Promise<((c: HttpClient) => Promise<HttpResult>) | undefined> {
    const keys = await keysByLabel(f.signer.url, f.token);
    if (!keys['soft-sol']?.address) return undefined; // the backend never came up: no address to build a message from
    return (c) =>
      c.request(
        'POST',
        '/sign/solana',
        JSON.stringify({ label: 'soft-sol', message_b64: Buffer.from(solanaMessage(keys['soft-sol']!.address, [{ lamports: 1000n }])).toString('base64') }),
      );
  }

  test('a wrong PIN: the token key answers 503 with a code (no hang), the YubiHSM2 keys keep signing', async () => {
    let f: FaultSigner | undefined;
    let startError: unknown;
    try {
      f = await startFaultSigner(softConfig('wrong.pin'), (demo) => writeFileSync(join(demo.dir, 'wrong.pin'), '0000-0000\n', { mode: 0o600 }));
    } catch (err) {
      startError = err;
    }
    if (f === undefined) {
      // failing closed at start-up is acceptable too, with a stable code and no PIN in the message
      assert.match(String((startError as { code?: string }).code), /^(backend_|config_)/, String(startError));
      assert.doesNotMatch(String(startError), /0000-0000|3141-5926/);
      return;
    }
    const client = createHttpClient(f.signer.url, { token: f.token, timeoutMs: ANSWER_BOUND_MS });
    try {
      const send = await softRequest(f);
      if (send === undefined) {
        // no address: sign a message for any address; the answer must still be a 503 with a code
        const stats: FaultStats = { answers: 0, statuses: {}, maxMs: 0, retryAfter: new Set(), problems: [] };
        const body = JSON.stringify({ label: 'soft-sol', message_b64: Buffer.from(solanaMessage(SYSTEM_PROGRAM, [{ lamports: 1n }])).toString('base64') });
        for (let i = 0; i < 5; i++) check503(await client.request('POST', '/sign/solana', body), stats, 'soft-sol');
        console.log(`softhsm wrong PIN: ${JSON.stringify(stats.statuses)}`);
        assert.deepEqual(stats.problems, []);
      } else {
        const stats: FaultStats = { answers: 0, statuses: {}, maxMs: 0, retryAfter: new Set(), problems: [] };
        for (let i = 0; i < 5; i++) check503(await send(client), stats, 'soft-sol');
        assert.deepEqual(stats.problems, []);
      }
      const yubi = await client.request('POST', '/sign/solana', solanaRequest(await keysByLabel(f.signer.url, f.token), 1000n).body);
      assert.equal(yubi.status, 200, yubi.text);
    } finally {
      client.close();
      await f.close();
    }
  });

  // SoftHSM2 keeps a token it has loaded in memory: deleting its files does not unplug it (there is no hot-unplug to
  // emulate), so this checks only that nothing hangs or fails otherwise; the wrong PIN above is the down-token case
  test('the token files removed while serving: every answer a 200 or a 503 with a code, no hung request', async () => {
    const f = await startFaultSigner(softConfig(token.pinFile));
    const client = createHttpClient(f.signer.url, { token: f.token, timeoutMs: ANSWER_BOUND_MS });
    try {
      const send = (await softRequest(f))!;
      assert.equal((await send(client)).status, 200);
      token.remove();
      const stats: FaultStats = { answers: 0, statuses: {}, maxMs: 0, retryAfter: new Set(), problems: [] };
      await lanes(4, async () => {
        if (stats.answers >= 40) return false;
        const res = await send(client);
        if (res.status === 200) stats.statuses['200 (token still cached)'] = (stats.statuses['200 (token still cached)'] ?? 0) + 1;
        else check503(res, stats, 'soft-sol');
        stats.answers++;
        return true;
      });
      console.log(`softhsm token removed: ${JSON.stringify(stats.statuses)}, slowest ${Math.round(stats.maxMs)} ms`);
      assert.deepEqual(stats.problems, []);
    } finally {
      client.close();
      await f.close();
    }
  });
});

/** An emulated cloud key service with the fault knobs every emulator has (tooling/kms-emulators). */
interface CloudService {
  readonly faults: { throttle: number; unavailable: number; hang: boolean };
  close(): Promise<void>;
}

/**
 * One emulated service holding the key `cloud-key` (labelled in `key`): its backend block, its credential files, and
 * a signing request for the key. `env` runs the signer in a process of its own with that environment (a service
 * whose SDK must trust the emulator's throw-away CA through NODE_EXTRA_CA_CERTS, read only at process start).
 */
interface CloudCase<S extends CloudService> {
  readonly name: string;
  start(): Promise<S>;
  backend(service: S): string;
  readonly key: string;
  credentials(service: S, dir: string): void;
  request(keys: KeysByLabel): { path: string; body: string };
  env?(service: S, dir: string): Record<string, string>;
}

const BUDGET = 2;
const keyPolicy = (chain: 'solana' | 'evm', keyId: string, options: string, policy: string) => `
[keys.cloud-key]
chain = "${chain}"
backend = "cloud"
key_id = "${keyId}"

[keys.cloud-key.options]
${options}

[keys.cloud-key.policy]
max_signs_per_minute = 1000000
max_signs_per_day = ${BUDGET}
${policy}
`;
const solanaKey = (keyId: string) =>
  keyPolicy('solana', keyId, 'cluster = "mainnet-beta"', `per_tx_cap_lamports = "5000000000"\nallowed_programs = [{ id = "${SYSTEM_PROGRAM}" }]`);
const solanaTransfer = (keys: KeysByLabel) => ({
  path: '/sign/solana',
  body: JSON.stringify({ label: 'cloud-key', message_b64: Buffer.from(solanaMessage(keys['cloud-key']!.address, [{ lamports: 1000n }])).toString('base64') }),
});

const awsKms: CloudCase<AwsKmsEmulator> = {
  name: 'AWS KMS',
  async start() {
    const kms = await startAwsKmsEmulator();
    kms.addKey('ECC_NIST_EDWARDS25519', { alias: 'alias/openkms/sol' });
    return kms;
  },
  backend: (kms) => `
[backends.cloud]
kind = "aws-kms"
region = "${kms.region}"
endpoint = "${kms.url}"
profile = "openkms"
credentials_file = "aws-credentials"
config_file = "aws-config"
timeout_ms = 1500
max_attempts = 2
`,
  key: solanaKey('alias/openkms/sol'),
  credentials(kms, dir) {
    writeFileSync(join(dir, 'aws-credentials'), `[openkms]\naws_access_key_id = ${kms.accessKeyId}\naws_secret_access_key = ${kms.secretAccessKey}\n`, {
      mode: 0o600,
    });
    writeFileSync(join(dir, 'aws-config'), '', { mode: 0o600 });
  },
  request: solanaTransfer,
};

const vaultTransit: CloudCase<VaultEmulator> = {
  name: 'HashiCorp Vault (transit)',
  async start() {
    const vault = await startVaultEmulator();
    vault.addTransitKey('openkms-sol');
    return vault;
  },
  backend: (vault) => `
[backends.cloud]
kind = "vault"
address = "${vault.url}"
token_file = "vault-token"
timeout_ms = 1500
max_attempts = 2
`,
  key: solanaKey('openkms-sol'),
  credentials(vault, dir) {
    writeFileSync(join(dir, 'vault-token'), vault.rootToken, { mode: 0o600 });
  },
  request: solanaTransfer,
};

let azureCa: { key: string; cert: string } | undefined;
const azureKeyVault: CloudCase<AzureKeyVaultEmulator> = {
  name: 'Azure Key Vault',
  async start() {
    azureCa ??= createSelfSignedCert();
    const akv = await startAzureKeyVaultEmulator(azureCa);
    akv.addKey('evm-hot', { tags: { openkms: 'evm-hot' } });
    return akv;
  },
  backend: (akv) => `
[backends.cloud]
kind = "azure-key-vault"
vault_url = "${akv.url}"
tenant_id = "${akv.tenantId}"
client_id = "${akv.clientId}"
client_secret_file = "azure-client-secret"
authority_host = "${akv.url}"
disable_instance_discovery = true
# the emulator is 127.0.0.1, not under the challenge's resource (vault.azure.net)
disable_challenge_resource_verification = true
timeout_ms = 1500
max_attempts = 2
`,
  key: keyPolicy(
    'evm',
    'evm-hot',
    `chain_id = ${EVM_CHAIN_ID}`,
    `per_tx_caps = { native = "2000000000000000000" }\nfee_caps = { native = "10000000000000000" }\nallowed_programs = [{ id = "native" }]\nallowed_recipients = [{ asset = "native", addresses = ["${EVM_FRIEND}"] }]`,
  ),
  credentials(akv, dir) {
    writeFileSync(join(dir, 'azure-client-secret'), akv.clientSecret, { mode: 0o600 });
    writeFileSync(join(dir, 'ca.pem'), azureCa!.cert);
  },
  request: () => ({ path: '/sign/evm', body: JSON.stringify({ label: 'cloud-key', expected_chain_id: String(EVM_CHAIN_ID), tx: evmTx(1000n) }) }),
  env: (_akv, dir) => ({ NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') }),
};

/** The signer for a cloud case: in this process beside a simulated YubiHSM2, or (with `env`) an `openkms demo` process. */
async function startCloudSigner<S extends CloudService>(cloud: CloudCase<S>, service: S): Promise<{ url: string; token: string; close(): Promise<void> }> {
  const edit = (toml: string) => demoKeysOnYubiHsm(toml) + cloud.backend(service) + cloud.key;
  if (!cloud.env) {
    const f = await startFaultSigner(edit, (demo) => cloud.credentials(service, demo.dir));
    return { url: f.signer.url, token: f.token, close: () => f.close() };
  }
  const demo = await prepareDemoDir((t) => withoutRefusalBudget(edit(t)), 'openkms-reliability-cloud-');
  const token = TokenStore.load(join(demo.dir, 'tokens.json')).create('reliability', ['sign', 'read']);
  cloud.credentials(service, demo.dir);
  const child = await startSignerProcess(demo.dir, await freePort(), { env: cloud.env(service, demo.dir) });
  return {
    url: child.url,
    token,
    async close() {
      await child.stop();
      rmSync(demo.dir, { recursive: true, force: true });
    },
  };
}

cloudFaults(awsKms);
cloudFaults(vaultTransit);
cloudFaults(azureKeyVault, hasOpenssl() ? undefined : 'the openssl CLI is needed to make the emulator a TLS certificate');

function cloudFaults<S extends CloudService>(cloud: CloudCase<S>, skip?: string): void {
  describe(`emulated ${cloud.name}: throttling, 5xx, a hanging service`, { skip: skip ?? false }, () => {
    let service: S;
    let signer: { url: string; token: string; close(): Promise<void> };
    let client: HttpClient;
    let keys: KeysByLabel;
    before(async () => {
      service = await cloud.start();
      signer = await startCloudSigner(cloud, service);
      client = createHttpClient(signer.url, { token: signer.token, timeoutMs: ANSWER_BOUND_MS });
      keys = await keysByLabel(signer.url, signer.token);
    });
    after(async () => {
      client?.close();
      await signer?.close();
      await service?.close();
    });
    const next = () => cloud.request(keys);

    for (const fault of ['throttle', 'unavailable', 'hang'] as const) {
      test(`${fault === 'throttle' ? 'throttling' : fault === 'unavailable' ? '5xx answers' : 'a service that never answers'} under load → 503 with a code and a Retry-After, within the bound`, async () => {
        if (fault === 'hang') service.faults.hang = true;
        else service.faults[fault] = 1_000_000;
        let stats: FaultStats;
        try {
          const until = Date.now() + 4000;
          stats = await loadDuringFault(client, next, () => Date.now() >= until, 4, true);
        } finally {
          service.faults.hang = false;
          service.faults.throttle = 0;
          service.faults.unavailable = 0;
        }
        console.log(`${cloud.name} ${fault}: ${stats.answers} answers ${JSON.stringify(stats.statuses)}, slowest ${Math.round(stats.maxMs)} ms`);
        assert.deepEqual(stats.problems.slice(0, 10), []);
        assert.ok((stats.statuses[`503 ${fault === 'hang' ? 'backend_timeout' : 'backend_unavailable'}`] ?? 0) > 0, JSON.stringify(stats.statuses));
      });
    }

    test('after the faults: the failed attempts used none of the budget (the cap still allows exactly its signatures)', async () => {
      for (let i = 0; i < BUDGET; i++) {
        let res = await client.request('POST', next().path, next().body);
        // the backend may still be marked down for a moment after the hang
        for (let t = 0; res.status === 503 && t < 50; t++) {
          await new Promise((x) => setTimeout(x, 200));
          res = await client.request('POST', next().path, next().body);
        }
        assert.equal(res.status, 200, `signature ${i + 1} of ${BUDGET}: ${res.text}`);
      }
      const over = await client.request('POST', next().path, next().body);
      assert.equal(over.status, 429, over.text);
    });
  });
}
