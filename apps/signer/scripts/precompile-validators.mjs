// Build step (after tsc): the signer's start-up schemas as ajv standalone code in dist/precompiled-validators/, one
// CommonJS module per schema named by its digest (see src/validation/precompiled-validators.ts). Compiling them at
// start-up was the largest part of a cold start. The request bodies' validators too: with them, a default signer never
// loads ajv.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultOpenApiDocument } from '../dist/cli/openapi-command.js';
import { requestSchemaNames } from '../dist/openapi/request-validators.js';
import { startupSchemas, writePrecompiledDocumentValidators, writePrecompiledValidators } from '../dist/validation/startup-schemas.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'precompiled-validators');
rmSync(dir, { recursive: true, force: true });
const files = await writePrecompiledValidators(dir, await startupSchemas());
// the request bodies' validators, for the OpenAPI document of the first-party plugins (what a default signer serves)
const doc = await defaultOpenApiDocument();
files.push(...(await writePrecompiledDocumentValidators(dir, doc, requestSchemaNames(doc))));
process.stdout.write(`precompiled ${files.length} validators into dist/precompiled-validators/\n`);
