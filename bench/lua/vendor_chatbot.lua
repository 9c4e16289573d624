-- Chatbot middleware updateUserContactDetails for a random generated user with vendor
-- ids (found by its chat link), a new phone number every request.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Basic QUNkZW1vOmRlbW8tdG9rZW4=",  -- ACdemo:demo-token
}

function request()
  local n = random_vendor_user()
  local body = '{"response":{},"conversationRequest":{"userInfo":{"uid":"bench-' .. n .. '",'
    .. '"last_name":"","first_name":"","username":""},"channel":"TELEGRAM"},'
    .. '"languageCode":"en-US","queryInfo":{"interestType":"update-address","parameters":'
    .. '{"params":{"accountInfo":{"userContact":{"phoneNumber":"555-' .. next_value()
    .. '","emailId":"' .. string.format("user%07d", n) .. '@example.com"}}}}}}'
  return wrk.format("POST", "/api/rest/v1/ecom/integrations/updateUserContactDetails",
    headers, body)
end
