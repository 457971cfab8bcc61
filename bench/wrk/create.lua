-- POST /flow with a name no other request of the run uses: each wrk thread gets
-- its own number in setup(), each request the next count.
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local count = 0

request = function()
  count = count + 1
  local body = string.format(
    '{"Name": "bench-%s-%d-%d", "Activation": 1, "Options": [], ' ..
    '"Handlers": [{"Name": "DaJet.Flow.Script.Runner", "Options": ' ..
    '[{"Name": "Script", "Type": "System.String", "Value": "code/say-hello.djs"}]}]}',
    os.getenv("BENCH_RUN") or "run", tid, count)
  return wrk.format("POST", "/flow", {["Content-Type"] = "application/json"}, body)
end
