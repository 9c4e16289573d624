-- SOAP 1.1 GetUser of a random generated user.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

function request()
  return soap_request("GetUser", '<authenticationTicket>' .. ticket
    .. '</authenticationTicket><UserName>' .. random_user() .. '</UserName>')
end
