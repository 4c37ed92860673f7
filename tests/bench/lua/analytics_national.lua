-- GET /v1/analytics without a unit: one monthly commune indicator (months meeting a threshold)
-- over a year for the whole country, an item per province: some 127,000 measurements each.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
function request()
   local ind = string.format("BENCH-M%02d", math.random(1, 6))
   local year = 2015 + math.random(1, bench.env("BENCH_YEARS"))
   return wrk.format("GET", "/v1/analytics?indicator=" .. ind .. "&period=" .. year .. "&level=1",
                     bench.h)
end
