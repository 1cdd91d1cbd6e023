/**
 * The Lua scripts of the Redis ReplayStore (see redis-replay-store.ts). One Redis key per (label, signed-bytes digest),
 * KEYS[1] = <prefix>replay:<label>:<digest>, holds either a claim, "c:<instance>.<uuid>" with the claimant's lease as
 * its expiry, or the result, "d:<json>" with the replay TTL as its expiry. Changes are announced on the channel
 * <prefix>replay:settled with the key as the message (waiters also poll: a missed message only costs a poll).
 */

/**
 * KEYS[2] = <prefix>runtime:rev. ARGV: claim value, lease (ms). Returns {1} when this caller now holds the claim,
 * {2, json, runtime revision} when the result is there (a replay is checked against the kill switches: the caller
 * re-reads them if they moved), {0, pttl} while someone else holds the claim.
 */
export const REPLAY_JOIN_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return { 1 }
end
if string.sub(v, 1, 2) == 'd:' then return { 2, string.sub(v, 3), redis.call('GET', KEYS[2]) or '0' } end
return { 0, redis.call('PTTL', KEYS[1]) }
`;

/**
 * ARGV: claim value ('' = none: an approved request's result), result JSON, replay TTL (ms; 0 = replays off), channel.
 * Stores the result (replacing whatever claim is there: a result is never worse than a claim), or with replays off
 * just drops this caller's claim; then announces it.
 */
export const REPLAY_COMPLETE_SCRIPT = `
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[1], 'd:' .. ARGV[2], 'PX', ARGV[3])
elseif ARGV[1] ~= '' and redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
redis.call('PUBLISH', ARGV[4], KEYS[1])
return 1
`;

/** ARGV: claim value, channel. Drops the claim if it is still this caller's, and announces it (a waiter takes over). */
export const REPLAY_ABANDON_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[2], KEYS[1])
return 1
`;
