// Generates src/openapi-types.ts from the API's source of truth, openapi/openkms.v1.yaml, with openapi-typescript.
// Run `pnpm --filter @openkms/client generate` after changing the document; test/openapi-types-drift.test.ts fails
// until the committed file matches.
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';

export const API_DOCUMENT = new URL('../../../openapi/openkms.v1.yaml', import.meta.url);
export const GENERATED_FILE = fileURLToPath(new URL('../src/openapi-types.ts', import.meta.url));

const HEADER = `/**
 * GENERATED from openapi/openkms.v1.yaml by openapi-typescript (packages/client/scripts/generate-api-types.ts).
 * Do not edit: run \`pnpm --filter @openkms/client generate\`. A test fails when this file and the document differ.
 */
`;

/** The TypeScript text of the document's types (paths, components, operations), formatted like the repository. */
export async function generateApiTypes(): Promise<string> {
  const ast = await openapiTS(API_DOCUMENT, { silent: true, defaultNonNullable: false, emptyObjectsUnknown: true });
  const text = HEADER + '\n' + astToString(ast);
  const config = (await resolveConfig(GENERATED_FILE)) ?? {};
  return format(text, { ...config, filepath: GENERATED_FILE });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(GENERATED_FILE, await generateApiTypes());
  process.stdout.write(`wrote ${GENERATED_FILE}\n`);
}
