// The bench's signer configuration: the demo's (`openkms demo` files: ceremony-provisioned simulated device, keys
// cosmos-hub-0 and solana-hot-0, audit with fsync) with its limits raised, enough in-flight room for concurrency 128,
// an EVM key of its own (bench-evm-0, the demo's secp256k1 object 0x0100) and a token for every route.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemo, TokenStore } from '@openkms/signer';
import { EVM_CHAIN_ID, EVM_FRIEND } from './request-bodies.js';

export const EVM_LABEL = 'bench-evm-0';
const HUGE = '100000000000000000000000000';

export interface BenchDemo {
  readonly dir: string;
  readonly config: string;
  readonly simState: string;
  readonly token: string;
}

export interface BenchConfigOptions {
  /** Sessions per device (backend.yubihsm.pool_size). */
  readonly poolSize: number;
}

export async function prepareDemo(dir: string, opts: BenchConfigOptions): Promise<BenchDemo> {
  const demo = await startDemo({ dir, listen: { host: '127.0.0.1', port: 0 }, sim: 'in-process', logDestination: { write: () => undefined } });
  const files = demo.files;
  await demo.close();
  let toml = readFileSync(files.config, 'utf8');
  toml = toml
    .replace(/^max_signs_per_minute = \d+$/gm, 'max_signs_per_minute = 1000000000')
    .replace(/^max_signs_per_day = \d+$/gm, 'max_signs_per_day = 1000000000')
    .replace(/^(per_tx_cap_lamports|daily_cap_lamports) = "\d+"$/gm, `$1 = "${HUGE}"`)
    .replace(/("denom:uatom" = )"\d+"/g, `$1"${HUGE}"`)
    .replace(/^\[server\]$/m, '[server]\nmax_in_flight = 100000\nmax_in_flight_per_backend = 100000')
    .replace(/^allow_simulated = true$/m, `allow_simulated = true\npool_size = ${opts.poolSize}`);
  toml += `
[keys.${EVM_LABEL}]
chain = "evm"
key_id = "0x0100"

[keys.${EVM_LABEL}.options]
chain_id = ${EVM_CHAIN_ID}

[keys.${EVM_LABEL}.policy]
max_signs_per_minute = 1000000000
max_signs_per_day = 1000000000
per_tx_caps = { native = "${HUGE}" }
fee_caps = { native = "${HUGE}" }
allowed_programs = [{ id = "native", comment = "plain ETH transfers" }]
allowed_recipients = [{ asset = "native", addresses = ["${EVM_FRIEND}"] }]
`;
  writeFileSync(files.config, toml);
  const token = TokenStore.load(join(dir, 'tokens.json')).create('bench', [
    'sign:solana-hot-0',
    'sign:cosmos-hub-0',
    `sign:${EVM_LABEL}`,
    'sign:evm-hot-0',
    'read',
    'admin',
  ]);
  return { dir, config: files.config, simState: files.simState, token };
}
