// Opt-in live suite against a real Azure Key Vault / Managed HSM. Runs only when OPENKMS_LIVE_AZURE_KEY_VAULT_URL and
// OPENKMS_LIVE_AZURE_KEY_NAME (an EC P-256K key) are set; credentials from DefaultAzureCredential (AZURE_TENANT_ID,
// AZURE_CLIENT_ID, AZURE_CLIENT_SECRET / workload or managed identity / az login). Skipped otherwise, saying why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import azureKeyVaultPlugin from '../src/index.js';

const url = process.env.OPENKMS_LIVE_AZURE_KEY_VAULT_URL;
const name = process.env.OPENKMS_LIVE_AZURE_KEY_NAME;
const skip = url && name ? false : 'live Azure Key Vault suite skipped: set OPENKMS_LIVE_AZURE_KEY_VAULT_URL and OPENKMS_LIVE_AZURE_KEY_NAME';

describe('azure-key-vault backend (LIVE Azure Key Vault)', { skip }, () => {
  it('signs a secp256k1 digest that verifies, low S, recovery id right', async () => {
    const backend = await azureKeyVaultPlugin.create({ vault_url: url ?? '' }, { name: 'live', configDir: process.cwd(), log: () => undefined });
    try {
      const publicKey = await backend.getPublicKey({ id: name ?? '' });
      const digest = secp256k1.utils.randomSecretKey();
      const { signature, recovery } = await backend.signSecp256k1({ id: name ?? '' }, digest);
      assert.ok(secp256k1.verify(signature, digest, publicKey, { prehash: false, lowS: true }));
      assert.deepEqual(secp256k1.Signature.fromBytes(signature, 'compact').addRecoveryBit(recovery).recoverPublicKey(digest).toBytes(true), publicKey);
      console.log(`live Azure Key Vault: ${(await backend.listKeys()).length} tagged key(s) discovered`);
      assert.ok((await backend.health()).up);
    } finally {
      await backend.close();
    }
  });
});
