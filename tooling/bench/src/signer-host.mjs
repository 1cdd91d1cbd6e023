// The signer under test, in a process of its own: startSigner on the bench's demo config, pointed at the simulated
// devices' connector URLs. Plain JavaScript so that, once `pnpm build` has run, it loads the signer's built output
// like an installed package (no TypeScript compiler in memory); otherwise it is started through tsx from source.
// Logs go to stdout (the parent discards them; the writes still happen). Child process of run-bench.ts.
import { startSigner } from '@openkms/signer';

const [configFile, urls] = process.argv.slice(2);
const signer = await startSigner({ configFile, listen: { host: '127.0.0.1', port: 0 }, connectors: JSON.parse(urls) });
process.send({ type: 'ready', url: signer.url });
process.on('message', (m) => {
  if (m.type !== 'memory') return;
  // live heap after a full collection (the parent forks this with --expose-gc), beside what RSS says
  globalThis.gc?.();
  process.send({ type: 'memory', memory: process.memoryUsage() });
});
process.on('disconnect', () => {
  void signer.close().finally(() => process.exit(0));
});
