// Opt-in live suite against a real Vault. Runs only when OPENKMS_LIVE_VAULT_ADDR, OPENKMS_LIVE_VAULT_TOKEN_FILE (a
// 0600 file holding a token) and OPENKMS_LIVE_VAULT_KEY (an ed25519 transit key name) are set; optional
// OPENKMS_LIVE_VAULT_CA_FILE, OPENKMS_LIVE_VAULT_TRANSIT_MOUNT, OPENKMS_LIVE_VAULT_NAMESPACE. Skipped otherwise, saying why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import vaultPlugin from '../src/index.js';

const env = process.env;
const skip =
  env.OPENKMS_LIVE_VAULT_ADDR && env.OPENKMS_LIVE_VAULT_TOKEN_FILE && env.OPENKMS_LIVE_VAULT_KEY
    ? false
    : 'live Vault suite skipped: set OPENKMS_LIVE_VAULT_ADDR, OPENKMS_LIVE_VAULT_TOKEN_FILE and OPENKMS_LIVE_VAULT_KEY';

describe('vault backend (LIVE Vault)', { skip }, () => {
  it('signs ed25519 through transit, lists the key, reports health', async () => {
    const backend = await vaultPlugin.create(
      {
        address: env.OPENKMS_LIVE_VAULT_ADDR ?? '',
        token_file: env.OPENKMS_LIVE_VAULT_TOKEN_FILE ?? '',
        ...(env.OPENKMS_LIVE_VAULT_CA_FILE ? { ca_file: env.OPENKMS_LIVE_VAULT_CA_FILE } : {}),
        ...(env.OPENKMS_LIVE_VAULT_TRANSIT_MOUNT ? { transit_mount: env.OPENKMS_LIVE_VAULT_TRANSIT_MOUNT } : {}),
        ...(env.OPENKMS_LIVE_VAULT_NAMESPACE ? { namespace: env.OPENKMS_LIVE_VAULT_NAMESPACE } : {}),
      },
      { name: 'live', configDir: process.cwd(), log: () => undefined },
    );
    try {
      const id = env.OPENKMS_LIVE_VAULT_KEY ?? '';
      const message = new TextEncoder().encode('openkms live test');
      const signature = await backend.signEd25519({ id }, message);
      assert.ok(ed25519.verify(signature, message, await backend.getPublicKey({ id })));
      assert.ok((await backend.listKeys()).some((k) => k.id === id));
      assert.ok((await backend.health()).up);
    } finally {
      await backend.close();
    }
  });
});
