import { relative } from 'node:path';
import { splitListen } from '../config/load-config.js';
import { startDemo } from '../demo/start-demo.js';
import { cliInvocation, userPath, type CliIo } from './cli-context.js';
import { flag, parseArgs, UsageError } from './parse-args.js';
import { untilSignal } from './run-command.js';

export const DEMO_HELP = `openkms demo [--dir DIR] [--listen HOST:PORT] [--latency zero|realistic] [--sim-listen HOST:PORT] [--evm-upstream URL]

Starts the full signer against an embedded SIMULATED YubiHSM2 set up like the original openKMS's ceremony from a
random demo mnemonic (auth keys 1 ceremony, 2 provisioner, 3 signer; wrap key 1; no factory key), with demo keys
cosmos-hub-0 (0x0100, m/44'/118'/0'/0/0), solana-hot-0 (0x0101, m/44'/501'/0'/0') and evm-hot-0 (0x0102,
m/44'/60'/0'/0/0, chain id 31337). Writes config.toml,
mnemonic.txt, hsm.password, signer.token, admin.token, the audit key and log into DIR (default .openkms-demo/), and
reuses them on restart. Default listen 127.0.0.1:9443. --latency realistic gives the simulated device the
published YubiHSM2 timings (default zero). Ctrl-C (SIGINT) or SIGTERM stops it cleanly (exit 0).

The simulated device runs inside this process with no port. --sim-listen HOST:PORT serves it as a connector at
http://HOST:PORT/<random secret path> (written into config.toml) for tests and tools.

Ethereum JSON-RPC for evm-hot-0 is served at /rpc/evm/local; its node (reads, gas, fees, sending) is --evm-upstream
URL (default http://127.0.0.1:8545, e.g. a local anvil). Without a node, POST /sign/evm still works and the JSON-RPC
endpoint answers rpc_unavailable.`;

export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { options: ['dir', 'listen', 'latency', 'sim-listen', 'evm-upstream'] });
  if (args.flags.has('help')) {
    io.out(DEMO_HELP);
    return 0;
  }
  const dir = userPath(flag(args, 'dir') ?? '.openkms-demo');
  const [host, port] = splitListen(flag(args, 'listen') ?? '127.0.0.1:9443');
  const latency = flag(args, 'latency') ?? 'zero';
  if (latency !== 'zero' && latency !== 'realistic') throw new UsageError('--latency must be zero or realistic');
  const simListen = flag(args, 'sim-listen');
  const sim = simListen === undefined ? ('in-process' as const) : (([h, p]) => ({ host: h, port: p }))(splitListen(simListen));
  const evmUpstream = flag(args, 'evm-upstream');
  if (evmUpstream !== undefined && !/^https?:\/\/[^\s"]+$/.test(evmUpstream)) throw new UsageError('--evm-upstream must be an http:// or https:// URL');
  const demo = await startDemo({
    dir,
    listen: { host, port },
    latency,
    sim,
    signerOptions: { awaitDecoders: false },
    ...(evmUpstream === undefined ? {} : { evmUpstream }),
  });
  const rel = (p: string) => {
    const r = relative(process.env.INIT_CWD ?? process.cwd(), p);
    return r.startsWith('..') ? p : r;
  };
  const url = demo.signer.url;
  // handlers first: a Ctrl-C as soon as the banner shows must already stop cleanly
  const stopped = untilSignal(demo.signer, async () => {
    await demo.close();
  });
  io.out(`
openKMS demo signer: ${url}   (SIMULATED YubiHSM2 ${demo.connectorUrl ? `at ${new URL(demo.connectorUrl).origin}/<secret path in config.toml>` : 'in-process, no port'} — never for real funds)
${demo.created ? 'Created' : 'Reusing'} ${rel(dir)}/: config.toml, tokens, audit log

  signer token (sign solana-hot-0, cosmos-hub-0, evm-hot-0; read): ${rel(demo.files.signerToken)}
  admin token  (admin; read):                                      ${rel(demo.files.adminToken)}

Operator console: ${url}/ui   (sign in with the admin token)

Try:
  curl -s ${url}/health
  curl -s -H "Authorization: Bearer $(cat ${rel(demo.files.signerToken)})" ${url}/keys
  curl -s -H "Authorization: Bearer $(cat ${rel(demo.files.signerToken)})" ${url}/policy/solana-hot-0
  curl -s -X POST -H "Authorization: Bearer $(cat ${rel(demo.files.adminToken)})" ${url}/admin/keys/solana-hot-0/disable
  curl -s ${url}/openapi.json | head -c 300
  curl -s -H "Authorization: Bearer $(cat ${rel(demo.files.signerToken)})" -H 'Content-Type: application/json' \\
    -d '{"jsonrpc":"2.0","id":1,"method":"eth_accounts"}' ${url}/rpc/evm/local
  ${cliInvocation()} audit verify --config ${rel(demo.files.config)}

Stop with Ctrl-C.`);
  await stopped;
  return 0;
}
