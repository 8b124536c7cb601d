-- wrk script of bench/quiz_load.py: spreads requests over many members' bearer tokens,
-- attempts and client addresses, and prints wrk's numbers as one JSON line.
--
-- Environment:
--   WRK_LINES    file of "token id address" lines (token "-" = anonymous)
--   WRK_THREADS  the -t given to wrk (each thread takes every n-th line)
--   WRK_METHOD   GET, POST or PUT
--   WRK_PATH     path with "{id}" replaced by the line's id
--   WRK_BODY     request body (optional; "{n}" becomes a number 0..3 that changes per request)
--   WRK_DELAY_MS wait before each request on a connection (paces a background load)

local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  local n = tonumber(os.getenv("WRK_THREADS") or "1")
  method = os.getenv("WRK_METHOD") or "GET"
  path = os.getenv("WRK_PATH")
  body = os.getenv("WRK_BODY")
  pause = tonumber(os.getenv("WRK_DELAY_MS") or "0")
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

function delay()
  return pause
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
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
      .. '"max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
