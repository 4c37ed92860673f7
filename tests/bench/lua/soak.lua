-- The mixed soak: 40 % single tasks, 25 % communes, 15 % list pages, 10 % province roll-ups,
-- 10 % measurement drafts changed (as patch_measurement.lua).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local ids, h, hp, provs
function init(args)
   bench.init()
   ids = {}
   local all = bench.lines(os.getenv("BENCH_PATCH_IDS"))
   for i = 1 + thread_id, #all, thread_count do ids[#ids + 1] = all[i] end
   h = bench.headers()
   hp = bench.headers({["Content-Type"] = "application/merge-patch+json", ["If-Match"] = "*"},
                      bench.write_token)
   provs = tonumber(os.getenv("BENCH_PROVINCES"))
end
function request()
   local r = math.random(100)
   if r <= 40 then
      return wrk.format("GET", "/v1/tasks/" .. (1000 * math.random(1, provs) + math.random(1, 65)), h)
   elseif r <= 65 then
      return wrk.format("GET", "/v1/admin-units/" ..
                        (40000 + math.random(0, tonumber(os.getenv("BENCH_COMMUNES")) - 1)), h)
   elseif r <= 80 then
      return wrk.format("GET", "/v1/tasks?agency=SLDTBXH-P" .. (9 + math.random(1, provs)) .. "&limit=50", h)
   elseif r <= 90 then
      return wrk.format("GET", "/v1/analytics?indicator=" .. string.format("BENCH-M%02d", math.random(1, 6)) ..
                        "&period=" .. (2015 + math.random(1, tonumber(os.getenv("BENCH_YEARS")))) ..
                        "&unit=" .. (9 + math.random(1, provs)) .. "&level=1", h)
   else
      return wrk.format("PATCH", "/v1/measurements/" .. bench.pick(ids), hp,
                        '{"value":' .. math.random(0, 1000) .. '}')
   end
end
