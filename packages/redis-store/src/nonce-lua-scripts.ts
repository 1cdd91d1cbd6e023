/**
 * The Lua scripts of the Redis NonceStore (see redis-nonce-store.ts): each NonceStore method is one script, so each
 * is atomic per key across every instance of the fleet. Nonces are handled as decimal strings (Lua numbers are
 * doubles: exact only up to 2^53): `next` is a Redis string counter (INCR is exact on 64-bit integers) and the
 * released nonces a sorted set with score 0 whose members are zero-padded to 20 digits, so the set's
 * lexicographic order is the numeric order.
 *
 * Leases (see NonceStore): a third sorted set holds each leased nonce (padded) with its lease's end (ms since the epoch)
 * as the score; an allocation with a lease first releases every nonce whose lease ended.
 *
 * KEYS[1] = <prefix>nonce:{<network>:<address>}:next, KEYS[2] = …:released, KEYS[3] = …:leased (one hash tag: the keys
 * of an account live on the same Redis Cluster slot).
 */

const PAD = `
local function pad(s) return string.rep('0', 20 - #s) .. s end
local function unpad(s) local t = string.gsub(s, '^0+', '') if t == '' then return '0' end return t end
-- s - 1 for a positive decimal string
local function dec(s)
  local i = #s
  local out = ''
  while i > 0 and string.sub(s, i, i) == '0' do out = '9' .. out i = i - 1 end
  local d = tonumber(string.sub(s, i, i)) - 1
  return unpad(string.sub(s, 1, i - 1) .. tostring(d) .. out)
end
-- gives back the padded nonce n (below next, else ignored) and ends its lease; released nonces at the top of the range
-- lower next instead of staying in the set
local function release(n)
  redis.call('ZREM', KEYS[3], n)
  local next = redis.call('GET', KEYS[1])
  if n >= pad(next) then return 0 end
  redis.call('ZADD', KEYS[2], 0, n)
  while next ~= '0' do
    local prev = dec(next)
    if redis.call('ZREM', KEYS[2], pad(prev)) == 0 then break end
    next = prev
  end
  redis.call('SET', KEYS[1], next)
  return 1
end
`;

/**
 * ARGV: now, until (ms since the epoch; both empty: no lease). Returns the nonce (decimal string), or false for a stale
 * key.
 */
export const NONCE_ALLOCATE_SCRIPT = `${PAD}
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if ARGV[1] ~= '' then
  for _, n in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])) do release(n) end
end
local nonce
local low = redis.call('ZRANGE', KEYS[2], 0, 0)
if #low > 0 then
  redis.call('ZREM', KEYS[2], low[1])
  nonce = unpad(low[1])
else
  nonce = redis.call('GET', KEYS[1])
  redis.call('INCR', KEYS[1])
end
if ARGV[2] ~= '' then redis.call('ZADD', KEYS[3], ARGV[2], pad(nonce)) end
return nonce
`;

/** ARGV: next (decimal). A stale key becomes fresh with it; a fresh key is left alone (first sync wins). */
export const NONCE_INITIALIZE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('SET', KEYS[1], ARGV[1])
return 1
`;

/**
 * ARGV: nonce (decimal). Ignored for a stale key or a nonce at or above next; released nonces at the top of the range
 * lower next instead of staying in the set.
 */
export const NONCE_RELEASE_SCRIPT = `${PAD}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return release(pad(ARGV[1]))
`;

/** ARGV: nonce (decimal). Ends its lease. */
export const NONCE_CONFIRM_SCRIPT = `${PAD}
return redis.call('ZREM', KEYS[3], pad(ARGV[1]))
`;

/** Makes the key stale. */
export const NONCE_INVALIDATE_SCRIPT = `
return redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
`;

/** Returns false when stale, else { next, released (ascending, padded), leased (ascending by nonce, padded) }. */
export const NONCE_PEEK_SCRIPT = `
local next = redis.call('GET', KEYS[1])
if not next then return false end
local leased = redis.call('ZRANGE', KEYS[3], 0, -1)
table.sort(leased)
return { next, redis.call('ZRANGE', KEYS[2], 0, -1), leased }
`;
