-- wrk script: the wegwijzer answer, a form POST to /wegwijzer (the path is
-- taken from the URL given to wrk). The body is the one a bystander sends
-- for labour exploitation without immediate danger.
-- The CSRF cookie and token come from bench/http/run (one pair taken from
-- the form page; the token stays valid for CSRF_MAX_AGE_S).
wrk.method = "POST"
wrk.body = "csrf=" .. (os.getenv("SIGNAAL_CSRF_TOKEN") or "") ..
	"&role=bystander&danger=no&form=labour&anonymous=no"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("SIGNAAL_CSRF_COOKIE") or ""

-- The done() hook that prints the figures, from the file beside this one.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")
