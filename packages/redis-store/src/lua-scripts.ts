import { MARKER_CHECK } from './fleet-marker.js';

/**
 * The Lua scripts of the Redis policy state. Every script takes the key prefix and the label as ARGV (not KEYS): one
 * key's state is spread over several Redis keys built inside the script, so this is for a single Redis server or a
 * primary with replicas, not Redis Cluster.
 *
 * Layout under prefix P, key label L (K = P .. "k:" .. L .. ":"):
 * - K.."v"          the key's version: increases on every reserve, release, lapse and add (compare-and-set token)
 * - K.."signs"      sorted set: reservation id → time (ms) of each signature, pending and committed
 * - K.."assets"     set of the assets with spend in the window
 * - K.."a:"..asset  sorted set: "id|amount" → time (ms)
 * - P.."r:"..id     hash of a pending reservation: label, and "a:"..asset → its member (deleted on commit)
 * - P.."pending"    sorted set: id → when its lease ends (ms); a lapsed lease drops the reservation
 * - P.."runtime"    the runtime state (kill switches, overlays) as JSON; P.."runtime:rev" its revision
 * - P.."fleet"      the fleet marker (fleet-marker.ts): the load and reserve scripts refuse without it (state lost)
 */

const DROP = `
local function drop(p, id)
  local r = p .. 'r:' .. id
  redis.call('ZREM', p .. 'pending', id)
  local h = redis.call('HGETALL', r)
  if #h == 0 then return 0 end
  local label
  for i = 1, #h, 2 do if h[i] == 'label' then label = h[i + 1] end end
  if label == nil then redis.call('DEL', r) return 0 end
  local k = p .. 'k:' .. label .. ':'
  redis.call('ZREM', k .. 'signs', id)
  for i = 1, #h, 2 do
    if string.sub(h[i], 1, 2) == 'a:' then redis.call('ZREM', k .. h[i], h[i + 1]) end
  end
  redis.call('INCR', k .. 'v')
  redis.call('DEL', r)
  return 1
end
`;

/** ARGV: prefix, label, since (ms), now (ms). Returns [version, runtimeRev, signs (id, time…), asset, entries, …]. */
export const LOAD_SCRIPT = `${DROP}
local p, label, since, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
${MARKER_CHECK}
local expired = redis.call('ZRANGEBYSCORE', p .. 'pending', '-inf', now, 'LIMIT', 0, 256)
for _, id in ipairs(expired) do drop(p, id) end
local k = p .. 'k:' .. label .. ':'
redis.call('ZREMRANGEBYSCORE', k .. 'signs', '-inf', since)
local out = { redis.call('GET', k .. 'v') or '0', redis.call('GET', p .. 'runtime:rev') or '0',
  redis.call('ZRANGEBYSCORE', k .. 'signs', '(' .. since, '+inf', 'WITHSCORES') }
for _, a in ipairs(redis.call('SMEMBERS', k .. 'assets')) do
  redis.call('ZREMRANGEBYSCORE', k .. 'a:' .. a, '-inf', since)
  local e = redis.call('ZRANGEBYSCORE', k .. 'a:' .. a, '(' .. since, '+inf', 'WITHSCORES')
  if #e == 0 then redis.call('SREM', k .. 'assets', a) else out[#out + 1] = a; out[#out + 1] = e end
end
return out
`;

/**
 * ARGV: prefix, label, expected version ('' = any), id, time, lease end ('' = none: committed at once), ttl of the
 * pending hash (ms), then asset, amount pairs. Returns 1, or 0 when the version moved (nothing written).
 */
export const RESERVE_SCRIPT = `
local p, label, expected, id, time, lease, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
${MARKER_CHECK}
local k = p .. 'k:' .. label .. ':'
local v = redis.call('GET', k .. 'v') or '0'
if expected ~= '' and v ~= expected then return 0 end
redis.call('INCR', k .. 'v')
redis.call('ZADD', k .. 'signs', time, id)
local r = p .. 'r:' .. id
if lease ~= '' then redis.call('HSET', r, 'label', label) end
for i = 8, #ARGV, 2 do
  local a, member = ARGV[i], id .. '|' .. ARGV[i + 1]
  redis.call('SADD', k .. 'assets', a)
  redis.call('ZADD', k .. 'a:' .. a, time, member)
  if lease ~= '' then redis.call('HSET', r, 'a:' .. a, member) end
end
if lease ~= '' then
  redis.call('PEXPIRE', r, ttl)
  redis.call('ZADD', p .. 'pending', lease, id)
end
return 1
`;

/**
 * Several pending reservations of one key, all or none (a batch of decisions). ARGV: prefix, label, expected version,
 * lease end, ttl of the pending hashes (ms), then per reservation: id, time, number of assets n, n asset, amount pairs.
 * Returns 1, or 0 when the version moved (nothing written). The version is bumped once.
 */
export const RESERVE_MANY_SCRIPT = `
local p, label, expected, lease, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
${MARKER_CHECK}
local k = p .. 'k:' .. label .. ':'
local v = redis.call('GET', k .. 'v') or '0'
if v ~= expected then return 0 end
redis.call('INCR', k .. 'v')
local i = 6
while i <= #ARGV do
  local id, time, n = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  i = i + 3
  local r = p .. 'r:' .. id
  redis.call('ZADD', k .. 'signs', time, id)
  redis.call('HSET', r, 'label', label)
  for j = 1, n do
    local a, member = ARGV[i], id .. '|' .. ARGV[i + 1]
    i = i + 2
    redis.call('SADD', k .. 'assets', a)
    redis.call('ZADD', k .. 'a:' .. a, time, member)
    redis.call('HSET', r, 'a:' .. a, member)
  end
  redis.call('PEXPIRE', r, ttl)
  redis.call('ZADD', p .. 'pending', lease, id)
end
return 1
`;

/** ARGV: prefix, id. Returns 1 when the reservation was pending, 0 when it had lapsed (or was unknown). */
export const COMMIT_SCRIPT = `
local p, id = ARGV[1], ARGV[2]
redis.call('ZREM', p .. 'pending', id)
return redis.call('DEL', p .. 'r:' .. id)
`;

/** ARGV: prefix, id. Keeps a pending reservation from lapsing (it stays releasable). Returns 1 if it was there. */
export const HOLD_SCRIPT = `
local p, id = ARGV[1], ARGV[2]
if redis.call('EXISTS', p .. 'r:' .. id) == 0 then return 0 end
redis.call('ZREM', p .. 'pending', id)
redis.call('PERSIST', p .. 'r:' .. id)
return 1
`;

/** ARGV: prefix, id. Returns 1 when a pending reservation was dropped. */
export const RELEASE_SCRIPT = `${DROP}
return drop(ARGV[1], ARGV[2])
`;

/**
 * ARGV: prefix, expected runtime revision, state JSON. Stores the runtime state if nobody changed it since that
 * revision, bumps the revision and announces it; returns the new revision, or -1 on a conflict.
 */
export const RUNTIME_WRITE_SCRIPT = `
local p, expected, data = ARGV[1], ARGV[2], ARGV[3]
local rev = redis.call('GET', p .. 'runtime:rev') or '0'
if rev ~= expected then return -1 end
redis.call('SET', p .. 'runtime', data)
local next = redis.call('INCR', p .. 'runtime:rev')
redis.call('PUBLISH', p .. 'runtime:changed', tostring(next))
return next
`;

/** ARGV: prefix. Returns [revision, state JSON or false]. */
export const RUNTIME_READ_SCRIPT = `
local p = ARGV[1]
return { redis.call('GET', p .. 'runtime:rev') or '0', redis.call('GET', p .. 'runtime') }
`;
