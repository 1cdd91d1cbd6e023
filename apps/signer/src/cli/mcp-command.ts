import { readFileSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';
import { loadConfig } from '../config/load-config.js';
import { httpDispatch } from '../mcp/mcp-dispatch.js';
import { userPath, type CliIo } from './cli-context.js';
import { flag, parseArgs, UsageError } from './parse-args.js';

export const MCP_HELP = `openkms mcp (--url URL | --config FILE) [--token-file FILE]

Serves openKMS as an MCP server (Model Context Protocol) over stdio, for an agent runtime on the same host. It talks to
a running signer over HTTP: its address comes from --url or from the config's server.listen (https when server.tls is
set; trust a private CA with NODE_EXTRA_CA_CERTS), the bearer token from --token-file or the OPENKMS_TOKEN environment
variable (the token's scopes apply to every tool call; never put the token on the command line). Tools: list_keys,
get_policy, explain, sign_solana, sign_cosmos, sign_evm and send_evm_transaction (when an EVM network is configured),
their input schemas taken from the signer's OpenAPI document. No tool changes policy, tokens or kill switches.
The same server is served by the signer at POST /mcp (streamable HTTP).`;

export async function mcpCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { options: ['config', 'url', 'token-file'] });
  if (args.flags.has('help') || args.positionals.length > 0) {
    (args.flags.has('help') ? io.out : io.err)(MCP_HELP);
    return args.flags.has('help') ? 0 : 2;
  }
  let url = flag(args, 'url');
  const configFile = flag(args, 'config');
  let evmNetworks: string[] | undefined;
  if (configFile) {
    const c = await loadConfig(userPath(configFile));
    evmNetworks = Object.values(c.networks)
      .filter((n) => n.chain === 'evm')
      .map((n) => n.name)
      .sort();
    if (!url) {
      const host = c.server.host === '0.0.0.0' ? '127.0.0.1' : c.server.host === '::' ? '::1' : c.server.host;
      url = `${c.server.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${c.server.port}`;
    }
  }
  if (!url) throw new UsageError('mcp needs --url URL or --config FILE');
  const tokenFile = flag(args, 'token-file');
  const token = tokenFile ? readFileSync(userPath(tokenFile), 'utf8').trim() : process.env.OPENKMS_TOKEN?.trim();
  if (!token) throw new UsageError('mcp needs a bearer token: --token-file FILE or the OPENKMS_TOKEN environment variable');

  // the tools' schemas come from the running signer's document (every chain plugin it loaded)
  let doc: Record<string, any>;
  try {
    const res = await fetch(new URL('/openapi.json', url), { signal: AbortSignal.timeout(15_000) });
    if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}`);
    doc = (await res.json()) as Record<string, any>;
  } catch (err) {
    throw openKmsError(ErrorCode.backendUnavailable, `cannot read the signer's OpenAPI document at ${url} (${(err as Error).message})`, { url });
  }
  const [{ StdioServerTransport }, { createMcpServer }, { deriveMcpTools }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('../mcp/mcp-server.js'),
    import('../mcp/mcp-tools.js'),
  ]);
  const tools = deriveMcpTools(doc, evmNetworks === undefined ? {} : { evmNetworks });
  const server = createMcpServer(tools, httpDispatch(url, token), String(doc.info?.version ?? '1'));
  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve;
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  // stdout carries the protocol: everything else goes to stderr
  await server.connect(new StdioServerTransport());
  io.err(`openkms mcp: serving ${tools.length} tools (${tools.map((t) => t.name).join(', ')}) for the signer at ${url}`);
  await closed;
  await server.close();
  return 0;
}
