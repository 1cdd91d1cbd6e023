import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NONCE_LEASE_MS } from '@openkms/core';
import { parseConfig } from '../src/config/load-config.js';
import { nonceLeaseMs } from '../src/runtime/rpc-services.js';

const network = (name: string, extra = '') => `[networks.${name}]\nchain = "evm"\nchain_id = 1\nupstream = "http://127.0.0.1:8545"\n${extra}`;

test('the nonce lease covers the request timeout and the upstream calls after allocation, never below 2 minutes', () => {
  const defaults = parseConfig(network('a'), '/etc/openkms/config.toml');
  assert.equal(nonceLeaseMs(defaults), DEFAULT_NONCE_LEASE_MS, 'defaults: 10 s + 5 × 5 s + 60 s is under the floor');
  const slow = parseConfig(
    `[server]\nrequest_timeout_ms = 600000\n${network('a')}${network('b', 'upstream_timeout_ms = 120000\n')}`,
    '/etc/openkms/config.toml',
  );
  assert.equal(nonceLeaseMs(slow), 600_000 + 5 * 120_000 + 60_000, 'the slowest network counts');
});
