-- PUT /flow/execute/{uuid} over the uuids listed, one per line, in $BENCH_UUIDS.
local uuids = {}
for line in io.lines(os.getenv("BENCH_UUIDS")) do
  uuids[#uuids + 1] = line
end

local count = 0

request = function()
  count = count + 1
  return wrk.format("PUT", "/flow/execute/" .. uuids[count % #uuids + 1])
end
