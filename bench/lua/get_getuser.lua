-- HTTP GET binding: GetUser of a random generated user.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

function request()
  return wrk.format("GET", "/srv.asmx/GetUser?authenticationTicket=" .. ticket
    .. "&UserName=" .. random_user())
end
