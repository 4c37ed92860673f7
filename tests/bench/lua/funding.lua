-- GET /v1/funding: the province-level roll-up of the plan's budget lines (tests/bench/funding):
-- a random year of the plan's period, grouped by agency, source or section at random.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local groupings = {"agency", "source", "section"}
local plan = os.getenv("BENCH_PLAN") or "1"
function request()
   local year = bench.env("BENCH_FIRST_YEAR") + math.random(0, bench.env("BENCH_YEARS") - 1)
   return wrk.format("GET", "/v1/funding?plan=" .. plan .. "&year=" .. year .. "&group_by=" ..
                     bench.pick(groupings), bench.h)
end
