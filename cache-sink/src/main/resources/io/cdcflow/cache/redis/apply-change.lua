-- Applies one change to one row of the cache under the idempotency rule. Redis runs a script alone, so reading the
-- stored position and writing the row is one atomic step. Loaded once (SCRIPT LOAD), called with EVALSHA.
--
-- KEYS[1]  the table's hash  <prefix>:<source>.<namespace>.<table>, field 'truncated' = position of the newest
--          truncate (the table's watermark: no change at or below it may write a row)
-- KEYS[2]  the row's hash    <prefix>:<source>.<namespace>.<table>:<row key>  (optional for 't')
-- ARGV[1]  'u' write the row (create, update, snapshot read), 'd' delete it, 't' truncate
-- ARGV[2]  the change's position as its sort key: fixed-width decimal parts joined by dots (Position.sortKey), so
--          two positions compare as text (Lua numbers are doubles and would round them). A position stored by an
--          earlier release (a shorter plain decimal) compares as older than any sort key.
-- ARGV[3]  the row as JSON for 'u', '' otherwise
-- ARGV[4]  time to live in milliseconds of what is written (the live row for 'u', the tombstone for 'd' and 't',
--          the watermark for 't'); '0' for none
--
-- A live row is the hash {row = <JSON>, pos = <position>}; a deleted row is the tombstone {pos = <position>,
-- deleted = 1}. Returns 1 when the change was applied, 0 when it was stale (the store held a newer or the same
-- position, or the table was truncated at or after it), and the error text ('WRONGTYPE ...') as a string when a key
-- holds something other than a hash: that is the record's fault, not the server's, so it is an answer rather than an
-- error reply, and one such row does not fail the pipeline of calls it travels in.

local function newer(a, b)
  if not b then
    return true
  end
  if #a ~= #b then
    return #a > #b
  end
  return a > b
end

local op, pos, ttl = ARGV[1], ARGV[2], tonumber(ARGV[4])

-- HGET that answers a failure (a key of another type) as {err = text} instead of raising it.
local function field(key, name)
  return redis.pcall('HGET', key, name)
end

local function failed(value)
  return type(value) == 'table'
end

local function expire(key)
  if ttl > 0 then
    redis.call('PEXPIRE', key, ttl)
  end
end

local function tombstone(key)
  redis.call('DEL', key)
  redis.call('HSET', key, 'pos', pos, 'deleted', '1')
  expire(key)
end

if op == 't' then
  local changed = 0
  local truncated = field(KEYS[1], 'truncated')
  if failed(truncated) then
    return truncated.err
  end
  if newer(pos, truncated) then
    redis.call('HSET', KEYS[1], 'truncated', pos)
    if ttl > 0 then
      redis.call('PEXPIRE', KEYS[1], ttl)
    else
      redis.call('PERSIST', KEYS[1])
    end
    changed = 1
  end
  if KEYS[2] then
    local held = field(KEYS[2], 'pos')
    if failed(held) then
      return held.err
    end
    -- Only keys this sink wrote (they have a position) and only rows older than the truncate.
    if held and newer(pos, held) and redis.call('HGET', KEYS[2], 'deleted') ~= '1' then
      tombstone(KEYS[2])
      changed = 1
    end
  end
  return changed
end

local held = field(KEYS[2], 'pos')
if failed(held) then
  return held.err
end
if not newer(pos, held) then
  return 0
end
local truncated = field(KEYS[1], 'truncated')
if failed(truncated) then
  return truncated.err
end
if not newer(pos, truncated) then
  return 0
end
if op == 'd' then
  tombstone(KEYS[2])
elseif op == 'u' then
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[2], 'pos', pos, 'row', ARGV[3])
  expire(KEYS[2])
else
  return redis.error_reply('ERR unknown op ' .. tostring(op))
end
return 1
