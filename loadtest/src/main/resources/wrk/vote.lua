-- wrk script for `make bench`: every request is a vote by the next voter of a pre-minted token file.
--   wrk ... -s vote.lua URL -- <pollId> <tokenFile> <tokenCount> <threads> <candidateIds,csv> [repeatPercent]
-- Each thread reads its own contiguous share of the file (every line has the same length), so a
-- token is used once per run unless a thread runs out and starts its share again (repeats: 409).
-- `repeatPercent` re-sends that share of requests with a token this thread already used (409).
-- At the end it prints one line, `WRK-JSON {...}`, with the answers by status code and the requests
-- sent: those sent but never answered were cut off when wrk stopped (their outcome is unknown).

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  poll = args[1]
  local file = args[2]
  local count = tonumber(args[3])
  local nthreads = tonumber(args[4])
  candidates = {}
  for id in string.gmatch(args[5], "[^,]+") do
    table.insert(candidates, id)
  end
  repeatPercent = tonumber(args[6] or "0")
  tokens = assert(io.open(file, "rb"))
  local first = tokens:read("*l")
  width = #first + 1
  share = math.floor(count / nthreads)
  from = index * share
  used = 0
  tokens:seek("set", from * width)
  path = "/api/v1/polls/" .. poll .. "/votes"
  codes = {}
  sent = 0
  wraps = 0
  math.randomseed(os.time() + index)
end

local function next_token()
  if used >= share then
    used = 0
    wraps = wraps + 1
    tokens:seek("set", from * width)
  end
  used = used + 1
  local token = tokens:read(width - 1)
  tokens:read(1)
  return token
end

local function old_token()
  local pick = math.random(0, used - 1)
  local here = tokens:seek()
  tokens:seek("set", (from + pick) * width)
  local token = tokens:read(width - 1)
  tokens:seek("set", here)
  return token
end

function request()
  sent = sent + 1
  local token
  if repeatPercent > 0 and used > 0 and math.random(100) <= repeatPercent then
    token = old_token()
  else
    token = next_token()
  end
  local body = '{"candidateId":' .. candidates[(used % #candidates) + 1] .. '}'
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  local wrapped = 0
  local sent = 0
  for _, thread in ipairs(threads) do
    sent = sent + thread:get("sent")
    for status, n in pairs(thread:get("codes")) do
      all[status] = (all[status] or 0) + n
    end
    wrapped = wrapped + thread:get("wraps")
  end
  local parts = {}
  for status, n in pairs(all) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"durationMicros":%d,"requests":%d,"codes":{%s},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d},' ..
    '"latencyMicros":{"p50":%d,"p90":%d,"p99":%d,"max":%d},"tokenWraps":%d,"sent":%d}\n',
    summary.duration, summary.requests, table.concat(parts, ","),
    e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, wrapped, sent))
end
