import { join } from 'node:path';
import { createYubiHsmBackend } from '@openkms/yubihsm';
import { encodePubkey, makeAuthInfoBytes, makeSignDoc, Registry } from '@cosmjs/proto-signing';
import { encodeSecp256k1Pubkey } from '@cosmjs/amino';
import { MsgDelegate } from 'cosmjs-types/cosmos/staking/v1beta1/tx';
import { SignDoc, TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { readHsmPassword } from '../../src/auth/hsm-password.js';
import { cosmosBody, cosmosSendSignDoc } from './chain-fixtures.js';
import type { TestResponse, TestSigner } from './test-signer.js';

/** Helpers shared by the policy-*.test.ts integration tests (real signer, real HTTP). */

export { auditRecords, waitForAudit } from './audit-files.js';
export { cosmosBody, solanaBody } from './chain-fixtures.js';
export { hsmEcdsaSigns, hsmEddsaSigns, metricValue } from './metrics.js';

export const SOL = 'solana-hot-0';
export const ATOM = 'cosmos-hub-0';

/** Replaces the `[keys.<label>.policy]` table of the demo config.toml with `body` (TOML lines). */
export function withPolicy(label: string, body: string): (toml: string) => string {
  return (toml) => {
    const header = `[keys.${label}.policy]\n`;
    const start = toml.indexOf(header);
    if (start < 0) throw new Error(`no ${header.trim()} in config`);
    const rest = toml.slice(start + header.length);
    const next = rest.search(/^\[/m);
    return toml.slice(0, start) + header + body.trim() + '\n' + (next < 0 ? '' : '\n' + rest.slice(next));
  };
}

/** Appends lines to the config (e.g. a [replay] table). */
export const appendToml = (extra: string) => (toml: string) => `${toml}\n${extra.trim()}\n`;

export async function keyAddress(s: TestSigner, label: string): Promise<string> {
  const res = await s.request('GET', '/keys', { token: s.signerToken });
  const key = (res.json as { label: string; address: string }[]).find((k) => k.label === label);
  if (!key) throw new Error(`no key ${label}`);
  return key.address;
}

export function signSolana(s: TestSigner, body: unknown, token = s.signerToken): Promise<TestResponse> {
  return s.request('POST', '/sign/solana', { token, body });
}

/** The demo cosmos key's compressed public key, read from the (simulated) HSM with the signer's own credentials. */
export async function cosmosPublicKey(s: TestSigner): Promise<Uint8Array> {
  const backend = createYubiHsmBackend({
    connectors: [{ url: s.demo.connectorUrl! }],
    authKeyId: 3,
    password: readHsmPassword(join(s.dir, 'hsm.password'), 'hex'),
    poolSize: 1,
    keepaliveMs: 0,
  });
  try {
    await backend.connect();
    return await backend.getPublicKey({ id: '0x0100' });
  } finally {
    await backend.close();
  }
}

export function cosmosSend(
  s: TestSigner,
  k: { publicKey: Uint8Array; from: string },
  amounts: { denom: string; amount: string }[],
  opts: { sequence?: number; memo?: string } = {},
): Promise<TestResponse> {
  const doc = cosmosSendSignDoc({ publicKey: k.publicKey, from: k.from, amounts, sequence: opts.sequence ?? 0, memo: opts.memo ?? String(Math.random()) });
  return s.request('POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(doc) });
}

const stakingRegistry = new Registry();
stakingRegistry.register('/cosmos.staking.v1beta1.MsgDelegate', MsgDelegate);

/** A direct-mode SignDoc with one MsgDelegate (a message type the cosmos plugin does not interpret). */
export function cosmosDelegateSignDoc(opts: { publicKey: Uint8Array; from: string; amount: string; validator?: string }): Uint8Array {
  const body = TxBody.fromPartial({
    messages: [
      stakingRegistry.encodeAsAny({
        typeUrl: '/cosmos.staking.v1beta1.MsgDelegate',
        value: MsgDelegate.fromPartial({
          delegatorAddress: opts.from,
          validatorAddress: opts.validator ?? 'cosmosvaloper1sjllsnramtg3ewxqwwrwjxfgc4n4ef9u2lcnj0',
          amount: { denom: 'uatom', amount: opts.amount },
        }),
      }),
    ],
    memo: String(Math.random()),
  });
  const authInfo = makeAuthInfoBytes(
    [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(opts.publicKey)), sequence: 0 }],
    [{ denom: 'uatom', amount: '5000' }],
    200000,
    undefined,
    undefined,
  );
  return SignDoc.encode(makeSignDoc(TxBody.encode(body).finish(), authInfo, 'cosmoshub-4', 1)).finish();
}

export async function policyView(s: TestSigner, label: string): Promise<any> {
  const res = await s.request('GET', `/policy/${label}`, { token: s.signerToken });
  if (res.status !== 200) throw new Error(`GET /policy/${label}: ${res.status} ${res.text}`);
  return res.json;
}
