// Build step: ship the OpenAPI document inside the package so an installed signer can serve and validate with it.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'openapi'), { recursive: true });
copyFileSync(join(root, '../../openapi/openkms.v1.yaml'), join(root, 'openapi/openkms.v1.yaml'));
