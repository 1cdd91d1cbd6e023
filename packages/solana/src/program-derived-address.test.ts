import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PublicKey } from '@solana/web3.js';
import { getProgramDerivedAddress, address } from '@solana/kit';
import { findProgramAddressSync, isOnCurve } from './program-derived-address.js';
import { decodeSolanaAddress, solanaAddress } from './solana-address.js';
import { testAddress } from './test-fixtures.js';

test('findProgramAddressSync agrees with @solana/kit and @solana/web3.js for many seeds', async () => {
  const program = testAddress(77);
  for (let i = 0; i < 40; i++) {
    const seeds = [new TextEncoder().encode(`seed-${i}`), decodeSolanaAddress(testAddress(i + 1))!];
    const ours = findProgramAddressSync(seeds, decodeSolanaAddress(program)!);
    const [kitAddress, kitBump] = await getProgramDerivedAddress({ programAddress: address(program), seeds });
    assert.equal(solanaAddress(ours.address), kitAddress);
    assert.equal(ours.bump, kitBump);
    assert.equal(
      solanaAddress(ours.address),
      PublicKey.findProgramAddressSync(
        seeds.map((s) => Buffer.from(s)),
        new PublicKey(program),
      )[0].toBase58(),
    );
  }
});

test('isOnCurve: a real public key is on the curve, a program derived address is not', () => {
  const key = decodeSolanaAddress(solanaAddress(new Uint8Array(32).fill(0).map((_, i) => i)))!;
  assert.equal(isOnCurve(key), PublicKey.isOnCurve(key));
  const pda = findProgramAddressSync([Uint8Array.of(1)], decodeSolanaAddress(testAddress(2))!).address;
  assert.equal(isOnCurve(pda), false);
  for (let n = 0; n < 64; n++) {
    const bytes = new Uint8Array(32).fill(n);
    assert.equal(isOnCurve(bytes), PublicKey.isOnCurve(bytes), `bytes filled with ${n}`);
  }
});
