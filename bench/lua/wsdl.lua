-- GET /srv.asmx?WSDL
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

function request()
  return wrk.format("GET", "/srv.asmx?WSDL")
end
