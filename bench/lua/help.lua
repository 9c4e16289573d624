-- GET /srv.asmx: the service help page.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

function request()
  return wrk.format("GET", "/srv.asmx")
end
