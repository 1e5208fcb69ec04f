-- One wrk scenario on the member-DELETE path, configured through the environment:
--   BENCH_PATH      path up to and including "/members/"
--   BENCH_MEMBER    member id to delete, or "fresh" for a seeded member per request
--                   (run.sh seeds m<thread>-<n>, n from 0, enough for the run)
--   BENCH_TOKEN     X-Auth-Token, or "fresh" for a token the cache has never seen
--   BENCH_HEADERS   extra headers, "Name: value|Name: value"
--   BENCH_EXPECT    the one expected status; anything else is counted as unexpected
--   BENCH_METHOD    the method (default DELETE); BENCH_BODY the body (default none)
-- done() prints one line: RESULT requests=.. seconds=.. rps=.. p50_ms=.. p99_ms=.. unexpected=.. errors=..
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  path = os.getenv("BENCH_PATH")
  member = os.getenv("BENCH_MEMBER") or "fresh"
  token = os.getenv("BENCH_TOKEN") or ""
  expect = tonumber(os.getenv("BENCH_EXPECT") or "204")
  method = os.getenv("BENCH_METHOD") or "DELETE"
  body = os.getenv("BENCH_BODY")
  if body == "" then body = nil end
  headers = {}
  for pair in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
    local name, value = string.match(pair, "^%s*([^:]+):%s*(.*)$")
    if name then headers[name] = value end
  end
  n = 0
  unexpected = 0
end

function request()
  local target = member
  if member == "fresh" then
    target = "m" .. tid .. "-" .. n
  end
  if token == "fresh" then
    headers["X-Auth-Token"] = "bench-member-strangers-" .. tid .. "-" .. n .. "-" .. math.random(1, 1000000000)
  elseif token ~= "" then
    headers["X-Auth-Token"] = token
  end
  n = n + 1
  return wrk.format(method, path .. target, headers, body)
end

function response(status, resp_headers, body)
  if status ~= expect then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("unexpected") or 0)
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local seconds = summary.duration / 1000000
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.0f p50_ms=%.3f p99_ms=%.3f unexpected=%d errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad, errors))
end
