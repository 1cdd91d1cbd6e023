// Build step (after tsc): the signer's start-up schemas as ajv standalone code in dist/precompiled-validators/, one
// CommonJS module per schema named by its digest (see src/validation/precompiled-validators.ts). Compiling them at
// start-up was the largest part of a cold start.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startupSchemas, writePrecompiledValidators } from '../dist/validation/startup-schemas.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'precompiled-validators');
rmSync(dir, { recursive: true, force: true });
const files = await writePrecompiledValidators(dir, await startupSchemas());
process.stdout.write(`precompiled ${files.length} validators into dist/precompiled-validators/\n`);
