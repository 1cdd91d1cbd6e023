import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { loadConfig, parseConfig } from '../src/config/load-config.js';
import { loadTlsMaterial } from '../src/http/create-server.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { auditRecords, solanaBody, waitForAudit } from './support/policy-fixtures.js';
import { waitFor } from './support/wait-for.js';
import { fingerprintOf, hasOpensslCli, makeCa, makeLeaf, pem } from './support/tls-certificates.js';

const skip = hasOpensslCli() ? false : 'the openssl CLI is not installed (apt-get install openssl); the TLS tests need it to make certificates';

interface Reply {
  status: number;
  json: any;
  peerFingerprint: string;
}

interface Client {
  ca?: string;
  cert?: string;
  key?: string;
}

/** One HTTPS request on a fresh connection (no keep-alive), so a reloaded certificate is seen. */
function tlsRequest(url: string, method: string, path: string, client: Client, opts: { token?: string; body?: unknown } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = httpsRequest(
      url + path,
      {
        method,
        agent: false,
        ...(client.ca ? { ca: pem(client.ca) } : {}),
        ...(client.cert ? { cert: pem(client.cert), key: pem(client.key!) } : {}),
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        timeout: 15_000,
      },
      (res) => {
        const peerFingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode!, json, peerFingerprint });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

function tlsTable(dir: string, extra = ''): (toml: string) => string {
  return (toml) => `${toml}\n[server.tls]\ncert_file = "${join(dir, 'server.crt')}"\nkey_file = "${join(dir, 'server.key')}"\n${extra}`;
}

describe('native TLS: HTTPS only on the TLS port', { skip }, () => {
  let s: TestSigner;
  let dir: string;
  let serverCa: { cert: string; key: string };

  before(async () => {
    const logs: string[] = [];
    s = await startTestSigner({
      logs,
      config: (toml) => toml,
    });
    dir = join(s.dir, 'pki');
    mkdirSync(dir);
    serverCa = makeCa(dir, 'server-ca');
    makeLeaf(dir, 'server', 'openkms.test', serverCa, true);
    s = await s.restart({ config: tlsTable(dir) });
  });
  after(async () => {
    await s?.close();
  });

  test('the signer serves HTTPS; its URL says so', async () => {
    assert.match(s.url, /^https:\/\//);
    const res = await tlsRequest(s.url, 'GET', '/health', { ca: serverCa.cert });
    assert.equal(res.status, 200);
    const keys = await tlsRequest(s.url, 'GET', '/keys', { ca: serverCa.cert }, { token: s.signerToken });
    assert.equal(keys.status, 200);
    assert.ok(Array.isArray(keys.json));
  });

  test('plain HTTP on the TLS port gets no HTTP answer', async () => {
    const plain = s.url.replace('https://', 'http://');
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest(plain + '/health', { agent: false, timeout: 10_000 }, (res) => resolve(`status ${res.statusCode}`));
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      req.end();
    });
    assert.match(outcome, /^error /, outcome);
  });

  test('a client that does not trust the certificate refuses it (no silent downgrade)', async () => {
    await assert.rejects(tlsRequest(s.url, 'GET', '/health', {}), /self[- ]signed|unable to verify|UNABLE_TO_GET_ISSUER|certificate/i);
  });

  test('no key material in the logs', () => {
    const key = pem(join(dir, 'server.key'));
    const body = key.split('\n').filter((l) => l && !l.startsWith('-----'));
    const all = s.logs.join('\n');
    assert.ok(!all.includes('PRIVATE KEY'));
    for (const line of body) assert.ok(!all.includes(line), 'a line of the private key appears in the logs');
    assert.ok(s.logs.some((l) => l.includes('TLS certificate loaded') && l.includes(fingerprintOf(join(dir, 'server.crt')))));
  });

  test('a bad certificate or key file is a config error naming the setting and the path', async () => {
    // the files are read at start (and reload: see the rotation test) after the config is loaded
    const cfg = readFileSync(join(s.dir, 'config.toml'), 'utf8');
    const cases: [string, string, RegExp][] = [
      ['cert_file', 'garbage', /server\.tls\.cert_file: .*not-a-cert\.pem is not a PEM certificate/],
      ['key_file', 'garbage', /server\.tls\.key_file: .*not-a-key\.pem is not a PEM private key/],
      ['cert_file', '', /server\.tls\.cert_file: cannot read .*missing\.pem \(ENOENT\)/],
    ];
    for (const [setting, content, want] of cases) {
      const file = join(dir, setting === 'cert_file' ? (content ? 'not-a-cert.pem' : 'missing.pem') : 'not-a-key.pem');
      if (content) writeFileSync(file, content);
      const current = join(dir, setting === 'cert_file' ? 'server.crt' : 'server.key');
      const broken = cfg.replace(`${setting} = "${current}"`, `${setting} = "${file}"`);
      const cfgFile = join(s.dir, `broken-${setting}.toml`);
      writeFileSync(cfgFile, broken, { mode: 0o600 });
      const config = await loadConfig(cfgFile);
      assert.throws(
        () => loadTlsMaterial(config.server.tls!),
        (err: any) => {
          assert.equal(err.code, 'config_invalid');
          assert.match(err.message, want);
          assert.equal(err.context.path, `server.tls.${setting}`);
          return true;
        },
      );
    }
    // a key of another certificate
    makeLeaf(dir, 'other', 'other', serverCa, true);
    const mismatched = cfg.replace(`key_file = "${join(dir, 'server.key')}"`, `key_file = "${join(dir, 'other.key')}"`);
    writeFileSync(join(s.dir, 'mismatch.toml'), mismatched, { mode: 0o600 });
    const mismatch = await loadConfig(join(s.dir, 'mismatch.toml'));
    assert.throws(() => loadTlsMaterial(mismatch.server.tls!), /server\.tls\.key_file: .*other\.key does not match the certificate/);
  });
});

describe('mutual TLS: client certificates required, mapped ones authenticate without a token', { skip }, () => {
  let s: TestSigner;
  let dir: string;
  let serverCa: { cert: string; key: string };
  let agent: Client;
  let reader: Client;
  let stranger: Client;
  let rogue: Client;
  let from: string;

  before(async () => {
    s = await startTestSigner();
    dir = join(s.dir, 'pki');
    mkdirSync(dir);
    serverCa = makeCa(dir, 'server-ca');
    makeLeaf(dir, 'server', 'openkms.test', serverCa, true);
    const clientCa = makeCa(dir, 'client-ca');
    const otherCa = makeCa(dir, 'other-ca');
    agent = { ca: serverCa.cert, ...makeLeaf(dir, 'agent', 'agent-1', clientCa) };
    reader = { ca: serverCa.cert, ...makeLeaf(dir, 'reader', 'dashboard', clientCa) };
    stranger = { ca: serverCa.cert, ...makeLeaf(dir, 'stranger', 'stranger', clientCa) };
    rogue = { ca: serverCa.cert, ...makeLeaf(dir, 'rogue', 'agent-1', otherCa) };
    const readerFp = fingerprintOf(reader.cert!);
    const withTls = tlsTable(
      dir,
      `client_ca_file = "${clientCa.cert}"\n` +
        `[[server.tls.client_identities]]\nsubject_cn = "agent-1"\nname = "agent-1"\nscopes = ["sign:solana-hot-0", "read"]\n` +
        `[[server.tls.client_identities]]\nfingerprint_sha256 = "${readerFp.replace(/:/g, '').toLowerCase()}"\nname = "dashboard"\nscopes = ["read"]\n`,
    );
    s = await s.restart({
      // a small denial budget: a certificate identity is counted like a token
      config: (toml) => withTls(toml.replace('[auth]\n', '[auth]\ndenied_per_minute = 3\n')),
      signerOptions: { handleSighup: true },
    });
    const keys = await tlsRequest(s.url, 'GET', '/keys', agent);
    assert.equal(keys.status, 200, JSON.stringify(keys.json));
    from = (keys.json as { label: string; address: string }[]).find((k) => k.label === 'solana-hot-0')!.address;
  });
  after(async () => {
    await s?.close();
  });

  test('without a client certificate the handshake is refused', async () => {
    await assert.rejects(tlsRequest(s.url, 'GET', '/health', { ca: serverCa.cert }));
  });

  test('a certificate from another CA is refused at the TLS layer (even with its CN mapped)', async () => {
    await assert.rejects(tlsRequest(s.url, 'GET', '/health', rogue));
    await assert.rejects(tlsRequest(s.url, 'GET', '/keys', rogue, { token: s.signerToken }));
  });

  test('a trusted but unmapped certificate needs a bearer token', async () => {
    const res = await tlsRequest(s.url, 'GET', '/keys', stranger);
    assert.equal(res.status, 401);
    assert.equal(res.json.code, 'unauthorized');
    assert.match(res.json.error, /not mapped/);
    const withToken = await tlsRequest(s.url, 'GET', '/keys', stranger, { token: s.signerToken });
    assert.equal(withToken.status, 200);
  });

  test('a mapped certificate signs without a bearer token, with exactly its scopes; audited under its name', async () => {
    const res = await tlsRequest(s.url, 'POST', '/sign/solana', agent, { body: solanaBody(from, 1) });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.ok(res.json.signature_b64 ?? res.json.signature);
    const other = await tlsRequest(s.url, 'POST', '/sign/cosmos', agent, {
      body: { label: 'cosmos-hub-0', sign_doc_b64: 'AA==', expected_chain_id: 'cosmoshub-4' },
    });
    assert.equal(other.status, 403, JSON.stringify(other.json));
    assert.equal(other.json.code, 'forbidden_scope');
    const admin = await tlsRequest(s.url, 'POST', '/admin/reload', agent);
    assert.equal(admin.status, 403);
    const records = await auditRecords(s);
    assert.ok(records.some((r) => r.decision === 'allow' && r.token_name === 'agent-1' && r.label === 'solana-hot-0'));
  });

  test('a read-only identity (matched by fingerprint) reads but gets 403 on /sign/*', async () => {
    const keys = await tlsRequest(s.url, 'GET', '/keys', reader);
    assert.equal(keys.status, 200);
    const res = await tlsRequest(s.url, 'POST', '/sign/solana', reader, { body: solanaBody(from, 1) });
    assert.equal(res.status, 403);
    assert.equal(res.json.code, 'forbidden_scope');
    await waitForAudit(s, (r) => r.token_name === 'dashboard' && r.reason_code === 'forbidden_scope');
  });

  test('the denial budget counts a certificate identity like a token (429 past denied_per_minute)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6 && statuses.at(-1) !== 429; i++)
      statuses.push((await tlsRequest(s.url, 'POST', '/sign/solana', reader, { body: solanaBody(from, 1) })).status);
    assert.equal(statuses.at(-1), 429, statuses.join(','));
    assert.ok(statuses.slice(0, -1).every((st) => st === 403));
    const agentStill = await tlsRequest(s.url, 'POST', '/sign/solana', agent, { body: solanaBody(from, 1) });
    assert.equal(agentStill.status, 200, 'another identity keeps its own budget');
  });

  test('a bearer token takes precedence over the certificate: a bad token is 401 even with a mapped certificate', async () => {
    const bad = await tlsRequest(s.url, 'GET', '/keys', agent, { token: 'okms_not-a-token' });
    assert.equal(bad.status, 401);
    const admin = await tlsRequest(s.url, 'POST', '/admin/reload', reader, { token: s.adminToken });
    assert.equal(admin.status, 200, 'the admin token acts as the admin over a read-only certificate');
  });

  test('certificate rotation: after POST /admin/reload or SIGHUP new connections get the new certificate', async () => {
    const before = fingerprintOf(join(dir, 'server.crt'));
    assert.equal((await tlsRequest(s.url, 'GET', '/health', agent)).peerFingerprint, before);
    makeLeaf(dir, 'server-next', 'openkms.test', serverCa, true);
    copyFileSync(join(dir, 'server-next.crt'), join(dir, 'server.crt'));
    copyFileSync(join(dir, 'server-next.key'), join(dir, 'server.key'));
    const after1 = fingerprintOf(join(dir, 'server.crt'));
    assert.notEqual(after1, before);
    const reloaded = await tlsRequest(s.url, 'POST', '/admin/reload', agent, { token: s.adminToken });
    assert.equal(reloaded.status, 200, JSON.stringify(reloaded.json));
    assert.equal((await tlsRequest(s.url, 'GET', '/health', agent)).peerFingerprint, after1);

    // SIGHUP (what `systemctl reload openkms` sends)
    makeLeaf(dir, 'server-third', 'openkms.test', serverCa, true);
    copyFileSync(join(dir, 'server-third.crt'), join(dir, 'server.crt'));
    copyFileSync(join(dir, 'server-third.key'), join(dir, 'server.key'));
    const third = fingerprintOf(join(dir, 'server.crt'));
    process.kill(process.pid, 'SIGHUP');
    await waitFor(async () => (await tlsRequest(s.url, 'GET', '/health', agent)).peerFingerprint === third, 'the certificate reloaded on SIGHUP', 15_000);

    // a broken file on reload: rejected, the running certificate stays
    const serving = fingerprintOf(join(dir, 'server.crt'));
    writeFileSync(join(dir, 'server.key'), 'garbage');
    const rejected = await tlsRequest(s.url, 'POST', '/admin/reload', agent, { token: s.adminToken });
    assert.equal(rejected.json.code, 'config_invalid');
    assert.match(rejected.json.error, /server\.tls\.key_file/);
    assert.equal((await tlsRequest(s.url, 'GET', '/health', agent)).peerFingerprint, serving);
    copyFileSync(join(dir, 'server-third.key'), join(dir, 'server.key'));
  });
});

describe('[server.tls] config validation', () => {
  const base = '[server]\nlisten = "127.0.0.1:0"\n[server.tls]\ncert_file = "c.pem"\nkey_file = "k.pem"\n';
  const problem = (text: string) => {
    try {
      parseConfig(text, '/etc/openkms/config.toml');
    } catch (err) {
      return err as { code: string; message: string; context: { path: string } };
    }
    return undefined;
  };

  test('paths resolve against the config file; fingerprints are normalised', () => {
    const cfg = parseConfig(
      `${base}client_ca_file = "ca.pem"\n[[server.tls.client_identities]]\nfingerprint_sha256 = "${'ab'.repeat(32)}"\nname = "a"\nscopes = ["read"]\n`,
      '/etc/openkms/config.toml',
    );
    assert.equal(cfg.server.tls?.certFile, '/etc/openkms/c.pem');
    assert.equal(cfg.server.tls?.clientCaFile, '/etc/openkms/ca.pem');
    assert.equal(cfg.server.tls?.clientIdentities[0]?.fingerprintSha256, Array(32).fill('AB').join(':'));
  });

  test('errors name the dotted path', () => {
    assert.equal(problem('[server.tls]\ncert_file = "c.pem"\n')?.context.path, 'server.tls.key_file');
    assert.equal(problem(`${base}cert_flie = "x"\n`)?.context.path, 'server.tls.cert_flie');
    const noCa = problem(`${base}[[server.tls.client_identities]]\nsubject_cn = "a"\nname = "a"\nscopes = ["sign"]\n`);
    assert.equal(noCa?.context.path, 'server.tls.client_identities');
    assert.match(noCa!.message, /client_ca_file/);
    const badScope = problem(`${base}client_ca_file = "ca.pem"\n[[server.tls.client_identities]]\nsubject_cn = "a"\nname = "a"\nscopes = ["root"]\n`);
    assert.equal(badScope?.context.path, 'server.tls.client_identities.0.scopes.0');
    const twice = problem(
      `${base}client_ca_file = "ca.pem"\n[[server.tls.client_identities]]\nsubject_cn = "a"\nname = "a"\nscopes = ["read"]\n[[server.tls.client_identities]]\nsubject_cn = "a"\nname = "b"\nscopes = ["sign"]\n`,
    );
    assert.equal(twice?.context.path, 'server.tls.client_identities.1');
    const noMatch = problem(`${base}client_ca_file = "ca.pem"\n[[server.tls.client_identities]]\nname = "a"\nscopes = ["read"]\n`);
    assert.match(noMatch?.context.path ?? '', /^server\.tls\.client_identities\.0/);
  });
});
