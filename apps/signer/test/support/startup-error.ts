import { writeFileSync } from 'node:fs';
import { startSigner } from '../../src/runtime/start-signer.js';

/** Writes `toml` to `configFile` and starts a signer from it: the start-up error, or undefined when it started (then stopped). */
export function startupError(configFile: string, toml: string): Promise<unknown> {
  writeFileSync(configFile, toml);
  return startSigner({ configFile, listen: { host: '127.0.0.1', port: 0 }, connectorTransports: [] }).then(
    async (r) => {
      await r.close();
      return undefined;
    },
    (e: unknown) => e,
  );
}
