-- CommBox POST /users/{UserID} for a random generated user, a new phone number every
-- request.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer commbox-demo-token",
}

function request()
  local id = first_id + random_vendor_user() - 1
  return wrk.format("POST", "/users/" .. id, headers,
    '{"data":{"Phone1":"1917' .. next_value() .. '"}}')
end
