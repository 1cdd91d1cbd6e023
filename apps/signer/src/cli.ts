#!/usr/bin/env node
import { main } from './cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    // a command that failed to shut down cleanly sets process.exitCode itself
    if (code !== 0 || process.exitCode === undefined) process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`openkms: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
