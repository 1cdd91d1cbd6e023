import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';

// Compiling the signer's start-up schemas (config file, each chain's key policy and options, backends' options) with
// ajv was the largest part of a cold start. The build writes them as ajv standalone code (one CommonJS module per
// schema, named by the schema's digest: scripts/precompile-validators.mjs) into dist/precompiled-validators/; a
// schema is looked up by its digest, so a precompiled validator can never stand for a schema it was not generated
// from: a changed schema (or a third party's) has no file and is compiled at run time as before. Running from the
// TypeScript sources, the folder does not exist and everything is compiled at run time.

const require = createRequire(import.meta.url);
let folder = fileURLToPath(new URL('../precompiled-validators/', import.meta.url));

/** The file name (without extension) of a schema's precompiled validator: the SHA-256 of its JSON text. */
export function schemaDigest(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

/** The build's precompiled validator for exactly this schema, or undefined when there is none. */
export function precompiledValidator(schema: object): ValidateFunction | undefined {
  return precompiledByDigest(schemaDigest(schema));
}

/**
 * The digest of one schema of an OpenAPI document (`#/components/schemas/<name>`): the document's JSON text and the
 * name, so a validator generated from another document (other plugins, another version) is never used for this one.
 */
export function documentSchemaDigest(doc: object, name: string): string {
  let digest = documentDigests.get(doc);
  if (digest === undefined) documentDigests.set(doc, (digest = schemaDigest(doc)));
  return createHash('sha256').update(`${digest}#/components/schemas/${name}`).digest('hex');
}
const documentDigests = new WeakMap<object, string>();

/** The build's precompiled validator of `#/components/schemas/<name>` of exactly this document, if there is one. */
export function precompiledDocumentValidator(doc: object, name: string): ValidateFunction | undefined {
  return precompiledByDigest(documentSchemaDigest(doc, name));
}

function precompiledByDigest(digest: string): ValidateFunction | undefined {
  const file = `${folder}${digest}.cjs`;
  if (!existsSync(file)) return undefined;
  return require(file) as ValidateFunction;
}

/** Tests: where to look for precompiled validators (a folder path ending in '/'). Returns the previous folder. */
export function usePrecompiledValidators(dir: string): string {
  const previous = folder;
  folder = dir.endsWith('/') ? dir : `${dir}/`;
  return previous;
}
