-- HTTP GET AuthenticateUser of one user (BENCH_USER, password BENCH_PASSWORD).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local password = os.getenv("BENCH_PASSWORD") or "bench"

function request()
  return wrk.format("GET", prefix .. "/srv.asmx/AuthenticateUser?UID=" .. random_user()
    .. "&PWD=" .. password)
end
