import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { PublicKey } from '@solana/web3.js';
import { TokenStore } from '../src/auth/token-store.js';
import { CLI_BIN, REPO_ROOT } from './support/cli-process.js';
import { solanaBody, waitForAudit } from './support/policy-fixtures.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';

// The MCP server with the official MCP client SDK, over stdio (`openkms mcp`, a child process talking to the signer
// over HTTP) and over streamable HTTP (POST /mcp on the signer): the tools, a Solana transfer signed and verified, an
// over-cap transfer refused with its code, a read-only token that cannot sign, an audit record for every sign call.

const TOOLS = ['explain', 'get_policy', 'list_keys', 'send_evm_transaction', 'sign_cosmos', 'sign_evm', 'sign_solana'];

describe('MCP server (official MCP client SDK): stdio and streamable HTTP', () => {
  let s: TestSigner;
  let readToken: string;
  let solanaAddress: string;
  const clients: Client[] = [];

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openkms-mcp-'));
    s = await startTestSigner({
      dir,
      config: (toml) => {
        readToken = TokenStore.load(join(dir, 'tokens.json')).create('mcp-reader', ['read']);
        return toml;
      },
    });
    const keys = (await s.request('GET', '/keys', { token: s.signerToken })).json as { label: string; address: string }[];
    solanaAddress = keys.find((k) => k.label === 'solana-hot-0')!.address;
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await s?.close();
  });

  const httpClient = async (token: string): Promise<Client> => {
    const client = new Client({ name: 'openkms-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', s.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return client;
  };
  const stdioClient = async (token: string): Promise<Client> => {
    const tokenFile = join(s.dir, `mcp-${clients.length}.token`);
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const client = new Client({ name: 'openkms-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI_BIN, 'mcp', '--url', s.url, '--token-file', tokenFile],
        cwd: REPO_ROOT,
        env: { ...(process.env as Record<string, string>), INIT_CWD: REPO_ROOT },
        stderr: 'pipe',
      }),
    );
    clients.push(client);
    return client;
  };
  const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;

  for (const transport of ['stdio', 'http'] as const) {
    test(`${transport}: lists the tools, signs a Solana transfer (signature verified), refuses an over-cap one with per_tx_cap_exceeded`, async () => {
      const client = transport === 'http' ? await httpClient(s.signerToken) : await stdioClient(s.signerToken);
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
      const sign = tools.find((t) => t.name === 'sign_solana')!;
      // the input schema is the OpenAPI document's SignRequest.solana
      assert.equal(sign.inputSchema.type, 'object');
      assert.ok(sign.inputSchema.properties?.message_b64, JSON.stringify(sign.inputSchema));
      assert.deepEqual(sign.inputSchema.required, ['label']);
      assert.equal(sign.annotations?.readOnlyHint, false);
      assert.equal(tools.find((t) => t.name === 'list_keys')!.annotations?.readOnlyHint, true);

      const listed = await call(client, 'list_keys', {});
      assert.equal(listed.isError, undefined, JSON.stringify(listed));
      assert.ok((listed.structuredContent!.keys as { label: string }[]).some((k) => k.label === 'solana-hot-0'));

      const body = solanaBody(solanaAddress, 1000);
      const signed = await call(client, 'sign_solana', body);
      assert.notEqual(signed.isError, true, JSON.stringify(signed));
      const out = signed.structuredContent as { signature_b64: string; request_id: string };
      const signature = Buffer.from(out.signature_b64, 'base64');
      assert.ok(ed25519.verify(signature, Buffer.from(body.message_b64, 'base64'), new PublicKey(solanaAddress).toBytes()), 'the signature verifies');
      assert.deepEqual(JSON.parse((signed.content[0] as { text: string }).text).signature_b64, out.signature_b64);
      const [allowed] = await waitForAudit(s, (r) => r.request_id === out.request_id);
      assert.equal(allowed?.decision, 'allow');

      const over = await call(client, 'sign_solana', solanaBody(solanaAddress, 6_000_000_000));
      assert.equal(over.isError, true);
      const e = over.structuredContent as { code: string; error: string; status: number; request_id: string; details: Record<string, unknown> };
      assert.equal(e.code, 'per_tx_cap_exceeded');
      assert.equal(e.status, 403);
      assert.match((over.content[0] as { text: string }).text, /^per_tx_cap_exceeded: policy: /);
      assert.equal(e.details.rule, 'per_tx_caps');
      const [denied] = await waitForAudit(s, (r) => r.request_id === e.request_id);
      assert.equal(denied?.decision, 'deny');
      assert.equal(denied?.reason_code, 'per_tx_cap_exceeded');

      // explain and get_policy: reads, nothing consumed
      const explained = await call(client, 'explain', solanaBody(solanaAddress, 6_000_000_000));
      assert.equal(explained.structuredContent!.allowed, false);
      assert.equal(explained.structuredContent!.code, 'per_tx_cap_exceeded');
      const policy = await call(client, 'get_policy', { label: 'solana-hot-0' });
      assert.equal(policy.isError, undefined, JSON.stringify(policy));
      assert.equal(policy.structuredContent!.label, 'solana-hot-0');
      // bad arguments are tool errors with the REST code, never a crash
      const bad = await call(client, 'sign_solana', { label: 'solana-hot-0', message_b64: 'AAAA', extra: 1 });
      assert.equal(bad.isError, true);
      assert.equal(bad.structuredContent!.code, 'invalid_request');
      const noLabel = await call(client, 'get_policy', {});
      assert.equal(noLabel.structuredContent!.code, 'invalid_request');
    });

    test(`${transport}: a read-only token lists and reads but cannot call the sign tools (forbidden_scope, audited)`, async () => {
      const client = transport === 'http' ? await httpClient(readToken) : await stdioClient(readToken);
      assert.equal((await call(client, 'list_keys', {})).isError, undefined);
      const refused = await call(client, 'sign_solana', solanaBody(solanaAddress, 1000));
      assert.equal(refused.isError, true);
      assert.equal(refused.structuredContent!.code, 'forbidden_scope');
      const [rec] = await waitForAudit(s, (r) => r.request_id === refused.structuredContent!.request_id);
      assert.equal(rec?.decision, 'deny');
      assert.equal(rec?.token_name, 'mcp-reader');
      const send = await call(client, 'send_evm_transaction', { network: 'local', transaction: { from: `0x${'11'.repeat(20)}`, to: `0x${'22'.repeat(20)}` } });
      assert.equal(send.isError, true, JSON.stringify(send));
    });
  }

  test('no tool changes policy, tokens or kill switches; an unknown tool is a protocol error; /mcp needs a bearer token', async () => {
    const client = await httpClient(s.adminToken);
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const n of names) assert.doesNotMatch(n, /admin|disable|enable|token|reload|patch|policy_set/);
    await assert.rejects(client.callTool({ name: 'admin_disable', arguments: {} }), /unknown tool/);
    const anonymous = await s.request('POST', '/mcp', {
      body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      headers: { accept: 'application/json, text/event-stream' },
    });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.code, 'unauthorized');
  });
});
