import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { openKmsError } from '@openkms/core';

/** How to reach the shared Redis (`[state.redis]`). Secrets are read from files and never logged. */
export interface RedisStateOptions {
  /** redis://host:port/db or rediss://… (no password in the URL: use passwordFile). */
  readonly url: string;
  /** Prefix of every Redis key and channel (several fleets may share one Redis). Default "openkms:". */
  readonly keyPrefix?: string;
  /** ACL user name (AUTH username password). */
  readonly username?: string;
  /** File holding the AUTH password (its first line). */
  readonly passwordFile?: string;
  /** TLS to Redis (rediss:// turns it on too). PEM file paths. */
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string; readonly rejectUnauthorized?: boolean };
  /** Milliseconds a command may take before it fails (the request fails closed). Default 1000. */
  readonly commandTimeoutMs?: number;
}

export const DEFAULT_KEY_PREFIX = 'openkms:';

/**
 * ioredis options that fail fast: no offline queue (a command while disconnected rejects at once instead of waiting),
 * no per-command retries, a command timeout; reconnection runs forever in the background (every ≤ 500 ms), so the
 * instance recovers by itself when Redis returns.
 */
export function redisClientOptions(o: RedisStateOptions): RedisOptions {
  const url = new URL(o.url);
  if (url.password !== '') {
    throw openKmsError('config_invalid', 'state.redis.url: put the password in state.redis.password_file, not in the URL', { path: 'state.redis.url' });
  }
  const tls = url.protocol === 'rediss:' || o.tls !== undefined;
  const read = (f: string | undefined) => (f === undefined ? undefined : readFileSync(f));
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port === '' ? 6379 : Number(url.port),
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    ...(o.username !== undefined ? { username: o.username } : url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(o.passwordFile !== undefined ? { password: readFileSync(o.passwordFile, 'utf8').split('\n')[0]!.trim() } : {}),
    ...(tls
      ? {
          tls: {
            ...(o.tls?.caFile ? { ca: read(o.tls.caFile) } : {}),
            ...(o.tls?.certFile ? { cert: read(o.tls.certFile) } : {}),
            ...(o.tls?.keyFile ? { key: read(o.tls.keyFile) } : {}),
            rejectUnauthorized: o.tls?.rejectUnauthorized ?? true,
          },
        }
      : {}),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: o.commandTimeoutMs ?? 1000,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(50 * times, 500),
    // a failover or a read-only replica: reconnect rather than fail every command
    reconnectOnError: (err: Error) => /READONLY/.test(err.message),
  };
}

/** A client for the shared state (not yet connected: see RedisFleetState.start). */
export function createRedisClient(o: RedisStateOptions): Redis {
  return new Redis(redisClientOptions(o));
}

/**
 * The pub/sub connection. ioredis's own resubscription after a reconnect sends SUBSCRIBE without handling its promise:
 * when the connection drops again at that moment (no offline queue), the rejection is unhandled, and Node ends the
 * process on an unhandled rejection. So it is off here, and each subscriber subscribes again on 'ready' itself, with
 * the failure handled (the announcements are a fast path: decisions re-read the state and replays poll meanwhile).
 */
export function createRedisSubscriber(o: RedisStateOptions): Redis {
  return new Redis({ ...redisClientOptions(o), autoResubscribe: false });
}
