-- Reserve one request slot under the organisation's shared GCRA bucket.
-- KEYS[1]: the bucket hash (tat: theoretical arrival time in microseconds
-- of Redis's clock; rate: the current rate a second).
-- ARGV: starting rate, burst, the most the caller may wait in microseconds
-- (-1: no limit). Returns {taken 0/1, wait in microseconds, Redis now}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local rate = tonumber(redis.call('HGET', KEYS[1], 'rate') or ARGV[1])
local burst = tonumber(ARGV[2])
local maxwait = tonumber(ARGV[3])
local interval = 1000000 / rate
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or now)
if tat < now then tat = now end
local newtat = tat + interval
local wait = newtat - burst * interval - now
if wait < 0 then wait = 0 end
if maxwait >= 0 and wait > maxwait then
  return {0, math.floor(wait), now}
end
redis.call('HSET', KEYS[1], 'tat', newtat, 'rate', rate)
redis.call('PEXPIRE', KEYS[1], 3600000)
return {1, math.floor(wait), now}
