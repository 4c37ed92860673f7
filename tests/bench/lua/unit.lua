-- GET /v1/admin-units/{code}: a random commune (40000 + 0..n-1), drawn as its pgbench script does.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
function request()
   local code = 40000 + math.random(0, bench.env("BENCH_COMMUNES") - 1)
   return wrk.format("GET", "/v1/admin-units/" .. code, bench.h)
end
