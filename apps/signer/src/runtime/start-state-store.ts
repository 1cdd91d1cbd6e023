import { join } from 'node:path';
import { MemoryPolicyStateStore, RuntimeState, type PolicyStateStore, type SharedPolicyStateStore } from '@openkms/policy';
import type { NonceStore, ReplayStore } from '@openkms/core';
import type { SignerConfig } from '../config/signer-config.js';
import { fleetMembershipFileOf, hasJoinedFleet, recordFleetJoined } from './fleet-membership-file.js';
import type { RecordMapLike } from './fleet-record-store.js';

/** Where this instance keeps its policy counters, reservations, kill switches and overlays. */
export interface StateStores {
  readonly kind: 'memory' | 'redis';
  readonly instanceId: string;
  readonly runtime: RuntimeState;
  /** The engine's synchronous store (memory kind; unused for decisions in fleet mode). */
  readonly state: PolicyStateStore;
  /** Fleet mode: the counters shared with the other instances. */
  readonly shared?: SharedPolicyStateStore;
  /** Fleet mode: the EVM account nonces shared with the other instances (memory kind: the JSON-RPC default). */
  readonly nonces?: NonceStore;
  /** Fleet mode: the replay cache and in-flight joins shared with the other instances (memory kind: this process's). */
  readonly replay?: ReplayStore;
  /** This instance's audit directory (fleet mode: `<audit.dir>/<instance id>`, so the instances' logs never mix). */
  readonly auditDir: string;
  /** Applies a kill switch or overlay change (fleet mode: to the fleet's copy, announced to every instance). */
  change<T>(apply: () => T): Promise<T>;
  /** Whether counters are restored from this instance's audit log at start (memory kind only: Redis keeps them). */
  readonly restoresCounters: boolean;
  /** Fleet mode: how the fleet was found at start; `lost`: Redis lost its state, signing fails with `state_lost`. */
  readonly fleetStatus?: 'joined' | 'created' | 'lost';
  /** Fleet mode: the fleet's shared records of one kind (pending approvals, pairings; see fleet-records.ts). */
  readonly recordMap?: (name: string) => RecordMapLike;
  close(): Promise<void>;
}

/**
 * `[state] kind`: "memory" (the default: this process, the state file and the audit log) or "redis" (fleet mode:
 * @openkms/redis-store, loaded only then). Fleet mode refuses to start when Redis cannot be reached.
 */
export async function startStateStores(config: SignerConfig): Promise<StateStores> {
  if (config.state.kind !== 'redis' || config.state.redis === undefined) {
    return {
      kind: 'memory',
      instanceId: config.state.instanceId,
      runtime: RuntimeState.open(config.state.file),
      state: new MemoryPolicyStateStore(),
      auditDir: config.audit.dir,
      change: async (apply) => apply(),
      restoresCounters: true,
      close: async () => undefined,
    };
  }
  const r = config.state.redis;
  const { RedisFleetState } = await import('@openkms/redis-store');
  const runtime = RuntimeState.inMemory();
  const membership = fleetMembershipFileOf(config.state.file);
  const fleet = await RedisFleetState.open(
    {
      url: r.url,
      keyPrefix: r.keyPrefix,
      instanceId: config.state.instanceId,
      leaseMs: r.leaseMs,
      replayTtlMs: config.replay.ttlSecs * 1000,
      commandTimeoutMs: r.commandTimeoutMs,
      ...(r.username ? { username: r.username } : {}),
      ...(r.passwordFile ? { passwordFile: r.passwordFile } : {}),
      ...(r.tls ? { tls: r.tls } : {}),
      joinedBefore: hasJoinedFleet(membership, r.keyPrefix),
    },
    runtime,
  );
  try {
    if (fleet.status !== 'lost') recordFleetJoined(membership, r.keyPrefix);
  } catch (err) {
    fleet.close();
    throw err;
  }
  return {
    kind: 'redis',
    instanceId: config.state.instanceId,
    runtime,
    state: new MemoryPolicyStateStore(),
    shared: fleet.policy,
    nonces: fleet.nonces,
    replay: fleet.replay,
    auditDir: join(config.audit.dir, config.state.instanceId),
    change: (apply) => fleet.runtime.change(apply),
    restoresCounters: false,
    fleetStatus: fleet.status,
    recordMap: (name) => fleet.recordMap(name, config.state.instanceId),
    close: async () => fleet.close(),
  };
}
