// Opt-in live suite against real AWS KMS. Runs only when OPENKMS_LIVE_AWS_KMS_KEY_ID (a secp256k1 key id, alias or
// ARN) is set, with credentials from the standard AWS chain (AWS_PROFILE / AWS_ACCESS_KEY_ID …) and AWS_REGION.
// OPENKMS_LIVE_AWS_KMS_ED25519_KEY_ID adds an ed25519 key. Otherwise every test is skipped, saying why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import awsKmsPlugin from '../src/index.js';

const keyId = process.env.OPENKMS_LIVE_AWS_KMS_KEY_ID;
const edKeyId = process.env.OPENKMS_LIVE_AWS_KMS_ED25519_KEY_ID;
const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
const skip = !keyId || !region ? 'live AWS KMS suite skipped: set OPENKMS_LIVE_AWS_KMS_KEY_ID and AWS_REGION (credentials from the standard AWS chain)' : false;

describe('aws-kms backend (LIVE AWS KMS)', { skip }, () => {
  const create = () => awsKmsPlugin.create({ region: region ?? '' }, { name: 'live', configDir: process.cwd(), log: () => undefined });

  it('signs a secp256k1 digest that verifies, low S, recovery id right', async () => {
    const backend = await create();
    try {
      const publicKey = await backend.getPublicKey({ id: keyId ?? '' });
      const digest = secp256k1.utils.randomSecretKey();
      const { signature, recovery } = await backend.signSecp256k1({ id: keyId ?? '' }, digest);
      assert.ok(secp256k1.verify(signature, digest, publicKey, { prehash: false, lowS: true }));
      assert.deepEqual(secp256k1.Signature.fromBytes(signature, 'compact').addRecoveryBit(recovery).recoverPublicKey(digest).toBytes(true), publicKey);
      assert.ok((await backend.health()).up);
    } finally {
      await backend.close();
    }
  });

  it('signs ed25519', { skip: edKeyId ? false : 'set OPENKMS_LIVE_AWS_KMS_ED25519_KEY_ID to test an ed25519 key' }, async () => {
    const backend = await create();
    try {
      const message = new TextEncoder().encode('openkms live test');
      const signature = await backend.signEd25519({ id: edKeyId ?? '' }, message);
      assert.ok(ed25519.verify(signature, message, await backend.getPublicKey({ id: edKeyId ?? '' })));
    } finally {
      await backend.close();
    }
  });

  it('lists keys under alias/openkms/', async () => {
    const backend = await create();
    try {
      const keys = await backend.listKeys();
      console.log(`live AWS KMS: ${keys.length} key(s) discovered`);
    } finally {
      await backend.close();
    }
  });
});
