import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createLogger } from './create-logger.js';

test('the default logger writes stdout asynchronously (no write(2) per line on the signing path)', () => {
  const logger = createLogger();
  const stream = (logger as unknown as Record<symbol, { fd?: number; sync?: boolean }>)[pino.symbols.streamSym]!;
  assert.equal(stream.fd, 1);
  assert.equal(stream.sync, false);
});
