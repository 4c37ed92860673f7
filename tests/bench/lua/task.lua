-- GET /v1/tasks/{id}: a task of the provinces' copies of the plan, id 1000*p + k (p 1..62, k
-- 1..65), the same ids as pgbench-task.sql; the viewer's token.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local h
function init(args)
   math.randomseed(os.time() + thread_id * 7919)
   h = bench.headers()
end
function request()
   local id = 1000 * math.random(1, tonumber(os.getenv("BENCH_PROVINCES"))) + math.random(1, 65)
   return wrk.format("GET", "/v1/tasks/" .. id, h)
end
