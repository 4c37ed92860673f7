-- POST /v1/measurements with an Idempotency-Key: a new BENCH-WRITE value for a commune and month
-- never written before. Request k of thread t (of T) writes slot k*T + t: commune slot mod n,
-- month slot div n, so no two requests of the run collide (BENCH_SLOT_BASE shifts the slots of a
-- later run, so that it collides with no earlier one). The key names the run and the slot,
-- and the comment repeats it, so that the run script can match rows to answers afterwards.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local n, k, run, slot_base
function init(args)
   n = tonumber(os.getenv("BENCH_COMMUNES"))
   slot_base = tonumber(os.getenv("BENCH_SLOT_BASE") or "0")
   run = os.getenv("BENCH_RUN_ID") or "run"
   k = 0
end
function request()
   local slot = slot_base + k * thread_count + thread_id
   k = k + 1
   local unit = 40000 + slot % n
   local m = math.floor(slot / n)
   local period = string.format("%04d%02d", 2016 + math.floor(m / 12), m % 12 + 1)
   local key = run .. "-" .. slot
   local body = string.format(
      '{"indicator":"BENCH-WRITE","unit":"%d","period":"%s","value":%d,"comment":"%s"}',
      unit, period, slot % 50, key)
   return wrk.format("POST", "/v1/measurements",
                     bench.headers({["Content-Type"] = "application/json", ["Idempotency-Key"] = key}),
                     body)
end
