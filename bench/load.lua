-- wrk script for bench/load.py: GET the paths of a file in turn, each thread from its own start.
--
--   wrk -s bench/load.lua URL -- PATHS_FILE [COOKIES_FILE]
--
-- PATHS_FILE holds one path a line (a path written twice is asked twice as often: the mix).
-- COOKIES_FILE, if given, holds one Cookie header value a line (one signed-in session each);
-- requests take them in turn, so 20 sessions stand for 20 people. Every request says it came
-- over HTTPS through the proxy (X-Forwarded-Proto; nginx sets it anyway when it is in front)
-- and accepts gzip, as in production. The requests are built
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
      -- As every browser and feed reader: the feeds answer gzipped (HTML pages are sent as they are).
      local headers = { ["X-Forwarded-Proto"] = "https", ["Accept-Encoding"] = "gzip, deflate, br" }
      if #cookies > 0 then
         headers["Cookie"] = cookies[(n - 1) % #cookies + 1]
      end
      requests[n] = wrk.format("GET", paths[(n - 1) % #paths + 1], headers)
   end
   position = (thread_number or 0) * 7919 % #requests
   math.randomseed(1 + (thread_number or 0))
end

function request()
   position = position % #requests + 1
   return requests[position]
end

-- Pacing, for load.py's paced rows. wrk decides whether a script has a delay() when it loads it,
-- before init() sees the arguments, so the pace comes from the environment:
--   LOAD_GAP_MS   a wrk thread sends one request every LOAD_GAP_MS (its share of an offered
--                 rate): each connection, before its next request, takes the next free turn. A
--                 turn no connection was free for is lost, not made up later (no bursts).
--   LOAD_PAUSE_MS each connection waits before each request, as a person reading the page:
--                 drawn between half and one and a half LOAD_PAUSE_MS, so people do not move
--                 in step.
-- wrk times a request from the moment it is sent: the waits are not in the latencies.
local gap_ms = tonumber(os.getenv("LOAD_GAP_MS"))
local pause_ms = tonumber(os.getenv("LOAD_PAUSE_MS"))

if gap_ms then
   local ffi = require("ffi") -- wrk runs LuaJIT; Lua itself has no millisecond clock
   ffi.cdef("typedef struct { long sec; long nsec; } load_timespec;"
      .. "int clock_gettime(int clock, load_timespec *now);")
   local clock = ffi.new("load_timespec")
   local next_turn = nil

   function delay()
      ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
      local now = tonumber(clock.sec) * 1000 + tonumber(clock.nsec) / 1e6
      local turn = math.max(next_turn or now, now)
      next_turn = turn + gap_ms
      return math.floor(turn - now + 0.5)
   end
elseif pause_ms then
   function delay()
      return math.random(math.floor(pause_ms / 2), math.floor(pause_ms * 3 / 2))
   end
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
