// Build step: ship the OpenAPI document inside the package so an installed signer can serve and validate with it,
// as the YAML and pre-parsed as JSON (written after the YAML copy, so never older than it; the signer starts faster).
// And ship the operator console (apps/console, built before the signer by turbo) in dist/ui, served at /ui.
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, '../../openapi/openkms.v1.yaml');
mkdirSync(join(root, 'openapi'), { recursive: true });
copyFileSync(source, join(root, 'openapi/openkms.v1.yaml'));
writeFileSync(join(root, 'openapi/openkms.v1.json'), JSON.stringify(parse(readFileSync(source, 'utf8'))));

const consoleDist = join(root, '../console/dist');
rmSync(join(root, 'dist/ui'), { recursive: true, force: true });
if (existsSync(join(consoleDist, 'index.html'))) cpSync(consoleDist, join(root, 'dist/ui'), { recursive: true });
else process.stderr.write('copy-assets: apps/console/dist is not built; the signer will answer /ui with "not built"\n');
