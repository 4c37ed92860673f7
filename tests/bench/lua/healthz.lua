-- GET /healthz: the HTTP layer's own limit (no token, no database).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
wrk.path = "/healthz"
