import { createServer, type Server } from 'node:http';
import { main } from '../../src/cli/main.js';

/**
 * The docs test's in-process CLI: commands that finish on their own and need no process of their own (as the `cli`
 * helper runs them) are run here, one at a time, for the blocks' `openkms` calls (docs-cli-shim.mjs). Any other
 * command, and every long-running one, is spawned as the real binary by the block's shell.
 */
export const IN_PROCESS_COMMANDS: readonly string[] = ['token', 'audit', 'config', 'keys', 'openapi'];

export interface DocsCliServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startDocsCliServer(): Promise<DocsCliServer> {
  let queue: Promise<unknown> = Promise.resolve();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      queue = queue.then(async () => {
        const { args, cwd } = JSON.parse(body) as { args: string[]; cwd: string };
        let stdout = '';
        let stderr = '';
        // relative paths resolve against the block's directory, as under `pnpm openkms` (userPath reads INIT_CWD)
        const saved = process.env.INIT_CWD;
        process.env.INIT_CWD = cwd;
        let code: number;
        try {
          code = await main(args, { out: (l) => (stdout += l + '\n'), err: (l) => (stderr += l + '\n') });
        } catch (err) {
          code = 1;
          stderr += `${(err as Error).message}\n`;
        } finally {
          if (saved === undefined) delete process.env.INIT_CWD;
          else process.env.INIT_CWD = saved;
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ code, stdout, stderr }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
