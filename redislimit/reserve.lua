-- Reserve one request slot under the organisation's shared GCRA bucket.
-- KEYS[1]: the bucket hash (tat: theoretical arrival time in microseconds
-- of Redis's clock; rate: the current rate a second).
-- ARGV: starting rate, burst, the most the caller may wait in microseconds
-- (-1: no limit), the caller's least and greatest rate. Returns {taken 0/1,
-- wait in microseconds, Redis now}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local start = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local maxwait = tonumber(ARGV[3])
local min = tonumber(ARGV[4])
local max = tonumber(ARGV[5])
-- A stored value that is not a number in range is corrupt: it is read as
-- absent and overwritten below. A rate of 0, NaN or below 0 made every
-- wait NaN or 0, which switched the limit off.
local rate = tonumber(redis.call('HGET', KEYS[1], 'rate'))
if rate == nil or not (rate > 0) or rate == math.huge then rate = start end
-- The caller never paces outside its own bounds, whatever another wrote.
local pace = rate
if pace > max then pace = max end
if pace < min then pace = min end
local interval = 1000000 / pace
-- A bucket lives an hour after its last change: an arrival time further
-- ahead than that is corrupt too.
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat'))
if tat == nil or tat ~= tat or tat > now + 3600000000 then tat = now end
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
