-- wrk script of bench/staff/run: GET requests of the staff API with
-- "Authorization: Bearer TOKEN", rotating over the paths of one file and the
-- tokens of another (one per line), and the exact figures as one BENCH line
-- (bench/http/report.lua's done()).
--   wrk ... -s staff.lua URL -- TOKENS_FILE PATHS_FILE
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "../http/report.lua")

local paths, tokens, i = {}, {}, 0

local function lines(name)
	local t = {}
	for l in io.lines(name) do
		if l ~= "" then t[#t + 1] = l end
	end
	assert(#t > 0, name .. " is empty")
	return t
end

function init(args)
	tokens = lines(args[1])
	paths = lines(args[2])
	-- Each thread starts elsewhere in the rotation.
	i = math.random(#paths * #tokens)
end

function request()
	i = i + 1
	return wrk.format("GET", paths[i % #paths + 1], {
		["Authorization"] = "Bearer " .. tokens[i % #tokens + 1],
	})
end
