-- SOAP 1.1 UpdateUserContactInfo of a random generated user: a new mobile number every
-- request, the e-mail kept (xsi:nil).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

function request()
  return soap_request("UpdateUserContactInfo", '<authenticationTicket>' .. ticket
    .. '</authenticationTicket><userName>' .. random_user() .. '</userName>'
    .. '<emailAddress xsi:nil="true"/><mobileNumber>555-' .. next_value() .. '</mobileNumber>')
end
