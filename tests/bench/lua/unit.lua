-- GET /v1/admin-units/{code}: a random commune (40000 + 0..n-1), as pgbench-unit.sql.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local h
function init(args)
   math.randomseed(os.time() + thread_id * 7919)
   h = bench.headers()
end
function request()
   local code = 40000 + math.random(0, tonumber(os.getenv("BENCH_COMMUNES")) - 1)
   return wrk.format("GET", "/v1/admin-units/" .. code, h)
end
