import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { TokenStore } from '../src/auth/token-store.js';
import { pathRegex } from '../src/http/route-table.js';
import { createAjv } from '../src/validation/create-ajv.js';
import { loadBaseDocument, type OpenApiDocument } from '../src/openapi/compose-openapi.js';
import { solanaTransferMessage } from './support/chain-fixtures.js';
import { startCannedJsonRpc } from './support/canned-json-rpc.js';
import { startTestSigner, type TestResponse, type TestSigner } from './support/test-signer.js';
import { cosmosBody, metricValue, solanaBody, waitFor, type KeyInfo } from './support/trust-helpers.js';

const CANNED_TOPIC_ADDRESS = `0x${'70997970c51812dc3a010c7d01b50e0d17dc79c8'.padStart(64, '0')}`;
/** A mined ERC-20 Transfer receipt (5 units, owner to owner) as a node answers eth_getTransactionReceipt. */
const CANNED_RECEIPT = {
  transactionHash: `0x${'ab'.repeat(32)}`,
  status: '0x1',
  blockNumber: '0x10',
  blockHash: `0x${'cd'.repeat(32)}`,
  from: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
  to: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
  contractAddress: null,
  gasUsed: '0x5208',
  logs: [
    {
      address: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
      topics: ['0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef', CANNED_TOPIC_ADDRESS, CANNED_TOPIC_ADDRESS],
      data: `0x${'5'.padStart(64, '0')}`,
      logIndex: '0x0',
    },
  ],
};
const DOC_ID = 'https://openkms.dev/openapi/v1/responses';
const METHODS = ['get', 'post', 'patch', 'delete', 'put'];

/** A JSON pointer fragment into the document (`/` → `~1`, then URI-encoded as a fragment must be). */
function pointer(parts: readonly string[]): string {
  return '#/' + parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
}

interface Seen {
  readonly method: string;
  readonly path: string;
  /** The documented path template, or undefined for an unmatched route. */
  readonly operation?: string;
  readonly status: number;
  readonly code?: string;
}

/**
 * Checks real responses against the served (composed) document: the status must be one the operation lists, and a
 * JSON body must match the documented schema (ajv 2020, compiled from the document as the request validators are).
 */
class ResponseConformance {
  private readonly ajv = createAjv();
  private readonly cache = new Map<string, ValidateFunction>();
  readonly seen: Seen[] = [];

  constructor(private readonly doc: OpenApiDocument) {
    this.ajv.addSchema({ ...doc, $id: DOC_ID });
  }

  private validator(parts: readonly string[]): ValidateFunction {
    const ref = DOC_ID + pointer(parts);
    let v = this.cache.get(ref);
    if (!v) {
      v = this.ajv.getSchema(ref);
      assert.ok(v, `no schema at ${ref}`);
      this.cache.set(ref, v);
    }
    return v;
  }

  private validate(parts: readonly string[], body: unknown, where: string): void {
    const v = this.validator(parts);
    assert.ok(
      v(body),
      `${where}: the body does not match the documented schema: ${JSON.stringify(v.errors?.slice(0, 3))}\n${JSON.stringify(body).slice(0, 2000)}`,
    );
  }

  /** The documented operation a concrete request path and method fall under (concrete segments before templated ones, as OpenAPI says). */
  operation(method: string, path: string): { template: string; op: Record<string, any> } | undefined {
    const templated = (t: string) => (t.match(/\{/g) ?? []).length;
    const paths = Object.entries<Record<string, any>>(this.doc.paths).sort(([a], [b]) => templated(a) - templated(b));
    for (const [template, item] of paths) {
      if (!pathRegex(template.replace(/\{([^}]+)\}/g, ':$1')).test(path)) continue;
      const op = item[method.toLowerCase()];
      if (op) return { template, op };
    }
    return undefined;
  }

  private knownPath(path: string): boolean {
    return Object.keys(this.doc.paths).some((t) => pathRegex(t.replace(/\{([^}]+)\}/g, ':$1')).test(path));
  }

  check(method: string, rawPath: string, res: TestResponse): void {
    const path = rawPath.split('?')[0]!;
    const where = `${method} ${rawPath} → ${res.status}`;
    assert.ok(res.headers.get('x-request-id'), `${where}: x-request-id`);
    if (res.status >= 400 && res.json?.code !== undefined) {
      // an Error body (a degraded /health is a 503 with the Health body instead)
      assert.equal(res.json.request_id, res.headers.get('x-request-id'), `${where}: request_id echoes the header`);
    }
    const found = this.operation(method, path);
    this.seen.push({ method, path, ...(found ? { operation: found.template } : {}), status: res.status, ...(res.json?.code ? { code: res.json.code } : {}) });
    if (!found) {
      // not an operation: 405 on a known path (with Allow), 404 otherwise, both with the Error body
      const name = this.knownPath(path) ? 'MethodNotAllowed' : 'NotFound';
      assert.equal(res.status, name === 'NotFound' ? 404 : 405, where);
      if (name === 'MethodNotAllowed') assert.ok(res.headers.get('allow'), `${where}: Allow`);
      this.validate(['components', 'responses', name, 'content', 'application/json', 'schema'], res.json, where);
      assert.equal(res.json.code, name === 'NotFound' ? 'not_found' : 'method_not_allowed', where);
      return;
    }
    const status = String(res.status);
    let response = found.op.responses?.[status];
    assert.ok(
      response,
      `${where}: status ${status} is not documented for ${method.toLowerCase()} ${found.template} (documented: ${Object.keys(found.op.responses ?? {}).join(', ')})`,
    );
    let parts = ['paths', found.template, method.toLowerCase(), 'responses', status];
    if (response.$ref) {
      const name = String(response.$ref).replace('#/components/responses/', '');
      response = this.doc.components.responses[name];
      assert.ok(response, `${where}: dangling ${name}`);
      parts = ['components', 'responses', name];
    }
    if (method === 'HEAD') return;
    const content = response.content ?? {};
    if (content['application/json']) {
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${where}: content type`);
      this.validate([...parts, 'content', 'application/json', 'schema'], res.json, where);
    } else if (content['text/plain']) {
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/, `${where}: content type`);
    } else if (content['text/html']) {
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/, `${where}: content type`);
    } else if (res.status === 204 || res.status === 202) {
      assert.equal(res.text, '', `${where}: a ${res.status} without documented content has no body`);
    } else {
      assert.fail(`${where}: the documented response has no content`);
    }
  }
}

/** Two requests on one connection, the second sent once the signer has begun to shut down (held by the first). */
async function pipelinedDuringShutdown(s: TestSigner, first: string, second: string, whenFirstInFlight: () => Promise<void>): Promise<TestResponse[]> {
  const { hostname, port } = new URL(s.url);
  const sock = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  sock.on('data', (c) => chunks.push(c));
  const ended = new Promise<void>((resolve) => {
    sock.on('close', () => resolve());
    sock.on('error', () => resolve());
  });
  await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
  sock.write(first);
  await whenFirstInFlight();
  const closing = s.demo.signer.close();
  sock.write(second);
  await new Promise((r) => setTimeout(r, 50));
  s.demo.sim.faults.release();
  // bounded wait for the close; unref'd so a timer left behind does not hold the test process open for 5 s
  await Promise.race([ended, new Promise((r) => setTimeout(r, 5_000).unref())]);
  sock.destroy();
  await closing;
  return parseResponses(Buffer.concat(chunks));
}

function parseResponses(raw: Buffer): TestResponse[] {
  const out: TestResponse[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine, ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const headers = new Headers();
    for (const l of lines) {
      const i = l.indexOf(':');
      headers.append(l.slice(0, i).trim(), l.slice(i + 1).trim());
    }
    const length = Number(headers.get('content-length') ?? 0);
    const text = rest.subarray(end + 4, end + 4 + length).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    out.push({ status: Number(statusLine!.split(' ')[1]), headers, text, json });
    rest = rest.subarray(end + 4 + length);
  }
  return out;
}

test('the response checker refuses an undocumented status, a body off its schema and a wrong media type', () => {
  const doc = loadBaseDocument();
  const conform = new ResponseConformance(doc);
  const res = (status: number, json: unknown, type = 'application/json'): TestResponse => ({
    status,
    headers: new Headers({ 'x-request-id': 'r1', 'content-type': type }),
    text: JSON.stringify(json),
    json,
  });
  const err = { error: 'x', code: 'conflict', request_id: 'r1' };
  assert.throws(() => conform.check('GET', '/keys', res(409, err)), /status 409 is not documented for get \/keys/);
  assert.throws(() => conform.check('POST', '/admin/disable', res(429, err)), /not documented/);
  assert.throws(() => conform.check('GET', '/keys', res(200, [{ label: 'a' }])), /does not match the documented schema/);
  assert.throws(() => conform.check('GET', '/policy/a', res(404, { error: 'x', request_id: 'r1' })), /does not match/);
  assert.throws(() => conform.check('GET', '/metrics', res(200, 'x', 'application/json')), /content type/);
  assert.throws(() => conform.check('GET', '/nope', res(200, {})), /404/);
  conform.check('GET', '/policy/a', res(404, err));
  conform.check('POST', '/admin/keys/a/enable', res(200, { label: 'a', enabled: true }));
});

describe('OpenAPI: every real response is documented for its operation and matches its schema', () => {
  let s: TestSigner;
  let doc: OpenApiDocument;
  let conform: ResponseConformance;
  let keys: Record<string, KeyInfo>;
  const tok: Record<string, string> = {};
  const BIG = JSON.stringify({ label: 'solana-hot-0', message_b64: 'A'.repeat(200_000) });

  const call = async (
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<TestResponse> => {
    const res = await s.request(method, path, opts);
    conform.check(method, path, res);
    return res;
  };
  const expect = async (status: number, code: string | undefined, method: string, path: string, opts: Parameters<typeof call>[2] = {}) => {
    const res = await call(method, path, opts);
    assert.equal(res.status, status, `${method} ${path}: ${res.text.slice(0, 500)}`);
    if (code) assert.equal(res.json?.code, code, `${method} ${path}: ${res.text.slice(0, 500)}`);
    return res;
  };

  let canned: Awaited<ReturnType<typeof startCannedJsonRpc>>;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openkms-openapi-'));
    canned = await startCannedJsonRpc({ eth_call: `0x${'2a'.padStart(64, '0')}`, eth_getTransactionReceipt: CANNED_RECEIPT });
    s = await startTestSigner({
      dir,
      config: (toml) => {
        const store = TokenStore.load(join(dir, 'tokens.json'));
        tok.adminOnly = store.create('admin-only', ['admin']);
        tok.signAll = store.create('sign-all', ['sign']);
        tok.solanaOnly = store.create('solana-only', ['sign:solana-hot-0']);
        tok.noScope = store.create('no-scope', ['read']);
        // `openkms token create` refuses an empty scope list, but a hand-edited token file may hold one: such a token
        // authenticates and may do nothing (the 403 of /keys, /policy and a protected /metrics)
        const file = join(dir, 'tokens.json');
        const data = JSON.parse(readFileSync(file, 'utf8'));
        for (const t of data.tokens) if (t.name === 'no-scope') t.scopes = [];
        writeFileSync(file, JSON.stringify(data));
        mkdirSync(join(dir, 'state'), { recursive: true });
        return (
          toml.replace('file = "state.json"', 'file = "state/state.json"') +
          // a configured key the HSM does not hold: its address and public key are null
          '\n[keys.solana-missing-0]\nchain = "solana"\nkey_id = "0x0077"\n[keys.solana-missing-0.options]\ncluster = "mainnet-beta"\n' +
          // the demo's secp256k1 key as an EVM key too (POST /sign/evm), allowed to sign personal messages
          '\n[keys.evm-test-0]\nchain = "evm"\nkey_id = "0x0100"\n[keys.evm-test-0.options]\nchain_id = 31337\n[keys.evm-test-0.policy]\nallowed_flags = ["personal_message"]\n' +
          // the REST gateway's routes: a network whose node gives canned answers
          `\n[networks.canned]\nchain = "evm"\nchain_id = 31337\nupstream = "${canned.url}"\n`
        );
      },
    });
    const served = await s.request('GET', '/openapi.json');
    doc = served.json;
    conform = new ResponseConformance(doc);
    conform.check('GET', '/openapi.json', served);
    const list = await call('GET', '/keys', { token: s.signerToken });
    keys = Object.fromEntries((list.json as KeyInfo[]).map((k) => [k.label, k]));
  });
  after(async () => {
    s.demo.sim.faults.reappear();
    s.demo.sim.faults.release();
    await s.close();
    await canned.close();
  });

  test('public routes, unknown routes (404) and wrong methods (405)', async () => {
    const health = await call('GET', '/health');
    assert.deepEqual(health.json, { status: 'ok', hsm_up: true, audit_up: true, simulated: true });
    await expect(200, undefined, 'GET', '/metrics');
    await expect(404, 'not_found', 'GET', '/nope');
    await expect(404, 'not_found', 'POST', '/sign/unknown-chain', { token: s.signerToken, body: { label: 'x' } });
    await expect(405, 'method_not_allowed', 'DELETE', '/health');
    await expect(405, 'method_not_allowed', 'GET', '/sign/solana', { token: s.signerToken });
    await expect(405, 'method_not_allowed', 'PUT', '/admin/keys/solana-hot-0/policy', { token: s.adminToken, body: {} });
  });

  test('read routes: 200 (a key the backend lacks has null address and public key), 400, 401, 403, 404', async () => {
    const list = await expect(200, undefined, 'GET', '/keys', { token: s.adminToken });
    const missing = (list.json as { label: string; address: unknown; public_key_b64: unknown }[]).find((k) => k.label === 'solana-missing-0');
    assert.deepEqual([missing?.address, missing?.public_key_b64], [null, null]);
    await expect(200, undefined, 'GET', '/keys', { token: tok.signAll });
    await expect(401, 'unauthorized', 'GET', '/keys');
    await expect(401, 'unauthorized', 'GET', '/keys', { headers: { authorization: 'Basic abc' } });
    await expect(401, 'unauthorized', 'GET', '/keys', { token: 'okms_wrong' });
    await expect(403, 'forbidden_scope', 'GET', '/keys', { token: tok.noScope });
    await expect(200, undefined, 'GET', '/policy', { token: s.signerToken });
    await expect(403, 'forbidden_scope', 'GET', '/policy', { token: tok.noScope });
    await expect(200, undefined, 'GET', '/policy', { token: tok.solanaOnly });
    await expect(401, 'unauthorized', 'GET', '/policy');
    await expect(200, undefined, 'GET', '/policy/solana-hot-0', { token: s.signerToken });
    await expect(200, undefined, 'GET', '/policy/cosmos-hub-0', { token: s.adminToken });
    const view = await expect(200, undefined, 'GET', '/policy/solana-missing-0', { token: s.adminToken });
    assert.equal(view.json.address, null);
    await expect(404, 'unknown_label', 'GET', '/policy/nope', { token: s.signerToken });
    await expect(400, 'invalid_request', 'GET', '/policy/%E0%A4%A', { token: s.signerToken });
    await expect(403, 'forbidden_scope', 'GET', '/policy/cosmos-hub-0', { token: tok.solanaOnly });
    await expect(401, 'unauthorized', 'GET', '/policy/solana-hot-0');
  });

  test('explain: allowed and refused are 200s; 400, 401, 403, 404, 413, 415; 503 when the key cannot be resolved', async () => {
    const explain = '/policy/solana-hot-0/explain';
    const ok = await expect(200, undefined, 'POST', explain, { token: s.signerToken, body: { message_b64: solanaBody(keys, 1000).message_b64 } });
    assert.equal(ok.json.allowed, true);
    const refused = await expect(200, undefined, 'POST', explain, { token: s.signerToken, body: { message_b64: solanaBody(keys, 6_000_000_000).message_b64 } });
    assert.equal(refused.json.allowed, false);
    const { label: _l, ...cosmos } = cosmosBody(keys, 100);
    await expect(200, undefined, 'POST', '/policy/cosmos-hub-0/explain', { token: s.signerToken, body: cosmos });
    await expect(400, 'invalid_request', 'POST', explain, { token: s.signerToken, body: { message_b64: 'AAAA', extra: 1 } });
    await expect(400, 'malformed_json', 'POST', explain, { token: s.signerToken, rawBody: '{"message_b64": ' });
    await expect(400, 'decode_failed', 'POST', explain, { token: s.signerToken, body: { message_b64: 'AAAA' } });
    await expect(413, 'payload_too_large', 'POST', explain, { token: s.signerToken, rawBody: BIG });
    await expect(415, 'unsupported_media_type', 'POST', explain, { token: s.signerToken, rawBody: '{}', contentType: 'text/plain' });
    await expect(404, 'unknown_label', 'POST', '/policy/nope/explain', { token: s.signerToken, body: { message_b64: 'AAAA' } });
    await expect(401, 'unauthorized', 'POST', explain, { body: { message_b64: 'AAAA' } });
    await expect(403, 'forbidden_scope', 'POST', '/policy/cosmos-hub-0/explain', { token: tok.solanaOnly, body: { message_b64: 'AAAA' } });
    const res = await expect(503, undefined, 'POST', '/policy/solana-missing-0/explain', { token: s.adminToken, body: { message_b64: 'AAAA' } });
    assert.ok(res.headers.get('retry-after'));
  });

  test('JSON-RPC (the demo network local, no node behind it): 200 replies and errors, 204, 400, 401, 403, 404, 413, 415', async () => {
    const rpc = '/rpc/evm/local';
    const one = (method: string, params: unknown[] = [], id: number | 'notification' = 1) => ({
      jsonrpc: '2.0',
      ...(id === 'notification' ? {} : { id }),
      method,
      params,
    });
    const chainId = await expect(200, undefined, 'POST', rpc, { token: s.signerToken, body: one('eth_chainId') });
    assert.equal(chainId.json.result, '0x7a69');
    const down = await expect(200, undefined, 'POST', rpc, { token: s.signerToken, body: one('eth_blockNumber') });
    assert.equal(down.json.error.data.code, 'rpc_unavailable');
    const batch = await expect(200, undefined, 'POST', rpc, { token: s.signerToken, body: [one('eth_accounts'), one('eth_sign', [], 2)] });
    assert.equal(batch.json.length, 2);
    await expect(204, undefined, 'POST', rpc, { token: s.signerToken, body: one('eth_chainId', [], 'notification') });
    await expect(400, undefined, 'POST', rpc, { token: s.signerToken, rawBody: '{"jsonrpc": ' });
    await expect(404, undefined, 'POST', '/rpc/evm/nowhere', { token: s.signerToken, body: one('eth_chainId') });
    await expect(413, undefined, 'POST', rpc, { token: s.signerToken, rawBody: BIG });
    await expect(415, undefined, 'POST', rpc, { token: s.signerToken, rawBody: '{}', contentType: 'text/plain' });
    await expect(401, 'unauthorized', 'POST', rpc, { body: one('eth_chainId') });
    await expect(403, 'forbidden_scope', 'POST', rpc, { token: tok.noScope, body: one('eth_chainId') });
  });

  test('MCP over streamable HTTP: 200 (initialize, tools/list), 202 (a notification), 400, 401, 406, 413, 415; GET 405', async () => {
    const accept = { accept: 'application/json, text/event-stream' };
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'openapi-test', version: '1' } },
    };
    const ok = await expect(200, undefined, 'POST', '/mcp', { token: s.signerToken, body: init, headers: accept });
    assert.equal(ok.json.result.serverInfo.name, 'openkms');
    const list = await expect(200, undefined, 'POST', '/mcp', { token: s.signerToken, body: { jsonrpc: '2.0', id: 2, method: 'tools/list' }, headers: accept });
    assert.ok(list.json.result.tools.some((t: { name: string }) => t.name === 'sign_solana'));
    await expect(202, undefined, 'POST', '/mcp', { token: s.signerToken, body: { jsonrpc: '2.0', method: 'notifications/initialized' }, headers: accept });
    await expect(406, undefined, 'POST', '/mcp', { token: s.signerToken, body: init, headers: { accept: 'application/json' } });
    await expect(400, undefined, 'POST', '/mcp', { token: s.signerToken, rawBody: '{"jsonrpc": ', headers: accept });
    await expect(401, 'unauthorized', 'POST', '/mcp', { body: init, headers: accept });
    await expect(413, undefined, 'POST', '/mcp', { token: s.signerToken, rawBody: BIG, headers: accept });
    await expect(415, undefined, 'POST', '/mcp', { token: s.signerToken, rawBody: '{}', contentType: 'text/plain', headers: accept });
    await expect(405, 'method_not_allowed', 'GET', '/mcp', { token: s.signerToken, headers: { accept: 'text/event-stream' } });
  });

  test('REST gateway (a node with canned answers): 200 and 201; 400, 401, 403, 404, 409, 415, 503', async () => {
    const abi = [
      {
        type: 'function',
        name: 'balanceOf',
        stateMutability: 'view',
        inputs: [{ name: 'owner', type: 'address' }],
        outputs: [{ name: 'balance', type: 'uint256' }],
      },
      {
        type: 'function',
        name: 'transfer',
        stateMutability: 'nonpayable',
        inputs: [
          { name: 'to', type: 'address' },
          { name: 'value', type: 'uint256' },
        ],
        outputs: [{ name: '', type: 'bool' }],
      },
      {
        type: 'event',
        name: 'Transfer',
        anonymous: false,
        inputs: [
          { name: 'from', type: 'address', indexed: true },
          { name: 'to', type: 'address', indexed: true },
          { name: 'value', type: 'uint256', indexed: false },
        ],
      },
    ];
    const contract = { name: 'coin', network: 'canned', address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', abi };
    const admin = '/admin/gateway/contracts';
    await expect(201, undefined, 'POST', admin, { token: s.adminToken, body: contract });
    await expect(200, undefined, 'POST', admin, { token: s.adminToken, body: contract });
    await expect(201, undefined, 'POST', admin, { token: s.adminToken, body: { ...contract, name: 'gone' } });
    await expect(400, 'abi_invalid', 'POST', admin, { token: s.adminToken, body: { ...contract, abi: [{ type: 'function' }] } });
    await expect(400, 'invalid_request', 'POST', admin, { token: s.adminToken, body: { ...contract, colour: 'red' } });
    await expect(415, undefined, 'POST', admin, { token: s.adminToken, rawBody: '{}', contentType: 'text/plain' });
    await expect(403, 'forbidden_scope', 'POST', admin, { token: s.signerToken, body: contract });
    await expect(200, undefined, 'GET', admin, { token: s.adminToken });
    await expect(200, undefined, 'DELETE', `${admin}/gone`, { token: s.adminToken });
    await expect(404, 'unknown_contract', 'DELETE', `${admin}/gone`, { token: s.adminToken });
    const owner = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    const read = await expect(200, undefined, 'GET', `/gateway/coin/balanceOf?owner=${owner}`, { token: s.signerToken });
    assert.deepEqual(read.json, { balance: '42' });
    await expect(200, undefined, 'POST', '/gateway/coin/balanceOf?call=true', { token: s.signerToken, body: [owner] });
    await expect(400, 'invalid_request', 'GET', '/gateway/coin/balanceOf?owner=0x12', { token: s.signerToken });
    await expect(404, 'unknown_method', 'GET', '/gateway/coin/mint', { token: s.signerToken });
    await expect(404, 'unknown_contract', 'POST', '/gateway/nope/transfer', { token: s.signerToken, body: {} });
    await expect(404, 'unknown_from', 'POST', '/gateway/coin/transfer?kld-from=nobody', { token: s.signerToken, body: { to: owner, value: '1' } });
    await expect(415, undefined, 'POST', '/gateway/coin/transfer', { token: s.signerToken, rawBody: '{}', contentType: 'text/plain' });
    await expect(401, 'unauthorized', 'GET', '/gateway/coin/balanceOf');
    await expect(403, 'forbidden_scope', 'GET', `/gateway/coin/balanceOf?owner=${owner}`, { token: tok.noScope });
    const spec = await expect(200, undefined, 'GET', '/gateway/coin/openapi.json', { token: s.signerToken });
    assert.equal(spec.json.openapi, '3.1.0');
    const receipt = await expect(200, undefined, 'GET', `/gateway/receipts/${CANNED_RECEIPT.transactionHash}`, { token: s.signerToken });
    assert.deepEqual(receipt.json.events[0].args, { from: owner, to: owner, value: '5' });
    await expect(400, 'invalid_request', 'GET', '/gateway/receipts/0x12', { token: s.signerToken });
    // the canned node does not answer eth_estimateGas: the node's refusal is a 502, never a 5xx of the signer's own
    await expect(502, 'upstream_rejected', 'POST', '/gateway/coin/transfer?kld-from=evm-hot-0', { token: s.signerToken, body: { to: owner, value: '1' } });
  });

  test('sign, both chains: 200; 400, 401, 403 (scope and policy), 404, 413, 415, 429; 503 for a key the backend lacks', async () => {
    const signed = await expect(200, undefined, 'POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 1000) });
    assert.ok(signed.json.signature_b58);
    await expect(200, undefined, 'POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(keys, 100) });
    await expect(200, undefined, 'POST', '/sign/evm', { token: tok.signAll, body: { label: 'evm-test-0', message: 'hello' } });
    await expect(400, 'chain_id_mismatch', 'POST', '/sign/evm', { token: tok.signAll, body: { label: 'evm-test-0', expected_chain_id: 1, message: 'hello' } });
    await expect(403, 'flag_not_allowed', 'POST', '/sign/evm', {
      token: tok.signAll,
      body: { label: 'evm-test-0', expected_chain_id: 31337, authorization: { chainId: 31337, address: `0x${'ab'.repeat(20)}`, nonce: 0 } },
    });
    await expect(400, 'invalid_request', 'POST', '/sign/solana', { token: s.signerToken, body: { label: 'solana-hot-0', message_b64: 'AAAA', extra: 1 } });
    await expect(400, 'invalid_request', 'POST', '/sign/cosmos', { token: s.signerToken, rawBody: '[1,2]' });
    await expect(400, 'malformed_json', 'POST', '/sign/cosmos', { token: s.signerToken, rawBody: '{"label": ' });
    await expect(400, 'decode_failed', 'POST', '/sign/solana', { token: s.signerToken, body: { label: 'solana-hot-0', message_b64: 'AAAA' } });
    await expect(400, 'chain_id_mismatch', 'POST', '/sign/cosmos', { token: s.signerToken, body: { ...cosmosBody(keys, 100), expected_chain_id: 'other-1' } });
    await expect(401, 'unauthorized', 'POST', '/sign/solana', { body: solanaBody(keys, 1) });
    await expect(403, 'forbidden_scope', 'POST', '/sign/solana', { token: tok.adminOnly, body: solanaBody(keys, 1) });
    await expect(403, 'per_tx_cap_exceeded', 'POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 6_000_000_000) });
    await expect(403, 'per_tx_cap_exceeded', 'POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(keys, 20_000_000) });
    const extra = solanaTransferMessage({ from: keys['solana-hot-0']!.address, lamports: 1, extraProgram: true });
    await expect(403, undefined, 'POST', '/sign/solana', {
      token: s.signerToken,
      body: { label: 'solana-hot-0', message_b64: Buffer.from(extra).toString('base64') },
    });
    await expect(404, 'unknown_label', 'POST', '/sign/solana', { token: tok.signAll, body: { ...solanaBody(keys, 1), label: 'nope' } });
    await expect(413, 'payload_too_large', 'POST', '/sign/solana', { token: s.signerToken, rawBody: BIG });
    await expect(415, 'unsupported_media_type', 'POST', '/sign/cosmos', {
      token: s.signerToken,
      rawBody: 'label=x',
      contentType: 'application/x-www-form-urlencoded',
    });
    await expect(503, 'key_not_found', 'POST', '/sign/solana', { token: tok.signAll, body: { ...solanaBody(keys, 1), label: 'solana-missing-0' } });
    // one signature a minute, already used: the next is rate limited
    await expect(200, undefined, 'PATCH', '/admin/keys/solana-hot-0/policy', { token: s.adminToken, body: { max_signs_per_minute: 1 } });
    const limited = await expect(429, 'rate_limited', 'POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 1) });
    assert.ok(limited.headers.get('retry-after'));
    await expect(200, undefined, 'DELETE', '/admin/keys/solana-hot-0/policy', { token: s.adminToken });
    await expect(200, undefined, 'GET', '/admin/policy', { token: s.adminToken });
    await expect(403, 'forbidden_scope', 'GET', '/admin/policy', { token: s.signerToken });
    await expect(401, 'unauthorized', 'GET', '/admin/policy');
  });

  test('admin routes: 200s; 400 (overlay validated from the document), 401, 403, 404, 413, 415; 503 state_write_failed', async () => {
    const overlay = '/admin/keys/cosmos-hub-0/policy';
    await expect(200, undefined, 'GET', overlay, { token: s.adminToken });
    const patched = await expect(200, undefined, 'PATCH', overlay, {
      token: s.adminToken,
      body: { max_signs_per_day: 100, per_tx_caps: { 'denom:uatom': '5' } },
    });
    assert.deepEqual(patched.json.overlay, { max_signs_per_day: 100, per_tx_caps: { 'denom:uatom': '5' } });
    await expect(200, undefined, 'PATCH', overlay, { token: s.adminToken, body: { max_signs_per_day: null } });
    const unknownKey = await expect(400, 'invalid_request', 'PATCH', overlay, { token: s.adminToken, body: { max_signs_per_day: 5, bogus: 1 } });
    assert.equal(unknownKey.json.details?.path, 'bogus');
    const numberCap = await expect(400, 'invalid_request', 'PATCH', overlay, { token: s.adminToken, body: { per_tx_caps: { native: 5 } } });
    assert.equal(numberCap.json.details?.path, 'per_tx_caps.native');
    await expect(400, 'malformed_json', 'PATCH', overlay, { token: s.adminToken, rawBody: '{' });
    await expect(413, 'payload_too_large', 'PATCH', overlay, { token: s.adminToken, rawBody: BIG });
    await expect(415, 'unsupported_media_type', 'PATCH', overlay, { token: s.adminToken, rawBody: '{}', contentType: 'text/plain' });
    await expect(404, 'unknown_label', 'PATCH', '/admin/keys/nope/policy', { token: s.adminToken, body: {} });
    await expect(403, 'forbidden_scope', 'PATCH', overlay, { token: s.signerToken, body: {} });
    await expect(401, 'unauthorized', 'GET', overlay);
    await expect(200, undefined, 'DELETE', overlay, { token: s.adminToken });
    await expect(404, 'unknown_label', 'DELETE', '/admin/keys/nope/policy', { token: s.adminToken });
    await expect(400, 'invalid_request', 'GET', '/admin/keys/%E0%A4%A/policy', { token: s.adminToken });
    for (const path of ['/admin/disable', '/admin/enable', '/admin/keys/solana-hot-0/disable', '/admin/keys/solana-hot-0/enable']) {
      await expect(200, undefined, 'POST', path, { token: s.adminToken });
      await expect(403, 'forbidden_scope', 'POST', path, { token: s.signerToken });
      await expect(401, 'unauthorized', 'POST', path);
    }
    await expect(404, 'unknown_label', 'POST', '/admin/keys/nope/disable', { token: s.adminToken });
    await expect(404, 'unknown_label', 'POST', '/admin/keys/nope/enable', { token: s.adminToken });
    // the runtime state file cannot be written
    rmSync(join(s.dir, 'state'), { recursive: true, force: true });
    try {
      await expect(503, 'state_write_failed', 'POST', '/admin/keys/solana-hot-0/disable', { token: s.adminToken });
      await expect(503, 'state_write_failed', 'POST', '/admin/disable', { token: s.adminToken });
    } finally {
      mkdirSync(join(s.dir, 'state'), { recursive: true });
    }
    await expect(200, undefined, 'POST', '/admin/enable', { token: s.adminToken });
    await expect(200, undefined, 'POST', '/admin/keys/solana-hot-0/enable', { token: s.adminToken });
  });

  test('approvals: 202 from sign and GET /approvals/{id}; admin list, show, approve and deny 200; 403, 404, 409', async () => {
    const overlay = '/admin/keys/solana-hot-0/policy';
    await expect(200, undefined, 'PATCH', overlay, { token: s.adminToken, body: { approval: { above: { native: '1000' }, ttl_secs: 600 } } });
    await expect(400, 'invalid_request', 'PATCH', overlay, { token: s.adminToken, body: { approval: { quorum: 0 } } });
    try {
      const held = await expect(202, undefined, 'POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 5000) });
      const id = held.json.approval_id as string;
      await expect(202, undefined, 'GET', `/approvals/${id}`, { token: s.signerToken });
      await expect(404, 'approval_not_found', 'GET', `/approvals/${id}`, { token: tok.signAll });
      await expect(400, 'invalid_request', 'GET', `/approvals/${id}?wait=soon`, { token: s.signerToken });
      await expect(200, undefined, 'GET', '/admin/approvals', { token: tok.adminOnly });
      await expect(200, undefined, 'GET', `/admin/approvals/${id}`, { token: tok.adminOnly });
      await expect(404, 'approval_not_found', 'GET', '/admin/approvals/apv_000000000000000000000000', { token: tok.adminOnly });
      await expect(403, 'forbidden_scope', 'GET', '/admin/approvals', { token: s.signerToken });
      await expect(401, 'unauthorized', 'GET', '/admin/approvals');
      await expect(403, 'forbidden_scope', 'POST', `/admin/approvals/${id}/approve`, { token: s.signerToken });
      await expect(200, undefined, 'POST', `/admin/approvals/${id}/approve`, { token: tok.adminOnly });
      await expect(409, 'approval_not_pending', 'POST', `/admin/approvals/${id}/deny`, { token: tok.adminOnly });
      const signed = await expect(200, undefined, 'GET', `/approvals/${id}`, { token: s.signerToken });
      assert.ok(signed.json.signature_b58);
      const other = await expect(202, undefined, 'POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 5001) });
      await expect(200, undefined, 'POST', `/admin/approvals/${other.json.approval_id}/deny`, { token: tok.adminOnly, body: { reason: 'no' } });
      await expect(403, 'approval_denied', 'GET', `/approvals/${other.json.approval_id}`, { token: s.signerToken });
    } finally {
      await expect(200, undefined, 'DELETE', overlay, { token: s.adminToken });
    }
  });

  test('pairing: POST /pairing 200, GET /pairing/{id} 202, 200, 410, 403; admin list, show, approve, deny 200; 400, 401, 403, 404, 409, 429', async () => {
    const publicKey = () => generateKeyPairSync('x25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
    const asked = await expect(200, undefined, 'POST', '/pairing', {
      body: { name: 'paired-agent', labels: ['solana-hot-0'], scopes: ['sign'], x25519_public_key: publicKey() },
    });
    const id = asked.json.pairing_id as string;
    await expect(202, undefined, 'GET', `/pairing/${id}`);
    await expect(404, 'pairing_not_found', 'GET', '/pairing/pair_00000000000000000000000000000000');
    await expect(200, undefined, 'GET', '/admin/pairing', { token: tok.adminOnly });
    await expect(200, undefined, 'GET', `/admin/pairing/${id}`, { token: tok.adminOnly });
    await expect(404, 'pairing_not_found', 'GET', '/admin/pairing/pair_00000000000000000000000000000000', { token: tok.adminOnly });
    await expect(403, 'forbidden_scope', 'GET', '/admin/pairing', { token: s.signerToken });
    await expect(401, 'unauthorized', 'GET', '/admin/pairing');
    await expect(400, 'invalid_request', 'POST', `/admin/pairing/${id}/approve`, { token: tok.adminOnly, body: { code: asked.json.code, scopes: ['read'] } });
    await expect(403, 'pairing_code_mismatch', 'POST', `/admin/pairing/${id}/approve`, { token: tok.adminOnly, body: { code: 'not-the-code' } });
    await expect(200, undefined, 'POST', `/admin/pairing/${id}/approve`, { token: tok.adminOnly, body: { code: asked.json.code } });
    await expect(409, 'pairing_not_pending', 'POST', `/admin/pairing/${id}/deny`, { token: tok.adminOnly });
    await expect(200, undefined, 'GET', `/pairing/${id}`);
    await expect(410, 'pairing_delivered', 'GET', `/pairing/${id}`);
    const other = await expect(200, undefined, 'POST', '/pairing', { body: { name: 'denied-agent', scopes: ['read'], x25519_public_key: publicKey() } });
    await expect(200, undefined, 'POST', `/admin/pairing/${other.json.pairing_id}/deny`, { token: tok.adminOnly, body: { reason: 'no' } });
    await expect(403, 'pairing_denied', 'GET', `/pairing/${other.json.pairing_id}`);
    await expect(400, 'invalid_request', 'POST', '/pairing', { body: { name: 'x', scopes: ['admin'], x25519_public_key: publicKey() } });
    // the default limit: 5 a minute from one address
    for (let i = 0; i < 2; i++)
      await expect(200, undefined, 'POST', '/pairing', { body: { name: `agent-${i}`, scopes: ['read'], x25519_public_key: publicKey() } });
    await expect(429, 'pairing_rate_limited', 'POST', '/pairing', { body: { name: 'one-too-many', scopes: ['read'], x25519_public_key: publicKey() } });
  });

  test('operator console: /ui 200; /whoami, /admin/audit and /admin/activity 200, 400, 401, 403', async () => {
    await expect(200, undefined, 'GET', '/ui');
    const who = await expect(200, undefined, 'GET', '/whoami', { token: tok.solanaOnly });
    assert.deepEqual(who.json, { token_name: 'solana-only', scopes: ['sign:solana-hot-0'] });
    await expect(401, 'unauthorized', 'GET', '/whoami');
    await expect(200, undefined, 'GET', '/admin/audit?decision=allow&limit=3', { token: s.adminToken });
    await expect(200, undefined, 'GET', '/admin/audit?limit=2', { token: s.adminToken });
    await expect(400, 'invalid_request', 'GET', '/admin/audit?limit=0', { token: s.adminToken });
    await expect(403, 'forbidden_scope', 'GET', '/admin/audit', { token: tok.signAll });
    await expect(401, 'unauthorized', 'GET', '/admin/audit');
    await expect(200, undefined, 'GET', '/admin/activity', { token: s.adminToken });
    await expect(403, 'forbidden_scope', 'GET', '/admin/activity', { token: tok.signAll });
  });

  test('reload: 200, 400 config_invalid; /metrics behind auth: 401, 403, 200', async () => {
    const file = s.demo.files.config;
    const good = readFileSync(file, 'utf8');
    await expect(200, undefined, 'POST', '/admin/reload', { token: s.adminToken });
    await expect(403, 'forbidden_scope', 'POST', '/admin/reload', { token: s.signerToken });
    await expect(401, 'unauthorized', 'POST', '/admin/reload');
    try {
      writeFileSync(file, good + '\n[server\n');
      await expect(400, 'config_invalid', 'POST', '/admin/reload', { token: s.adminToken });
      writeFileSync(file, good.replace('token_file = "tokens.json"', 'token_file = "tokens.json"\nmetrics_require_auth = true'));
      await expect(200, undefined, 'POST', '/admin/reload', { token: s.adminToken });
      await expect(401, 'unauthorized', 'GET', '/metrics');
      await expect(403, 'forbidden_scope', 'GET', '/metrics', { token: tok.noScope });
      await expect(200, undefined, 'GET', '/metrics', { token: s.signerToken });
    } finally {
      writeFileSync(file, good);
      await expect(200, undefined, 'POST', '/admin/reload', { token: s.adminToken });
    }
  });

  test('the key backend down: /health degraded, sign 503 backend_unavailable', async () => {
    s.demo.sim.faults.disappear();
    try {
      const res = await call('POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(keys, 100) });
      assert.equal(res.status, 503, res.text);
      const health = await waitFor(async () => {
        const h = await call('GET', '/health');
        return h.json?.hsm_up === false && h;
      }, 'the backend reported down');
      assert.equal(health.status, 503);
      assert.deepEqual(health.json, { status: 'degraded', hsm_up: false, audit_up: true, simulated: true });
    } finally {
      s.demo.sim.faults.reappear();
    }
    await waitFor(async () => (await s.request('GET', '/health')).json?.hsm_up === true, 'the backend is back');
    await expect(200, undefined, 'POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(keys, 100) });
  });

  test('shutting down: a request that arrives while the signer stops is a documented 503 shutting_down', async () => {
    const body = JSON.stringify(solanaBody(keys, 10));
    const first =
      `POST /sign/solana HTTP/1.1\r\nHost: openkms\r\nAuthorization: Bearer ${s.signerToken}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const second = `GET /keys HTTP/1.1\r\nHost: openkms\r\nAuthorization: Bearer ${s.signerToken}\r\n\r\n`;
    s.demo.sim.faults.hangNext(5_000);
    const [signed, refused] = await pipelinedDuringShutdown(s, first, second, () =>
      waitFor(
        async () => metricValue((await s.request('GET', '/metrics', { token: s.signerToken })).text, 'openkms_in_flight_requests') === 1,
        'the sign request in flight',
      ).then(() => undefined),
    );
    assert.ok(signed && refused, 'two responses');
    conform.check('POST', '/sign/solana', signed);
    assert.equal(signed.status, 200, signed.text);
    conform.check('GET', '/keys', refused);
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.json.code, 'shutting_down');
  });

  test('coverage: every documented operation answered a 200, and the statuses seen span the documented error classes', (t) => {
    const ok = new Set(conform.seen.filter((r) => r.status === 200 && r.operation).map((r) => `${r.method.toLowerCase()} ${r.operation}`));
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const method of Object.keys(item).filter((m) => METHODS.includes(m)))
        assert.ok(ok.has(`${method} ${path}`), `${method} ${path} was exercised with a 200`);
    }
    const statuses = new Set(conform.seen.map((r) => r.status));
    for (const st of [200, 400, 401, 403, 404, 405, 413, 415, 429, 503]) assert.ok(statuses.has(st), `a ${st} was checked`);
    t.diagnostic(`${conform.seen.length} responses checked against the document`);
  });
});
