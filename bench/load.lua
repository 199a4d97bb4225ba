-- wrk script for bench/load.py: GET the paths of a file in turn, each thread from its own start.
--
--   wrk -s bench/load.lua URL -- PATHS_FILE [COOKIES_FILE]
--
-- PATHS_FILE holds one path a line (a path written twice is asked twice as often: the mix).
-- COOKIES_FILE, if given, holds one Cookie header value a line (one signed-in session each);
-- requests take them in turn, so 20 sessions stand for 20 people. Every request says it came
-- over HTTPS through the proxy (X-Forwarded-Proto), as in production. The requests are built
-- once in init(), so the Lua side costs next to nothing per request. done() prints one line of
-- JSON that load.py reads.

local requests = {}
local position = 0
local threads = 0

function setup(thread)
   thread:set("thread_number", threads)
   threads = threads + 1
end

local function read_lines(name)
   local lines = {}
   for line in io.lines(name) do
      if #line > 0 then
         lines[#lines + 1] = line
      end
   end
   return lines
end

function init(args)
   local paths = read_lines(args[1])
   local cookies = args[2] and read_lines(args[2]) or {}
   local count = #paths
   if #cookies > count then
      count = #cookies
   end
   for n = 1, count do
      local headers = { ["X-Forwarded-Proto"] = "https" }
      if #cookies > 0 then
         headers["Cookie"] = cookies[(n - 1) % #cookies + 1]
      end
      requests[n] = wrk.format("GET", paths[(n - 1) % #paths + 1], headers)
   end
   position = (thread_number or 0) * 7919 % #requests
end

function request()
   position = position % #requests + 1
   return requests[position]
end

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      'LOADJSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_ms": %.3f, '
         .. '"p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "connect": %d, "read": %d, '
         .. '"write": %d, "status": %d, "timeout": %d}\n',
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout
   ))
end
