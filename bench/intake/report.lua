-- wrk script of bench/intake/run: POST /api/v1/reports with the valid
-- report of report.json (contract.md, "Public intake"), and the exact
-- figures as one BENCH line (bench/http/report.lua's done()). Every request
-- is the same report: each gets its own id, receipt and seal on the server.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "../http/report.lua")

local f = assert(io.open(here .. "report.json", "rb"))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = f:read("*a")
f:close()
