-- SOAP 1.1 AuthenticateUser of one user (BENCH_USER, password BENCH_PASSWORD) on
-- every request: a load test whose virtual users log in on each iteration.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local password = os.getenv("BENCH_PASSWORD") or "bench"

function request()
  return soap_request("AuthenticateUser", "<UID>" .. random_user() .. "</UID><PWD>"
    .. password .. "</PWD>")
end
