-- wrk script for bench/ideas_submit.py: POST /api/v1/ideas with realistic Vietnamese
-- bodies (IB_BODIES, one JSON per line), each request from the next member token
-- (IB_TOKENS, one per line; none = no Authorization header). Each wrk thread walks its
-- own slice; every response status is counted and `done` prints "RESULT name value" lines.
local tokens, bodies = {}, {}
for line in io.lines(os.getenv("IB_TOKENS")) do tokens[#tokens + 1] = line end
for line in io.lines(os.getenv("IB_BODIES")) do bodies[#bodies + 1] = line end
local threads, nthreads = {}, 0
counts = {}  -- global: `done` reads it from each thread
local i, step = 0, 1

function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
  table.insert(threads, thread)
end

function init(args)
  i = tid
  step = tonumber(os.getenv("WRK_THREADS"))
end

local expect = tonumber(os.getenv("IB_EXPECT") or "0")  -- a status that is not an error here
local path = os.getenv("WRK_PATH") or "/api/v1/ideas"  -- another path: GET, no body

function request()
  i = i + step
  local headers = {["Content-Type"] = "application/json"}
  if #tokens > 0 then headers["Authorization"] = "Bearer " .. tokens[(i % #tokens) + 1] end
  if path ~= "/api/v1/ideas" then return wrk.format("GET", path, headers) end
  -- every body is unique: "@@N@@" in its title becomes this request's number
  local body = string.gsub(bodies[(i % #bodies) + 1], "@@N@@", tostring(i), 1)
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status >= 300 and status ~= expect and (counts[status] or 0) <= 2 then
    io.stderr:write("status " .. status .. ": " .. string.sub(body, 1, 200) .. "\n")
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("RESULT status_%d %d\n", k, v)) end
  io.write(string.format("RESULT duration_s %.3f\n", summary.duration / 1e6))
  io.write(string.format("RESULT requests %d\n", summary.requests))
  local e = summary.errors
  io.write(string.format("RESULT socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("RESULT p%d_ms %.2f\n", p, latency:percentile(p) / 1000))
  end
end
