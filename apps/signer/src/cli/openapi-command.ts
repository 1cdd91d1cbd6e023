import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { composeOpenApi, loadBaseDocument, openApiFile } from '../openapi/compose-openapi.js';
import { policySchemasFor } from '../openapi/policy-schemas.js';
import { defaultSearchPaths } from '../plugins/discover-plugins.js';
import { loadPlugins } from '../plugins/load-plugins.js';
import type { CliIo } from './cli-context.js';
import { parseArgs } from './parse-args.js';

export const OPENAPI_HELP = `openkms openapi [--write]

Prints the OpenAPI v1 document composed with the default (first-party) plugins, as served at GET /openapi.json.
--write regenerates openapi/openkms.v1.yaml from it (after changing a plugin's request schema).`;

/** The document served for the default plugin set; the drift test compares it with the committed file. */
export async function defaultOpenApiDocument() {
  const { plugins } = await loadPlugins({ searchPaths: defaultSearchPaths() });
  return composeOpenApi(loadBaseDocument(), plugins, policySchemasFor(plugins));
}

export async function openapiCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { booleans: ['write'] });
  if (args.flags.has('help')) {
    io.out(OPENAPI_HELP);
    return 0;
  }
  const doc = await defaultOpenApiDocument();
  if (args.flags.has('write')) {
    const file = openApiFile();
    writeFileSync(file, stringify(doc, { lineWidth: 120 }));
    io.err(`wrote ${file}`);
  } else {
    io.out(JSON.stringify(doc, null, 2));
  }
  return 0;
}
