-- SOAP 1.1 GetUser of a random generated user.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local headers = {
  ["Content-Type"] = "text/xml; charset=utf-8",
  ["SOAPAction"] = '"http://tempuri.org/GetUser"',
}

function request()
  local body = '<?xml version="1.0" encoding="utf-8"?>'
    .. '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    .. '<GetUser xmlns="http://tempuri.org/"><authenticationTicket>' .. ticket
    .. '</authenticationTicket><UserName>' .. random_user() .. '</UserName></GetUser>'
    .. '</soap:Body></soap:Envelope>'
  return wrk.format("POST", "/srv.asmx", headers, body)
end
