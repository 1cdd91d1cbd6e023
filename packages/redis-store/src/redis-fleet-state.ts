import type { Redis } from 'ioredis';
import type { RuntimeState } from '@openkms/policy';
import { checkFleetMarker, type FleetMarkerStatus } from './fleet-marker.js';
import { RedisNonceStore } from './redis-nonce-store.js';
import { RedisPolicyStateStore } from './redis-policy-state-store.js';
import { RedisRecordMap } from './redis-record-map.js';
import { RedisReplayStore } from './redis-replay-store.js';
import { createRedisClient, createRedisSubscriber, DEFAULT_KEY_PREFIX, type RedisStateOptions } from './redis-state-options.js';
import { RedisRuntimeSync } from './redis-runtime-sync.js';

export interface RedisFleetStateOptions extends RedisStateOptions {
  readonly instanceId: string;
  /** How long a pending reservation holds its budget without a commit. Default 60 s. */
  readonly leaseMs?: number;
  /** How long a signature is replayed (`[replay] ttl_secs`; 0 = replays off, in-flight joins stay). Default 120 s. */
  readonly replayTtlMs?: number;
  readonly now?: () => number;
  /**
   * Whether this instance has joined this fleet before (the signer keeps a record of it): a missing fleet marker then
   * means Redis lost the fleet's data (status `lost`), not a new fleet. Default false.
   */
  readonly joinedBefore?: boolean;
}

/**
 * Everything one signer instance shares with its fleet through Redis: the policy counters and reservations, and the
 * runtime state (kill switches, overlays), the replay cache and in-flight joins, the EVM account nonces. Two connections: commands, and a subscriber for change announcements.
 */
export class RedisFleetState {
  readonly redis: Redis;
  readonly subscriber: Redis;
  readonly prefix: string;
  readonly policy: RedisPolicyStateStore;
  readonly runtime: RedisRuntimeSync;
  /** The account nonces of the JSON-RPC endpoint's eth_sendTransaction (and the REST gateway). */
  readonly nonces: RedisNonceStore;
  /** Recent signatures and the claims on bytes being signed (one signature for the same bytes fleet-wide). */
  readonly replay: RedisReplayStore;
  /** How the fleet was found at start (see checkFleetMarker); `lost`: signing fails with `state_lost` until a rebuild. */
  status: FleetMarkerStatus = 'joined';

  private constructor(redis: Redis, subscriber: Redis, prefix: string, policy: RedisPolicyStateStore, runtime: RedisRuntimeSync, replay: RedisReplayStore) {
    this.redis = redis;
    this.subscriber = subscriber;
    this.prefix = prefix;
    this.policy = policy;
    this.runtime = runtime;
    this.nonces = new RedisNonceStore(redis, prefix);
    this.replay = replay;
  }

  /**
   * Connects and loads the fleet's runtime state into `runtime`. Rejects (`state_unavailable`) when Redis cannot be
   * reached at start: an instance never starts on a kill switch state it could not read.
   */
  static async open(o: RedisFleetStateOptions, runtime: RuntimeState): Promise<RedisFleetState> {
    const prefix = o.keyPrefix ?? DEFAULT_KEY_PREFIX;
    const redis = createRedisClient(o);
    const subscriber = createRedisSubscriber(o);
    // errors surface per command; the client's own 'error' events (reconnect attempts) must not crash the process
    redis.on('error', () => undefined);
    subscriber.on('error', () => undefined);
    const sync = new RedisRuntimeSync(redis, subscriber, prefix, runtime);
    const policy = new RedisPolicyStateStore(redis, {
      prefix,
      instanceId: o.instanceId,
      leaseMs: o.leaseMs ?? 60_000,
      ...(o.now ? { now: o.now } : {}),
      onRuntimeRevision: (rev) => sync.refresh(rev),
    });
    const replay = new RedisReplayStore(redis, subscriber, {
      prefix,
      instanceId: o.instanceId,
      ttlMs: o.replayTtlMs ?? 120_000,
      ...(o.now ? { now: o.now } : {}),
      onRuntimeRevision: (rev) => sync.refresh(rev),
    });
    const fleet = new RedisFleetState(redis, subscriber, prefix, policy, sync, replay);
    try {
      await Promise.all([redis.connect(), subscriber.connect()]);
      fleet.status = await checkFleetMarker(redis, prefix, { instanceId: o.instanceId, joinedBefore: o.joinedBefore ?? false });
      // a lost fleet is not seeded with this fresh instance's runtime state (all keys enabled, no overlays)
      await sync.start({ seed: fleet.status !== 'lost' });
      await replay.start();
    } catch (err) {
      fleet.close();
      throw err;
    }
    return fleet;
  }

  /** The fleet's records of one kind (`approvals`, `pairings`), shared by every instance. */
  recordMap(name: string, instanceId: string): RedisRecordMap {
    return new RedisRecordMap(this.redis, this.prefix, name, instanceId);
  }

  /** Whether the command connection is up (reads answer degraded while it is not). */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  close(): void {
    this.policy.close();
    this.redis.disconnect();
    this.subscriber.disconnect();
  }
}
