// A signer in this process whose simulated YubiHSM2 sits behind a connector server the test controls: closing the
// server is "the connector is gone" (connection refused), starting it again on the same port and secret path brings
// it back; the simulator's fault knobs (expired sessions, device errors) are at hand. Extra backends (PKCS#11,
// emulated cloud services) can be added to the same signer's config.
import { join } from 'node:path';
import { startSigner, TokenStore, type RunningSigner } from '@openkms/signer';
import { createSimulator, startConnectorServer, type ConnectorServer, type SimulatedYubiHsm } from '@openkms/yubihsm-sim';
import { prepareDemoDir, withoutRefusalBudget, type DemoDir } from './demo-signer.js';

const PREFIX = 'reliability-connector';
const quiet = { write: () => undefined } as never;

export interface FaultSigner {
  readonly demo: DemoDir;
  /** A token that may sign with every key and read (the demo's own token names only the demo keys). */
  readonly token: string;
  readonly signer: RunningSigner;
  readonly sim: SimulatedYubiHsm;
  /** Closes the connector server: the signer's requests to it are refused. */
  connectorGone(): Promise<void>;
  /** Starts the connector again at the same URL. */
  connectorBack(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultSigner(edit: (toml: string) => string, before?: (demo: DemoDir) => void): Promise<FaultSigner> {
  // faults make many refusals: the per-token refusal budget would otherwise answer 429 before the backend is tried
  const demo = await prepareDemoDir((t) => withoutRefusalBudget(edit(t)), 'openkms-reliability-faults-');
  const token = TokenStore.load(join(demo.dir, 'tokens.json')).create('reliability', ['sign', 'read']);
  before?.(demo);
  const sim = createSimulator({ statePath: join(demo.dir, 'yubihsm-sim.json'), latency: 'zero' });
  let server: ConnectorServer | undefined = await startConnectorServer(sim, { port: 0, pathPrefix: PREFIX });
  const port = server.port;
  const signer = await startSigner({ configFile: demo.config, listen: { host: '127.0.0.1', port: 0 }, connectors: [server.url], logDestination: quiet });
  return {
    demo,
    token,
    signer,
    sim,
    async connectorGone() {
      await server?.close();
      server = undefined;
    },
    async connectorBack() {
      server = await startConnectorServer(sim, { port, pathPrefix: PREFIX });
    },
    async close() {
      await signer.close();
      await server?.close();
      await sim.close();
    },
  };
}
