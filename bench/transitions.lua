-- wrk script for bench/stores.py: case transitions, one connection per wrk
-- thread (run with -t N -c N), each thread working on its own cases.
--
-- Environment: BENCH_TOKEN (a bearer token allowed case.transition and
-- case.approve), BENCH_CASES (case ids, comma-separated, all AVRR cases in
-- state "registered" at version 1), BENCH_PER_THREAD (how many of them each
-- thread takes, in turn).
--
-- Every request moves the next case of the thread's share between
-- "withdrawn" and "counselling" (registered -> withdrawn -> counselling ->
-- withdrawn -> ...; both need a reason, reopening needs case.approve), with
-- the version the previous response for that case gave. Rotating over many
-- cases keeps each case's history (returned with every response) short.

local ids = {}
for id in string.gmatch(os.getenv("BENCH_CASES") or "", "%d+") do
	ids[#ids + 1] = id
end
local per_thread = tonumber(os.getenv("BENCH_PER_THREAD") or "1")
local token = os.getenv("BENCH_TOKEN") or ""
local threads = {}
local next_thread = 0

function setup(thread)
	local first = next_thread * per_thread
	local mine = {}
	for i = 1, per_thread do
		mine[#mine + 1] = ids[first + i]
	end
	thread:set("mine", table.concat(mine, ","))
	next_thread = next_thread + 1
	threads[#threads + 1] = thread
end

function init(args)
	cases = {}
	for id in string.gmatch(mine, "%d+") do
		cases[#cases + 1] = {id = id, version = 1, status = "registered"}
	end
	turn = 0
	ok = 0
	failed = 0
	current = nil
end

function request()
	turn = turn % #cases + 1
	current = cases[turn]
	local to = current.status == "withdrawn" and "counselling" or "withdrawn"
	local body = string.format('{"to":"%s","reason":"benchmark","version":%d}', to,
		current.version)
	return wrk.format("POST", "/api/v1/cases/" .. current.id .. "/transitions",
		{["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"},
		body)
end

function response(status, headers, body)
	if status == 200 then
		current.version = tonumber(string.match(body, '"version":(%d+)'))
		current.status = string.match(body, '"status":"([%w_]+)"')
		ok = ok + 1
	else
		failed = failed + 1
		local v = string.match(body, '"current_version":(%d+)')
		if v then
			current.version = tonumber(v)
		end
	end
end

function done(summary, latency, requests)
	local n, f = 0, 0
	for _, t in ipairs(threads) do
		n = n + t:get("ok")
		f = f + t:get("failed")
	end
	io.write(string.format("transitions_ok %d\ntransitions_failed %d\n", n, f))
end
