-- GET /v1/tasks?agency=SLDTBXH-P<province>&limit=50: the first page of a province's DOLISA
-- (about 95 tasks it leads or coordinates).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
function request()
   local p = 9 + math.random(1, bench.env("BENCH_PROVINCES"))
   return wrk.format("GET", "/v1/tasks?agency=SLDTBXH-P" .. p .. "&limit=50", bench.h)
end
