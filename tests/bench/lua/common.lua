-- tests/bench/lua/common.lua: shared by every wrk script of tests/bench/run (loaded with dofile).
-- Gives each wrk thread its own number and random seed, reads id lists, and prints one
-- machine-readable summary line that the run script parses.
bench = {}
bench.token = os.getenv("BENCH_TOKEN") or ""
bench.write_token = os.getenv("BENCH_WRITE_TOKEN") or bench.token
local counter = 0

function setup(thread)
   thread:set("thread_id", counter)
   thread:set("thread_count", tonumber(os.getenv("BENCH_WRK_THREADS") or "2"))
   counter = counter + 1
end

-- bench.lines(path): the non-empty lines of a file, as an array.
function bench.lines(path)
   local out = {}
   for line in io.lines(path) do
      if line ~= "" then out[#out + 1] = line end
   end
   return out
end

function bench.pick(list)
   return list[math.random(#list)]
end

-- bench.headers(extra, token): the bearer token (default BENCH_TOKEN) and the extra headers.
function bench.headers(extra, token)
   local h = {["Authorization"] = "Bearer " .. (token or bench.token)}
   for k, v in pairs(extra or {}) do h[k] = v end
   return h
end

-- The default init: a seed of its own per thread and the read headers in bench.h. Scripts
-- with more to prepare define their own init and call this one first.
function bench.init()
   math.randomseed(os.time() + thread_id * 7919)
   bench.h = bench.headers()
end
init = bench.init

-- bench.env(name): a number from the environment (BENCH_PROVINCES, BENCH_COMMUNES, BENCH_YEARS).
function bench.env(name)
   return tonumber(os.getenv(name))
end

function done(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format(
      "BENCH requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
      "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000,
      latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      e.status, e.connect, e.read, e.write, e.timeout))
end
