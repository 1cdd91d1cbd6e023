import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A local Ethereum node (anvil from npm, @foundry-rs/anvil) on an ephemeral loopback port, for the evm-* tests. */
export interface Anvil {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The anvil binary of this platform (from @foundry-rs/anvil's optional platform package), or the reason there is
 * none (resolved from the test's package: run the tests from its directory, as openkms-test does). The package's own bin.mjs wrapper is not used: it would leave a second process between the test and anvil.
 */
export function anvilBinary(): { path: string } | { missing: string } {
  // resolved from the package whose tests run (its devDependency), not from tooling/
  const require = createRequire(join(process.cwd(), 'package.json'));
  let wrapper: string;
  try {
    wrapper = require.resolve('@foundry-rs/anvil/package.json');
  } catch {
    return { missing: '@foundry-rs/anvil is not installed' };
  }
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const platformPkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  try {
    const pkg = createRequire(wrapper).resolve(`${platformPkg}/package.json`);
    const bin = join(dirname(pkg), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
    return existsSync(bin) ? { path: bin } : { missing: `${platformPkg} has no bin/anvil` };
  } catch {
    return { missing: `${platformPkg} (anvil's binary for this platform) is not installed` };
  }
}

/** Starts anvil with `--port 0` and reads the port it bound from its "Listening on" line. */
export async function startAnvil(binary: string, chainId: number): Promise<Anvil> {
  const child: ChildProcess = spawn(binary, ['--host', '127.0.0.1', '--port', '0', '--chain-id', String(chainId), '--accounts', '1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`anvil did not start within 20 s: ${out.slice(-500)}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://${m[1]}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`anvil exited (${code}): ${out.slice(-500)}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
