import { createServer, type Server } from 'node:http';

/**
 * A JSON-RPC answerer with canned results per method, on an ephemeral loopback port. Only for checking response
 * shapes against the OpenAPI document where no node runs (openapi-responses.test.ts); the gateway's behaviour is
 * tested against a real anvil node (evm-gateway.test.ts).
 */
export async function startCannedJsonRpc(results: Readonly<Record<string, unknown>>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += String(c)));
    req.on('end', () => {
      const call = JSON.parse(text) as { id: unknown; method: string };
      const body =
        call.method in results
          ? { jsonrpc: '2.0', id: call.id, result: results[call.method] }
          : { jsonrpc: '2.0', id: call.id, error: { code: -32601, message: `${call.method} not canned` } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}
