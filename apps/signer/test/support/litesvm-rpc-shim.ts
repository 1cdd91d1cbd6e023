import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { address } from '@solana/kit';
import type { LiteSVM } from 'litesvm';

/** A JSON-RPC endpoint serving a LiteSVM's account state (getAccountInfo, base64), for the signer's rpc_url. */
export interface LiteSvmRpcShim {
  readonly url: string;
  /** getAccountInfo calls seen, by account. */
  readonly calls: string[];
  close(): Promise<void>;
}

/**
 * Starts a small JSON-RPC server on an ephemeral loopback port that answers `getAccountInfo` from the VM's live
 * account state, in the shape Solana RPC nodes answer it (`{ context, value: { data: [b64, "base64"], … } }`).
 */
export async function startLiteSvmRpcShim(svm: LiteSVM): Promise<LiteSvmRpcShim> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const rpc = JSON.parse(body) as { id: unknown; method: string; params: [string, unknown?] };
      const reply = (payload: object) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ jsonrpc: '2.0', id: rpc.id, ...payload }));
      };
      if (rpc.method !== 'getAccountInfo') return reply({ error: { code: -32601, message: 'Method not found' } });
      calls.push(rpc.params[0]);
      const account = svm.getAccount(address(rpc.params[0]));
      const slot = Number(svm.getClock().slot);
      if (!account.exists) return reply({ result: { context: { slot }, value: null } });
      return reply({
        result: {
          context: { slot },
          value: {
            data: [Buffer.from(account.data).toString('base64'), 'base64'],
            executable: account.executable,
            lamports: Number(account.lamports),
            owner: account.programAddress,
            rentEpoch: 0,
            space: account.data.length,
          },
        },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
