-- ASP.NET Web API PUT /api/v2/Users/{id}/UserContactItem for a random generated user
-- with vendor ids: its mobile phone item (linked to the user's mobile number), a new
-- value every request.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer webapi-demo-token",
}

function request()
  local id = string.format("00000000-0000-4000-8000-%012x", random_vendor_user())
  local body = '{"UserId":"' .. id .. '","ContactSubType":"9e6f2d7a-1c1b-4f3e-8a01-000000000011",'
    .. '"Value":"555-' .. next_value() .. '","IsDefault":true}'
  return wrk.format("PUT", "/api/v2/Users/" .. id .. "/UserContactItem", headers, body)
end
