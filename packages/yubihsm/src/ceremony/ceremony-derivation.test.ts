/**
 * Ceremony derivation vectors.
 *
 * How the expected values were obtained: the original Rust openKMS (poroburu/openkms, src/derive.rs at 6f5db16)
 * could not be built here (its crates are not vendored and crates.io is unreachable), so its derivation was
 * re-computed by following its code step by step in an independent Python script using only hashlib/hmac and pyca
 * cryptography (for the secp256k1 public points BIP-32 needs):
 * - seed: `bip39::Mnemonic::from_str(phrase.trim()).to_seed(passphrase)` = PBKDF2-HMAC-SHA512(NFKD phrase,
 *   "mnemonic" ‖ passphrase, 2048, 64);
 * - ceremony outputs: `Hkdf::<Sha256>::new(None, seed).expand(info, [0; 32])` = RFC 5869 with salt = 32 zero bytes,
 *   ikm = the 64-byte seed, L = 32, info = the label's ASCII bytes;
 * - auth key: `yubihsm::authentication::Key::derive_from_password(&password_bytes)` = PBKDF2-HMAC-SHA256(the 32 raw
 *   bytes, "Yubico", 10000, 32) = K-ENC ‖ K-MAC (the raw bytes, not a hex spelling);
 * - `slip10_ed25519::derive_ed25519_private_key(seed, indexes)` with every index hardened (its path parser strips
 *   the marks) = SLIP-10 (HMAC-SHA512 key "ed25519 seed");
 * - `bip32::XPrv::derive_from_path(seed, path)` = BIP-32 (HMAC-SHA512 key "Bitcoin seed").
 * The script's BIP-39, SLIP-10 and BIP-32 steps reproduce the published vectors checked at the bottom (BIP-39's
 * "TREZOR" vector, SLIP-10 case 1 — the same one the original's own test pins — and BIP-32 vector 1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CEREMONY_INFO,
  ceremonyAuthKey,
  ceremonySeed,
  cosmosDerivationPath,
  deriveCeremonySecret,
  deriveCeremonySecrets,
  deriveEd25519Key,
  deriveSecp256k1Key,
  evmDerivationPath,
  mixedEntropyMnemonic,
  newCeremonyMnemonic,
  solanaDerivationPath,
} from './index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const SEED = '5eb00bbddcf069084889a8ab9155568165f5c453ccb85e70811aaed6f6da5fc19a5ac40b389cd370d086206dec8aa6c43daea6690f20ad3d8d48b2d2ce9e38e4';

test('the BIP-39 seed of the mnemonic (no passphrase), whitespace-insensitive', () => {
  assert.equal(hex(ceremonySeed(MNEMONIC)), SEED);
  assert.equal(hex(ceremonySeed(`  ${MNEMONIC.replace(/ /g, '\n')}\n`)), SEED);
});

test('the five HKDF-SHA256 ceremony outputs match the vectors computed from the original', () => {
  const s = deriveCeremonySecrets(bytes(SEED));
  assert.equal(hex(s.ceremonyPassword), 'f20da1b5e3ff5d8589ceb36f50292912df417031410747d4952731c178fb0505');
  assert.equal(hex(s.provisionerPassword), 'b7d8b4f8e99db6cd0bc78255c73706b0bafcdf587d9399e47c8c965f4a6cfbd5');
  assert.equal(hex(s.signerPassword), 'df4e3d3b69699219fddd5d218ba2c1f30a7b057eff742bb6ada93e79401ee997');
  assert.equal(hex(s.wrapKey), '7ec4ae018d8a330bf84ab3cee8b304311a971fba1d5fa41657fbf8f828cf172d');
  assert.equal(hex(s.auditHmacKey), '8c44de67726ae168b03e9541906e6e09258ca27dfbae01c2a7ec9131ba86dee0');
  assert.deepEqual(Object.values(CEREMONY_INFO), [
    'openkms/v1/auth/ceremony',
    'openkms/v1/auth/provisioner',
    'openkms/v1/auth/signer',
    'openkms/v1/wrap',
    'openkms/v1/audit/hmac',
  ]);
  // the original's own unit tests use a seed of 64 zero bytes
  assert.equal(hex(deriveCeremonySecret(new Uint8Array(64), CEREMONY_INFO.ceremonyAuth)), 'b93c74f95a1feb4a2eb176041ba60490cb43a1cc373590c966d4937fe22ed068');
});

test("the auth keys the device stores: Yubico's PBKDF2 over the 32 raw password bytes", () => {
  const s = deriveCeremonySecrets(bytes(SEED));
  const key = (pw: Uint8Array) => {
    const k = ceremonyAuthKey(pw);
    return hex(k.encKey) + hex(k.macKey);
  };
  assert.equal(key(s.ceremonyPassword), 'beb5d6d7c436c812383db3e08b5fd698e0bb55d1f6a5795d0d924c87a7d552a0');
  assert.equal(key(s.provisionerPassword), '61622ac96cd2e05cc49782c70f07ddf92e1faad9497835b5ff545d83ba345fc8');
  assert.equal(key(s.signerPassword), 'ed327083b927f67fd55fa696f1cb83d8432394e8639c8d8e72b311a68c4f69ee');
});

test("signing keys: SLIP-10 m/44'/501'/N'/0' (Ed25519) and BIP-32 m/44'/118'/0'/0/N (secp256k1)", () => {
  const seed = bytes(SEED);
  assert.equal(solanaDerivationPath(0), "m/44'/501'/0'/0'");
  assert.equal(cosmosDerivationPath(1), "m/44'/118'/0'/0/1");
  assert.equal(hex(deriveEd25519Key(seed, solanaDerivationPath(0))), '37df573b3ac4ad5b522e064e25b63ea16bcbe79d449e81a0268d1047948bb445');
  assert.equal(hex(deriveEd25519Key(seed, solanaDerivationPath(1))), 'ba5e7b6e3680b4eb81db8e54c8e466b2e9a899355888403355d858ab985d2fc4');
  // Ed25519 treats unmarked indices as hardened, like the original's path parser
  assert.equal(hex(deriveEd25519Key(seed, 'm/44/501/0/0')), '37df573b3ac4ad5b522e064e25b63ea16bcbe79d449e81a0268d1047948bb445');
  assert.equal(hex(deriveSecp256k1Key(seed, cosmosDerivationPath(0))), 'c4a48e2fce1481cd3294b4490f6678090ea98d3d0e5cd984558ab0968741b104');
  assert.equal(hex(deriveSecp256k1Key(seed, cosmosDerivationPath(1))), 'c9ba8e1818baf4ceb063420dcedc7a482056a1580e4dbe797af3484aff7b8651');
});

test('published vectors the reference script also reproduces (BIP-39 TREZOR, SLIP-10 case 1, BIP-32 vector 1)', () => {
  assert.equal(
    hex(ceremonySeed(MNEMONIC, 'TREZOR')),
    'c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04',
  );
  const tv = bytes('000102030405060708090a0b0c0d0e0f');
  assert.equal(hex(deriveEd25519Key(tv, "m/0'/1'/2'")), '92a5b23c0b8a99e37d07df3fb9966917f5d06e02ddbd909c7e184371463e9fc9');
  assert.equal(hex(deriveSecp256k1Key(tv, "m/0'/1")), '3c6cb8d0f6a264c91ea8b5030fadaa8e538b020f0a387421a12de9319dc93368');
});

test('a new mnemonic has 24 valid words; a bad phrase or path is refused without echoing the phrase', () => {
  const m = newCeremonyMnemonic();
  assert.equal(m.split(' ').length, 24);
  assert.equal(ceremonySeed(m).length, 64);
  const bad = MNEMONIC.replace(/about$/, 'abandon');
  assert.throws(
    () => ceremonySeed(bad),
    (e: Error & { code?: string }) => e.code === 'config_invalid' && !e.message.includes('abandon'),
  );
  assert.throws(() => deriveEd25519Key(bytes(SEED), "44'/501'"), /invalid derivation path/);
  assert.throws(() => solanaDerivationPath(-1), /derivation index/);
});

test('more published vectors: BIP-39 (TREZOR passphrase), BIP-32 vectors 1 and 2, SLIP-10 Ed25519 vectors 1 and 2', () => {
  // BIP-39: entropy → phrase → seed
  const legal = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
  const letter =
    'letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic bless';
  assert.equal(
    hex(ceremonySeed(legal, 'TREZOR')),
    '2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607',
  );
  assert.equal(
    hex(ceremonySeed(letter, 'TREZOR')),
    'c0c519bd0e91a2ed54357d9d1ebef6f5af218a153624cf4f2da911a0ed8f7a09e2ef61af0aca007096df430022f7a2b6fb91661a9589097069720d015e4e982f',
  );
  // BIP-32
  const v1 = bytes('000102030405060708090a0b0c0d0e0f');
  assert.equal(hex(deriveSecp256k1Key(v1, "m/0'/1/2'")), 'cbce0d719ecf7431d88e6a89fa1483e02e35092af60c042b1df2ff59fa424dca');
  assert.equal(hex(deriveSecp256k1Key(v1, "m/0'/1/2'/2/1000000000")), '471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8');
  const v2 = bytes('fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542');
  assert.equal(hex(deriveSecp256k1Key(v2, 'm/0')), 'abe74a98f6c7eabee0428f53798f0ab8aa1bd37873999041703c742f15ac7e1e');
  // SLIP-10 Ed25519
  assert.equal(hex(deriveEd25519Key(v1, "m/0'")), '68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3');
  assert.equal(hex(deriveEd25519Key(v1, "m/0'/1'/2'/2'/1000000000'")), '8f94d394a8e8fd6b1bc2f3f49f5c47e385281d5c17e65324b0f62483e37e8793');
  assert.equal(hex(deriveEd25519Key(v2, "m/0'")), '1559eb2bbec5790b0c65d8693e4d0875b1747f4970ae8b650486ed7470845635');
  assert.equal(hex(deriveEd25519Key(v2, "m/0'/2147483647'/1'/2147483646'/2'")), '551d333177df541ad876a60ea71f00447931c0a9da16f227c11ea080d7391b8d');
  assert.equal(evmDerivationPath(3), "m/44'/60'/0'/0/3");
});

test('new-mnemonic entropy: SHA-256 over device and host bytes; either source alone changes the phrase', () => {
  const dev = new Uint8Array(32).fill(1);
  const host = new Uint8Array(32).fill(2);
  const m = mixedEntropyMnemonic(dev, host);
  assert.equal(m.split(' ').length, 24);
  assert.equal(ceremonySeed(m).length, 64, 'a valid BIP-39 phrase');
  assert.equal(mixedEntropyMnemonic(dev, host), m, 'deterministic in its inputs');
  assert.notEqual(mixedEntropyMnemonic(new Uint8Array(32).fill(3), host), m);
  assert.notEqual(mixedEntropyMnemonic(dev, new Uint8Array(32).fill(3)), m);
  assert.notEqual(mixedEntropyMnemonic(new Uint8Array(32)), mixedEntropyMnemonic(new Uint8Array(32)), 'host randomness by default');
  assert.throws(() => mixedEntropyMnemonic(new Uint8Array(16)), /32 random bytes/);
});
