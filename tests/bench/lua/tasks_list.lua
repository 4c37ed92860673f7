-- GET /v1/tasks?agency=SLDTBXH-P<province>&limit=50: the first page of a province's DOLISA
-- (about 95 tasks it leads or coordinates).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local h
function init(args)
   math.randomseed(os.time() + thread_id * 7919)
   h = bench.headers()
end
function request()
   local p = 9 + math.random(1, tonumber(os.getenv("BENCH_PROVINCES")))
   return wrk.format("GET", "/v1/tasks?agency=SLDTBXH-P" .. p .. "&limit=50", h)
end
