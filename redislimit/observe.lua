-- Adapt the organisation's shared rate to an answer, as rhombus.Limiter
-- does locally. KEYS[1]: the bucket hash (rate, ceiling: the rate of the
-- last 429, lastcut: when the rate was last cut, lastup: when it last
-- probed upward, tat).
-- ARGV: 1 for a 429 else 0, when the request was sent (microseconds of
-- Redis's clock), starting rate, burst, max rate, min rate.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limited = tonumber(ARGV[1]) == 1
local sent = tonumber(ARGV[2])
local burst = tonumber(ARGV[4])
local max = tonumber(ARGV[5])
local min = tonumber(ARGV[6])
-- A stored value that is not a number in range is corrupt and read as
-- absent, as reserve.lua does; a rate above the caller's greatest is that.
local rate = tonumber(redis.call('HGET', KEYS[1], 'rate'))
if rate == nil or not (rate > 0) or rate == math.huge then rate = tonumber(ARGV[3]) end
if rate > max then rate = max end
local ceiling = tonumber(redis.call('HGET', KEYS[1], 'ceiling'))
if ceiling == nil or not (ceiling > 0) or ceiling == math.huge then ceiling = 0 end
-- A cut in the future would make every 429 look old.
local lastcut = tonumber(redis.call('HGET', KEYS[1], 'lastcut'))
if lastcut == nil or lastcut ~= lastcut or lastcut > now then lastcut = 0 end
if limited then
  -- 429s of requests sent before the last cut speak of the old rate.
  if sent < lastcut then return 0 end
  local next = rate * 0.8
  if next < min then next = min end
  -- The server's bucket is empty: empty the shared one too.
  redis.call('HSET', KEYS[1], 'rate', next, 'ceiling', rate, 'lastcut', now,
    'tat', now + burst * (1000000 / next))
else
  if rate >= max then return 0 end
  local next
  if ceiling == 0 then
    next = rate * 1.1
  elseif rate < ceiling * 0.93 then
    next = rate + (ceiling - rate) * 0.05
    redis.call('HDEL', KEYS[1], 'lastup')
  else
    -- Probe by the clock, 1% of the refused rate a second, as
    -- rhombus.Limiter does: probing by the answer was refused about every
    -- second at 50 answers a second, and each 429 costs its request
    -- whole seconds of Retry-After. A pause of over a second is not
    -- probing time.
    next = rate
    local lastup = tonumber(redis.call('HGET', KEYS[1], 'lastup'))
    if lastup ~= nil and lastup == lastup and lastup <= now and now - lastup <= 1000000 then
      next = rate + ceiling * 0.01 * (now - lastup) / 1000000
    end
    redis.call('HSET', KEYS[1], 'lastup', now)
  end
  if next > max then next = max end
  redis.call('HSET', KEYS[1], 'rate', next)
end
redis.call('PEXPIRE', KEYS[1], 3600000)
return 1
