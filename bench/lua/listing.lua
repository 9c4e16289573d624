-- A listing method over the form POST binding. BENCH_METHOD names it (GetAllUsers,
-- GetAllUsers1, GetAllUsers2, GetAllUsersWithoutDetails); BENCH_START and BENCH_ROWS
-- choose the page of the paged ones (first name, then last name order).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local method = os.getenv("BENCH_METHOD") or "GetAllUsers2"
local start = os.getenv("BENCH_START") or "0"
local rows = os.getenv("BENCH_ROWS") or "25"
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
local body
if method == "GetAllUsers" then
  body = "AuthenticationTicket=" .. ticket
else
  local status, extra, count = "UserStatusFilter", "&UserTypeFilter=-1", "NumberOfRow"
  if method == "GetAllUsers1" then
    status, extra, count = "StatusFilter", "", "NumbeOfRow"
  end
  body = "AuthenticationTicket=" .. ticket .. "&StartingRowNumber=" .. start
    .. "&" .. count .. "=" .. rows .. "&firstNameFilter=&lastNameFilter=&userNameFilter="
    .. "&emailFilter=&authenticationSourceFilter=&domainNameFilter=&" .. status .. "=-1"
    .. extra .. "&SortBy=0&SortAscending=true"
end

function request()
  return wrk.format("POST", "/srv.asmx/" .. method, headers, body)
end
