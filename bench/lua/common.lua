-- Shared by every workload script (loaded with dofile; bench/run.sh sets the variables).
--
-- Environment:
--   BENCH_TICKET  authentication ticket (admin) for srv.asmx calls
--   BENCH_USERS   number of generated users user0000001..userNNNNNNN to pick from at random
--   BENCH_HOT     pick only from this many of them, spread evenly over the store (unset:
--                 from all of them)
--   BENCH_VENDOR_USERS  how many of them have vendor ids (store::bulk_vendor_ids)
--   BENCH_FIRST_ID      UserID of user0000001
--   BENCH_EXPECT  text every response body must contain ("" = only check the status)
--   BENCH_PREFIX  path before /srv.asmx, e.g. /worlds/bench for a world ("" = default)
--   BENCH_USER    one user name to ask for, instead of a random generated user
--
-- A response counts as bad unless its status is 200 and its body contains BENCH_EXPECT
-- within its first or last KiB.
-- done() prints one tab-separated line that bench/run.sh parses (req/s counts groups of
-- requests_per_call pipelined requests when a script sets it):
--   BENCH_RESULT req/s p50_ms p99_ms requests bad socket_errors timeouts

ticket = os.getenv("BENCH_TICKET") or ""
users = tonumber(os.getenv("BENCH_USERS") or "1") or 1
hot = math.min(users, tonumber(os.getenv("BENCH_HOT") or "") or users)
stride = math.floor(users / hot)
vendor_users = math.min(users, tonumber(os.getenv("BENCH_VENDOR_USERS") or "1") or 1)
first_id = tonumber(os.getenv("BENCH_FIRST_ID") or "11") or 11
expect = os.getenv("BENCH_EXPECT") or ""
prefix = os.getenv("BENCH_PREFIX") or ""
only_user = os.getenv("BENCH_USER") or ""
counter = 0
bad = 0
first_bad = ""

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + (id or 0))
  counter = (id or 0) * 100000000
end

-- A random generated user's name (of the hot ones, with BENCH_HOT), or BENCH_USER.
function random_user()
  if only_user ~= "" then
    return only_user
  end
  return string.format("user%07d", math.random(1, hot) * stride)
end

-- A random generated user with vendor ids (see store::bulk_vendor_ids): its number.
function random_vendor_user()
  return math.random(1, vendor_users)
end

-- A value that differs on every request of every thread.
function next_value()
  counter = counter + 1
  return counter
end

function response(status, headers, body)
  -- Only the first and last KiB are searched, so a large body (the WSDL) costs wrk
  -- little more than the floor's unchecked one; every marker sits in one of them.
  if status ~= 200 or (expect ~= "" and not string.find(
      string.sub(body or "", 1, 1024) .. "\0" .. string.sub(body or "", -1024), expect, 1, true)) then
    bad = bad + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  local sample = ""
  for _, t in ipairs(threads) do
    total_bad = total_bad + (t:get("bad") or 0)
    local fb = t:get("first_bad") or ""
    if sample == "" and fb ~= "" then sample = fb end
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format("BENCH_RESULT\t%.1f\t%.3f\t%.3f\t%d\t%d\t%d\t%d\n",
    summary.requests / seconds / (requests_per_call or 1),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, total_bad + e.status, e.connect + e.read + e.write, e.timeout))
  if sample ~= "" then
    io.write("BENCH_FIRST_BAD\t" .. string.gsub(sample, "[\r\n\t]", " ") .. "\n")
  end
end

-- A SOAP 1.1 request for `method` whose body element holds `inner`.
function soap_request(method, inner)
  local body = '<?xml version="1.0" encoding="utf-8"?>'
    .. '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"'
    .. ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>'
    .. '<' .. method .. ' xmlns="http://tempuri.org/">' .. inner .. '</' .. method .. '>'
    .. '</soap:Body></soap:Envelope>'
  local headers = {
    ["Content-Type"] = "text/xml; charset=utf-8",
    ["SOAPAction"] = '"http://tempuri.org/' .. method .. '"',
  }
  return wrk.format("POST", prefix .. "/srv.asmx", headers, body)
end
