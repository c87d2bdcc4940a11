-- wrk script of the local load runner (load-tests/run-local.sh): sends the requests listed in the
-- manifest file named by the environment variable WRK_MANIFEST, one per line:
--   <weight> <method> <path?query> <content-type> <body-file>
-- Each thread reads the body files once in init() (1 MiB objects and shard sets included) and
-- picks a request per call at random, in proportion to its weight (one line = one fixed request).
-- done() prints one machine-readable line, "WRK_JSON {...}", with exact latency percentiles in
-- microseconds, parsed by load-tests/runner/wrkparse.py next to wrk's own text summary.

local prepared, cumulative, total = {}, {}, 0

function init(args)
  local manifest = assert(os.getenv("WRK_MANIFEST"), "set WRK_MANIFEST to a request manifest file")
  for line in io.lines(manifest) do
    local weight, method, path, ctype, file = line:match("^(%d+)%s+(%S+)%s+(%S+)%s+(%S+)%s+(%S+)%s*$")
    if weight then
      local f = assert(io.open(file, "rb"))
      local body = f:read("*a")
      f:close()
      total = total + tonumber(weight)
      table.insert(prepared, wrk.format(method, path, { ["Content-Type"] = ctype }, body))
      table.insert(cumulative, total)
    end
  end
  assert(#prepared > 0, "no request in " .. manifest)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

function request()
  if #prepared == 1 then return prepared[1] end
  local pick = math.random(total)
  for i = 1, #cumulative do
    if pick <= cumulative[i] then return prepared[i] end
  end
  return prepared[#prepared]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,'
      .. '"p50":%d,"p75":%d,"p90":%d,"p95":%d,"p99":%d,"p99.9":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency:percentile(99.9)))
end
