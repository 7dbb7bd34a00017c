-- wrk script for the closed-loop comparison: counts responses whose copied data is flagged
-- stale (a degraded answer, not an HTTP error) and prints one JSON line with the percentiles.
-- WRK_PORTS="p1,p2,...": the threads take turns among these ports of the URL's host, i.e. several
-- instances of one service, as a Kubernetes Service spreads connections over its pods.
local threads = {}
local ports = {}
for p in string.gmatch(os.getenv("WRK_PORTS") or "", "%d+") do
  table.insert(ports, p)
end

function setup(thread)
  table.insert(threads, thread)
  if #ports > 0 then
    local port = ports[((#threads - 1) % #ports) + 1]
    for _, addr in ipairs(wrk.lookup(wrk.host, port)) do
      if wrk.connect(addr) then
        thread.addr = addr
        break
      end
    end
  end
end

function init(args)
  stale = 0
end

function response(status, headers, body)
  if body and string.find(body, '"stale":true', 1, true) then
    stale = stale + 1
  end
end

function done(summary, latency, requests)
  local staleTotal = 0
  for _, t in ipairs(threads) do
    staleTotal = staleTotal + (t:get("stale") or 0)
  end
  local e = summary.errors
  local out = string.format(
    '{"requests":%d,"durationUs":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"stale":%d,"maxUs":%d,"meanUs":%.1f,"percentiles":[',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, staleTotal, latency.max, latency.mean)
  local ps = {0, 10, 25, 50, 75, 90, 95, 97, 99, 99.5, 99.9, 99.95, 99.99}
  for i, p in ipairs(ps) do
    if i > 1 then out = out .. "," end
    out = out .. string.format('[%s,%d]', tostring(p), latency:percentile(p))
  end
  io.write("WRKJSON " .. out .. "]}\n")
end
