-- wrk script of bench/quiz_load.py: spreads requests over many members' bearer tokens,
-- attempts and client addresses, and prints wrk's numbers as one JSON line.
--
-- Environment:
--   WRK_LINES    file of "token id address" lines (token "-" = anonymous)
--   WRK_THREADS  the -t given to wrk (each thread takes every n-th line)
--   WRK_METHOD   GET, POST or PUT
--   WRK_PATH     path with "{id}" replaced by the line's id
--   WRK_BODY     request body (optional; "{n}" becomes a number 0..3 that changes per request)
--   WRK_RATE     requests per second over all threads, sent on a fixed schedule whatever
--                the answers' latency (an open load, as wrk2 sends): latency is then
--                measured at that rate, not at saturation. A request that goes out more
--                than 5 ms after its slot (every connection was still waiting for an
--                answer) counts as "late": with none late, no waiting was left unmeasured.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } ib_timespec;
int clock_gettime(int clk_id, ib_timespec *tp);
]]
local timespec = ffi.new("ib_timespec")

local function now_us()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) * 1e6 + tonumber(timespec.tv_nsec) / 1e3
end

local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local n = tonumber(os.getenv("WRK_THREADS") or "1")
  method = os.getenv("WRK_METHOD") or "GET"
  path = os.getenv("WRK_PATH")
  body = os.getenv("WRK_BODY")
  local rate = tonumber(os.getenv("WRK_RATE") or "0")
  interval_us = rate > 0 and 1e6 * n / rate or nil -- this thread's share of the rate
  next_slot = nil
  late = 0
  lines = {}
  local i = 0
  for line in io.lines(os.getenv("WRK_LINES")) do
    if i % n == tid then
      local token, id, address = line:match("^(%S+) (%S+) (%S+)$")
      local headers = { ["X-Forwarded-For"] = address }
      if token ~= "-" then
        headers["Authorization"] = "Bearer " .. token
      end
      if body then
        headers["Content-Type"] = "application/json"
      end
      table.insert(lines, { path = path:gsub("{id}", id), headers = headers })
    end
    i = i + 1
  end
  turn = 0
end

-- Only with WRK_RATE: without a `delay` function wrk sends each connection's next request
-- as soon as its answer came (the closed load).
if tonumber(os.getenv("WRK_RATE") or "0") > 0 then
  function delay()
    local now = now_us()
    next_slot = next_slot or now
    local slot = next_slot
    next_slot = next_slot + interval_us
    if now - slot > 5000 then
      late = late + 1
    end
    return math.max(0, math.floor((slot - now) / 1000))
  end
end

function request()
  turn = turn + 1
  local line = lines[(turn - 1) % #lines + 1]
  local b = nil
  if body then
    b = body:gsub("{n}", tostring(turn % 4))
  end
  return wrk.format(method, line.path, line.headers, b)
end

function done(summary, latency, requests)
  local e = summary.errors
  local late_total = 0
  for _, thread in ipairs(threads) do
    late_total = late_total + (thread:get("late") or 0)
  end
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "late": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, late_total))
end
