-- PATCH /v1/measurements/{id}: a new value for a random BENCH-PATCH draft of this wrk thread's
-- share of the ids (no two threads touch one row). If-Match: * (the ETag is a hash of the whole
-- measurement, which a load generator cannot know without reading first); the server still reads
-- the row under lock, hashes it and writes a new version with its audit event.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local ids, h
function init(args)
   bench.init()
   ids = {}
   local all = bench.lines(os.getenv("BENCH_PATCH_IDS"))
   for i = 1 + thread_id, #all, thread_count do ids[#ids + 1] = all[i] end
   h = bench.headers({["Content-Type"] = "application/merge-patch+json", ["If-Match"] = "*"})
end
function request()
   return wrk.format("PATCH", "/v1/measurements/" .. bench.pick(ids), h,
                     '{"value":' .. math.random(0, 1000) .. '}')
end
