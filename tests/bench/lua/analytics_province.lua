-- GET /v1/analytics: one monthly commune indicator (months meeting a threshold) over a year, for
-- a random synthetic province as a whole (level 1): some 2,000 measurements each.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
function request()
   local p = 9 + math.random(1, bench.env("BENCH_PROVINCES"))
   local ind = string.format("BENCH-M%02d", math.random(1, 6))
   local year = 2015 + math.random(1, bench.env("BENCH_YEARS"))
   return wrk.format("GET", "/v1/analytics?indicator=" .. ind .. "&period=" .. year ..
                     "&unit=" .. p .. "&level=1", bench.h)
end
