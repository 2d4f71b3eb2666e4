// The Lua scripts behind RedisBulkhead. Every script takes the same six keys of one compartment (one hash tag,
// so they also run on Redis Cluster), reads the clock of the Redis server (`TIME`), drops expired leases and
// dead waiters, and hands free permits to the head waiters (publishing each grant to the waiter's process).

/** KEYS: holders (zset id -> lease expiry), queue (zset id -> ticket), waiters (hash id -> deadline|ttl|channel),
 * expiries (zset id -> waiter liveness), config (hash limit, maxQueue, fence, ticket, rejected), tokens (hash id -> token of a waiter's grant). */
const PRELUDE = `
local holders, queue, waiters, expiries, config, tokens = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local function settings(limit, maxQueue)
  local current = redis.call('HMGET', config, 'limit', 'maxQueue')
  if limit and not current[1] then
    redis.call('HSET', config, 'limit', limit)
    current[1] = limit
  end
  if maxQueue and not current[2] then
    redis.call('HSET', config, 'maxQueue', maxQueue)
    current[2] = maxQueue
  end
  return tonumber(current[1] or '1'), tonumber(current[2] or '-1')
end
local function purge()
  local expired = redis.call('ZRANGEBYSCORE', holders, '-inf', now, 'LIMIT', 0, 1000)
  if #expired > 0 then
    redis.call('ZREM', holders, unpack(expired))
    redis.call('HDEL', tokens, unpack(expired))
  end
  local dead = redis.call('ZRANGEBYSCORE', expiries, '-inf', now, 'LIMIT', 0, 1000)
  if #dead > 0 then
    redis.call('ZREM', queue, unpack(dead))
    redis.call('ZREM', expiries, unpack(dead))
    redis.call('HDEL', waiters, unpack(dead))
  end
end
local function admit(limit)
  if redis.call('ZCARD', queue) == 0 then return end
  while redis.call('ZCARD', holders) < limit do
    local head = redis.call('ZRANGE', queue, 0, 0)
    if #head == 0 then return end
    local id = head[1]
    local info = redis.call('HGET', waiters, id)
    redis.call('ZREM', queue, id)
    redis.call('ZREM', expiries, id)
    redis.call('HDEL', waiters, id)
    if info then
      local _, ttl, channel = string.match(info, '^(%-?%d+)|(%d+)|(.*)$')
      local token = redis.call('HINCRBY', config, 'fence', 1)
      redis.call('ZADD', holders, now + tonumber(ttl), id)
      redis.call('HSET', tokens, id, token)
      redis.call('PUBLISH', channel, id .. '|' .. token)
    end
  end
end
`;

/**
 * ARGV: id, limit, maxQueue (-1: unbounded), ttl, wait (0: immediate verdict, -1: no deadline, else ms), channel.
 * Returns {verdict (1 granted, 0 full, 2 queued), token or ticket, limit, active, waiting}.
 */
export const ACQUIRE_SCRIPT = `${PRELUDE}
local id, ttl, wait, channel = ARGV[1], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local limit, maxQueue = settings(ARGV[2], ARGV[3])
purge()
admit(limit)
local active, waiting = redis.call('ZCARD', holders), redis.call('ZCARD', queue)
if active < limit and waiting == 0 then
  local token = redis.call('HINCRBY', config, 'fence', 1)
  redis.call('ZADD', holders, now + ttl, id)
  return {1, token, limit, active + 1, waiting}
end
if wait == 0 or (maxQueue >= 0 and waiting >= maxQueue) then
  redis.call('HINCRBY', config, 'rejected', 1)
  return {0, 0, limit, active, waiting}
end
local ticket = redis.call('HINCRBY', config, 'ticket', 1)
local deadline = -1
local expiry = now + ttl
if wait > 0 then
  deadline = now + wait
  if deadline < expiry then expiry = deadline end
end
redis.call('ZADD', queue, ticket, id)
redis.call('ZADD', expiries, expiry, id)
redis.call('HSET', waiters, id, deadline .. '|' .. ttl .. '|' .. channel)
return {2, ticket, limit, active, waiting + 1}
`;

/** ARGV: id. Returns {released (1, or 0 when the lease was already gone), limit, active, waiting}. */
export const RELEASE_SCRIPT = `${PRELUDE}
local limit = settings()
local removed = redis.call('ZREM', holders, ARGV[1])
redis.call('HDEL', tokens, ARGV[1])
purge()
admit(limit)
return {removed, limit, redis.call('ZCARD', holders), redis.call('ZCARD', queue)}
`;

/**
 * ARGV: id, countRejection (1/0). Withdraws a waiter, or releases its permit when it was granted meanwhile.
 * Returns {1 withdrawn, 2 released a grant, 0 gone; limit, active, waiting}.
 */
export const CANCEL_SCRIPT = `${PRELUDE}
local limit = settings()
local id = ARGV[1]
local outcome = 0
if redis.call('ZREM', queue, id) == 1 then
  redis.call('ZREM', expiries, id)
  redis.call('HDEL', waiters, id)
  if ARGV[2] == '1' then redis.call('HINCRBY', config, 'rejected', 1) end
  outcome = 1
elseif redis.call('ZREM', holders, id) == 1 then
  redis.call('HDEL', tokens, id)
  outcome = 2
end
purge()
admit(limit)
return {outcome, limit, redis.call('ZCARD', holders), redis.call('ZCARD', queue)}
`;

/**
 * ARGV: ttl, holder count, holder ids..., waiter ids... Extends held leases and waiters' liveness.
 * Returns {limit, active, waiting, then per holder 1 renewed / 0 lost, then per waiter -1 waiting / token granted / 0 gone}.
 */
export const RENEW_SCRIPT = `${PRELUDE}
local limit = settings()
local ttl, holderCount = tonumber(ARGV[1]), tonumber(ARGV[2])
purge()
admit(limit)
local result = {limit, 0, 0}
for index = 3, 2 + holderCount do
  if redis.call('ZSCORE', holders, ARGV[index]) then
    redis.call('ZADD', holders, 'XX', now + ttl, ARGV[index])
    result[#result + 1] = 1
  else
    result[#result + 1] = 0
  end
end
for index = 3 + holderCount, #ARGV do
  local id = ARGV[index]
  local info = redis.call('HGET', waiters, id)
  if info then
    local deadline = tonumber(string.match(info, '^(%-?%d+)|'))
    local expiry = now + ttl
    if deadline >= 0 and deadline < expiry then expiry = deadline end
    redis.call('ZADD', expiries, 'XX', expiry, id)
    result[#result + 1] = -1
  else
    result[#result + 1] = tonumber(redis.call('HGET', tokens, id) or '0')
  end
end
result[2] = redis.call('ZCARD', holders)
result[3] = redis.call('ZCARD', queue)
return result
`;

/**
 * ARGV: new limit or '' to only read, this process's limit, maxQueue (-1: unbounded).
 * Returns {limit, active, waiting, rejected, maxQueue}.
 */
export const STATE_SCRIPT = `${PRELUDE}
if ARGV[1] ~= '' then redis.call('HSET', config, 'limit', ARGV[1]) end
local limit, maxQueue = settings(ARGV[2], ARGV[3])
purge()
admit(limit)
return {limit, redis.call('ZCARD', holders), redis.call('ZCARD', queue), tonumber(redis.call('HGET', config, 'rejected') or '0'), maxQueue}
`;
