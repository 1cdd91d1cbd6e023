// The simulated devices: N YubiHSM2 simulators holding the same keys (copies of the demo device's state, serials
// base+i), each behind its own connector HTTP server with a secret path. A process of their own, like real devices
// are hardware of their own: their work is not counted against the signer's CPU. Child process of run-bench.ts.
import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { createSimulator, startConnectorServer, type ConnectorServer, type SimulatedYubiHsm } from '@openkms/yubihsm-sim';

const [statePath, countArg, latency] = process.argv.slice(2) as [string, string, 'zero' | 'realistic'];
const count = Number(countArg);
const sims: SimulatedYubiHsm[] = [];
const servers: ConnectorServer[] = [];
for (let i = 0; i < count; i++) {
  const path = `${statePath}.device-${i}.json`;
  copyFileSync(statePath, path);
  const sim = createSimulator({ statePath: path, latency, serial: 20_000_001 + i });
  sims.push(sim);
  servers.push(await startConnectorServer(sim, { host: '127.0.0.1', port: 0, pathPrefix: randomBytes(18).toString('base64url') }));
}
process.send!({ type: 'ready', urls: servers.map((s) => s.url) });
process.on('message', (m: { type: string }) => {
  if (m.type === 'traffic') process.send!({ type: 'traffic', traffic: sims.map((s) => s.traffic()) });
});
process.on('disconnect', () => {
  void Promise.all(servers.map((s) => s.close()))
    .then(() => Promise.all(sims.map((s) => s.close())))
    .finally(() => process.exit(0));
});
