-- Conscent PATCH /client/update-user for a random generated user with vendor ids, a new
-- phone number every request.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Basic Y2tfZGVtbzpjc19kZW1v",  -- ck_demo:cs_demo
}

function request()
  local id = string.format("bb%022x", random_vendor_user())
  return wrk.format("PATCH", "/client/update-user?userId=" .. id,
    headers, '{"phone":"98' .. next_value() .. '"}')
end
