-- Form POST binding: UpdateUserContactInfo of a random generated user, a new mobile
-- number every request.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

function request()
  local user = random_user()
  local body = "authenticationTicket=" .. ticket .. "&userName=" .. user
    .. "&emailAddress=" .. user .. "%40example.com&mobileNumber=555-" .. next_value()
  return wrk.format("POST", "/srv.asmx/UpdateUserContactInfo", headers, body)
end
