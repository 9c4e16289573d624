-- SOAP 1.1 UpdateUserContactInfo of a random generated user: a new mobile number every
-- request, the e-mail kept (xsi:nil).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local headers = {
  ["Content-Type"] = "text/xml; charset=utf-8",
  ["SOAPAction"] = '"http://tempuri.org/UpdateUserContactInfo"',
}

function request()
  local body = '<?xml version="1.0" encoding="utf-8"?>'
    .. '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"'
    .. ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>'
    .. '<UpdateUserContactInfo xmlns="http://tempuri.org/"><authenticationTicket>' .. ticket
    .. '</authenticationTicket><userName>' .. random_user() .. '</userName>'
    .. '<emailAddress xsi:nil="true"/><mobileNumber>555-' .. next_value() .. '</mobileNumber>'
    .. '</UpdateUserContactInfo></soap:Body></soap:Envelope>'
  return wrk.format("POST", "/srv.asmx", headers, body)
end
