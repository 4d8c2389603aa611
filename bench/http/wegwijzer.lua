-- wrk script: the wegwijzer answer, a form POST to /wegwijzer (the path is
-- taken from the URL given to wrk). The body is the one a bystander sends
-- for labour exploitation without immediate danger.
wrk.method = "POST"
wrk.body = "role=bystander&danger=no&form=labour&anonymous=no"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

-- The done() hook that prints the figures, from the file beside this one.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")
