-- GET /srv.asmx?WSDL
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

-- No body check under load: handing every 138 KB answer to Lua made wrk the bottleneck,
-- and a bimodal one (about 4,000 or 10,000-18,000 answers a second from one run to the
-- next, for the floor and the server alike; without the hook, always the fast mode).
-- wrk still counts every answer that is not 2xx/3xx (done() reports them as bad), and
-- bench/run.sh checks one whole answer of the server before the load.
response = nil

function request()
  return wrk.format("GET", "/srv.asmx?WSDL")
end
