-- GET /v1/tasks/{id}: a task of the provinces' copies of the plan, id 1000*p + k (p 1..62, k
-- 1..65), drawn as the pgbench script made from its SQL draws them; the viewer's token.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
function request()
   local id = 1000 * math.random(1, bench.env("BENCH_PROVINCES")) + math.random(1, 65)
   return wrk.format("GET", "/v1/tasks/" .. id, bench.h)
end
