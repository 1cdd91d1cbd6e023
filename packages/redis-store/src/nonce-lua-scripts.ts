/**
 * The Lua scripts of the Redis NonceStore (see redis-nonce-store.ts): each NonceStore method is one script, so each
 * is atomic per key across every instance of the fleet. Nonces are handled as decimal strings (Lua numbers are
 * doubles: exact only up to 2^53): `next` is a Redis string counter (INCR is exact on 64-bit integers) and the
 * released nonces a sorted set with score 0 whose members are zero-padded to 20 digits, so the set's
 * lexicographic order is the numeric order.
 *
 * KEYS[1] = <prefix>nonce:{<network>:<address>}:next, KEYS[2] = <prefix>nonce:{<network>:<address>}:released (one hash
 * tag: both keys of an account live on the same Redis Cluster slot).
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
`;

/** Returns the nonce (decimal string), or false for a stale key. */
export const NONCE_ALLOCATE_SCRIPT = `${PAD}
local next = redis.call('GET', KEYS[1])
if not next then return false end
local low = redis.call('ZRANGE', KEYS[2], 0, 0)
if #low > 0 then
  redis.call('ZREM', KEYS[2], low[1])
  return unpad(low[1])
end
redis.call('INCR', KEYS[1])
return next
`;

/** ARGV: next (decimal). A stale key becomes fresh with it; a fresh key is left alone (first sync wins). */
export const NONCE_INITIALIZE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1])
return 1
`;

/**
 * ARGV: nonce (decimal). Ignored for a stale key or a nonce at or above next; released nonces at the top of the range
 * lower next instead of staying in the set.
 */
export const NONCE_RELEASE_SCRIPT = `${PAD}
local next = redis.call('GET', KEYS[1])
if not next then return 0 end
local n = pad(ARGV[1])
if n >= pad(next) then return 0 end
redis.call('ZADD', KEYS[2], 0, n)
while next ~= '0' do
  local prev = dec(next)
  if redis.call('ZREM', KEYS[2], pad(prev)) == 0 then break end
  next = prev
end
redis.call('SET', KEYS[1], next)
return 1
`;

/** Makes the key stale. */
export const NONCE_INVALIDATE_SCRIPT = `
return redis.call('DEL', KEYS[1], KEYS[2])
`;

/** Returns false when stale, else { next, released (ascending, padded) }. */
export const NONCE_PEEK_SCRIPT = `
local next = redis.call('GET', KEYS[1])
if not next then return false end
return { next, redis.call('ZRANGE', KEYS[2], 0, -1) }
`;
