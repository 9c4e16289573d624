-- A legacy integration's iteration, over random generated users (password "bench"):
-- GetUser of itself, UpdateUserContactInfo of itself and LogOut with a session's
-- ticket, then AuthenticateUser of another user for a later iteration. The four go
-- pipelined on one connection, which the server answers in order, so each ticket is used
-- and ended before another connection can take it; a login's ticket joins the queue the
-- next iterations take from. wrk cannot carry state per connection, hence the queue,
-- primed with BENCH_SESSIONS ("user:ticket,user:ticket,...", logins made by run.sh,
-- more than there are connections). One "request" of done() is one iteration.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

requests_per_call = 4
local queue = {}
local head, tail = 1, 0

local function push(user, t)
  tail = tail + 1
  queue[tail] = { user, t }
end

for pair in string.gmatch(os.getenv("BENCH_SESSIONS") or "", "[^,]+") do
  local user, t = string.match(pair, "^([^:]+):(.+)$")
  push(user, t)
end

local function call(method, inner)
  return soap_request(method, inner)
end

function request()
  local session = queue[head]
  queue[head] = nil
  head = head + 1
  local user, t = session[1], session[2]
  local login = string.format("user%07d", math.random(1, hot) * stride)
  return call("GetUser", "<authenticationTicket>" .. t .. "</authenticationTicket><UserName>"
      .. user .. "</UserName>")
    .. call("UpdateUserContactInfo", "<authenticationTicket>" .. t
      .. "</authenticationTicket><userName>" .. user .. "</userName>"
      .. '<emailAddress xsi:nil="true"/><mobileNumber>555-' .. next_value() .. "</mobileNumber>")
    .. call("LogOut", "<AuthenticationTicket>" .. t .. "</AuthenticationTicket>")
    .. call("AuthenticateUser", "<UID>" .. login .. "</UID><PWD>bench</PWD>")
end

local check = response
function response(status, headers, body)
  check(status, headers, body)
  local t = string.match(body or "", 'ticket="([^"]+)"')
  if t then
    push(string.match(body, 'username="([^"]+)"'), t)
  end
end
