-- wrk hook shared by every target of bench/http/run: at the end of a run,
-- prints one line "BENCH {json}" with the exact figures (latencies in
-- microseconds), so the runner does not parse wrk's rounded text.
-- Loaded by `wrk -s report.lua`, or through dofile() by a target's own script.

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,' ..
		'"rps":%.2f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,' ..
		'"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
		summary.requests, summary.duration, summary.bytes,
		summary.requests / (summary.duration / 1e6),
		latency:percentile(50), latency:percentile(90), latency:percentile(99),
		latency.max, latency.mean,
		e.connect, e.read, e.write, e.status, e.timeout))
end
