// Checks the fleet cases share: the counters an instance shows cover what the clients received, and at the end every
// received signature has its allow record (same signature hash) in the log of the instance that signed it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ATOM, EVM, SOL, cosmosRequest, evmRequest, sha256Hex, signatureBytes, solanaRequest, type KeysByLabel, type SignRequest } from './chain-requests.js';
import { auditByRequest, verifyInstanceChain, type FleetAuditRecord, type FleetDirs, type FleetInstance } from './fleet-signers.js';
import type { HttpClient, HttpResult } from './http-client.js';

/** A signature a client received from the fleet. */
export interface ReceivedSignature {
  readonly chain: SignRequest['chain'];
  readonly instance: string;
  readonly requestId: string;
  readonly amount: bigint;
  readonly signatureSha256: string | undefined;
}

const ofChain = (received: readonly ReceivedSignature[], chain: SignRequest['chain']) => received.filter((r) => r.chain === chain);
const sum = (rs: readonly ReceivedSignature[]) => rs.reduce((a, r) => a + r.amount, 0n);

/** What the fleet's clients received per chain: Solana and EVM signatures, Cosmos uatom. */
export function receivedTotals(received: readonly ReceivedSignature[]): { solana: number; evm: number; uatom: bigint } {
  return { solana: ofChain(received, 'solana').length, evm: ofChain(received, 'evm').length, uatom: sum(ofChain(received, 'cosmos')) };
}

/** GET /policy on the instance `client` talks to shows counters not below what was received. */
export async function assertCountersCover(client: HttpClient, instance: string, received: readonly ReceivedSignature[]): Promise<void> {
  const got = receivedTotals(received);
  const view = async (label: string) => client.json(await client.request('GET', `/policy/${label}`)).runtime;
  const [sol, atom, evm] = [await view(SOL), await view(ATOM), await view(EVM)];
  const uatom = BigInt(atom.spend.find((x: { asset: string }) => x.asset === 'denom:uatom')?.spent ?? '0');
  assert.ok(sol.sign_counts.per_day.used >= got.solana, `${instance}: solana count ${sol.sign_counts.per_day.used} below ${got.solana} received`);
  assert.ok(evm.sign_counts.per_day.used >= got.evm, `${instance}: evm count ${evm.sign_counts.per_day.used} below ${got.evm} received`);
  assert.ok(uatom >= got.uatom, `${instance}: uatom spent ${uatom} below ${got.uatom} received`);
}

/**
 * Stops every instance cleanly; then each chain verifies and every received signature has its record (same signature
 * hash) in the log of the instance that answered: an allow record, or a replay record of a signature whose allow record
 * is in some instance's log (a replay hands out a signature that was signed, audited and counted before). Returns every
 * instance's records by request id.
 */
export async function assertFleetAudited(fleet: FleetDirs, received: readonly ReceivedSignature[]): Promise<Map<string, Map<string, FleetAuditRecord>>> {
  const logs = new Map<string, Map<string, FleetAuditRecord>>();
  for (const i of fleet.instances) {
    const p = i.process!;
    i.process = undefined;
    assert.equal(await p.stop(), 0, `clean stop of ${i.id}`);
    await verifyInstanceChain(i, join(fleet.demo.dir, 'audit.key'), 'at the end');
    logs.set(i.id, await auditByRequest(i));
  }
  const allowed = new Set([...logs.values()].flatMap((m) => [...m.values()].filter((r) => r.decision === 'allow').map((r) => r.signature_sha256)));
  for (const i of fleet.instances) {
    const records = logs.get(i.id)!;
    const mine = received.filter((r) => r.instance === i.id);
    const missing = mine.filter((r) => {
      const rec = records.get(r.requestId);
      return rec?.decision !== 'allow' && !(rec?.decision === 'replay' && rec.signature_sha256 !== undefined && allowed.has(rec.signature_sha256));
    });
    assert.deepEqual(missing, [], `signatures without an allow record (or a replay of an audited one) in ${i.id}'s log`);
    const mismatched = mine.filter((r) => r.signatureSha256 !== undefined && records.get(r.requestId)?.signature_sha256 !== r.signatureSha256);
    assert.deepEqual(mismatched, [], `allow records in ${i.id}'s log whose signature hash differs`);
  }
  return logs;
}

/** The request a load lane sends: lane n goes to instance n mod size, over Solana, Cosmos and EVM by thirds. */
export function laneRequest(fleet: FleetDirs, keys: KeysByLabel, lane: number): { instance: FleetInstance; chain: SignRequest['chain']; req: SignRequest } {
  const instance = fleet.instances[lane % fleet.instances.length]!;
  const chain = (['solana', 'cosmos', 'evm'] as const)[Math.floor(lane / 3) % 3]!;
  const req = chain === 'solana' ? solanaRequest(keys, 1_000_000n) : chain === 'cosmos' ? cosmosRequest(keys, 1000n) : evmRequest(1000n);
  return { instance, chain, req };
}

/** A 200 answer to `req` from `instance`, as the received signature the end checks look for. */
export function receivedSignature(res: HttpResult, json: unknown, instance: FleetInstance, chain: SignRequest['chain'], req: SignRequest): ReceivedSignature {
  const sig = signatureBytes(json);
  return { chain, instance: instance.id, requestId: String(res.headers['x-request-id']), amount: req.amount, signatureSha256: sig && sha256Hex(sig) };
}
