#!/usr/bin/env python3
"""Helper of bench/http/run: the parts that are easier in Python than in bash.

  helper.py port                       a free TCP port on 127.0.0.1
  helper.py assets HTML                 the same-origin CSS and JS paths HTML references
  helper.py nginx-headers HEADERS       add_header lines mirroring a response's headers
  helper.py report RESULTS_DIR OUT.json print the table and write the JSON
  helper.py busy SECONDS                 percent of the CPUs busy meanwhile
  helper.py cpu PID                     CPU seconds of PID and its children
  helper.py load URL N [FORM]           N requests on one keep-alive connection,
                                        a form POST of FORM when given (profile)

Standard library only."""
import html.parser
import http.client
import json
import os
import re
import socket
import sys
import time
import urllib.parse

# Response headers that nginx sets itself or that describe the body; the
# rest of Signaal's headers (security headers, Cache-Control) are mirrored.
OWN_HEADERS = {"content-length", "content-type", "date", "server", "connection",
               "transfer-encoding", "keep-alive", "content-encoding", "vary",
               "last-modified", "etag", "accept-ranges", "set-cookie"}

TARGETS = {  # the goals of docs and brief, checked in report()
    "ratio_min": 0.8,     # Signaal / req/s divided by nginx / req/s
    "p99_max_ms": 5.0,    # at 50 connections, every Signaal target
    "rss_max_mb": 30.0,   # VmHWM after the load
    "home_max_kb": 60.0,  # / with its CSS and JS, gzip accepted
}


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    print(port)


class AssetParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        url = None
        if tag == "link" and "stylesheet" in (a.get("rel") or "").lower().split():
            url = a.get("href")
        elif tag == "script":
            url = a.get("src")
        if not url:
            return
        u = urllib.parse.urlsplit(url)
        if u.scheme or u.netloc or not u.path.startswith("/"):
            return  # another origin or a relative path: not part of this page's own assets
        if u.path not in self.found:
            self.found.append(u.path)


def assets(path):
    p = AssetParser()
    with open(path, encoding="utf-8", errors="replace") as f:
        p.feed(f.read())
    for a in p.found:
        print(a)


def nginx_headers(path):
    with open(path, encoding="latin-1") as f:
        lines = f.read().replace("\r", "").split("\n")
    # curl -D may hold several responses (none expected); keep the last.
    start = max((i for i, l in enumerate(lines) if l.startswith("HTTP/")), default=0)
    for line in lines[start + 1:]:
        if ":" not in line:
            continue
        name, value = line.split(":", 1)
        if name.strip().lower() in OWN_HEADERS:
            continue
        value = value.strip().replace("\\", "\\\\").replace('"', '\\"')
        print(f'add_header {name.strip()} "{value}" always;')


def cpu_seconds(pid):
    """User + system CPU seconds of pid (all its threads) and of its direct
    children (nginx's workers): what the server itself spent, whatever else
    ran on the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                pids += f.read().split()
    except OSError:
        pass
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    print(f"{total / tick:.2f}")


def busy(seconds):
    """Percent of all CPUs busy over the next few seconds (/proc/stat):
    measured just before the runs, with the servers idle, it shows whether
    something else is using the cores."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + (v[4] if len(v) > 4 else 0)  # idle + iowait
        return sum(v[:8]), idle  # guest time is already in user
    t0, i0 = sample()
    time.sleep(seconds)
    t1, i1 = sample()
    print(f"{100 * (1 - (i1 - i0) / max(t1 - t0, 1)):.0f}")


def read_bench(path):
    """The BENCH line of report.lua, plus wrk's own text for the record."""
    data = None
    text = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for line in text.splitlines():
            if line.startswith("BENCH "):
                data = json.loads(line[6:])
    return data, text


def read_kv(path):
    out = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if "\t" in line:
                    k, v = line.rstrip("\n").split("\t", 1)
                    out[k] = v
    return out


def kb_of(status, key):
    v = status.get(key, "")  # "VmHWM:\t   12345 kB"
    parts = v.split()
    return int(parts[0]) if parts and parts[0].isdigit() else None


def mark(ok):
    if ok is None:
        return "n/a"
    return "met" if ok else "NOT MET"


def report(results, out_path):
    meta = read_kv(os.path.join(results, "meta.tsv"))
    targets = []
    for name in meta.get("targets", "").split():
        data, _ = read_bench(os.path.join(results, f"wrk-{name}.txt"))
        targets.append({
            "name": name,
            "label": meta.get(f"label.{name}", name),
            "url": meta.get(f"url.{name}", ""),
            "status": meta.get(f"status.{name}", ""),
            "cpu_s": float(meta[f"cpu.{name}"]) if meta.get(f"cpu.{name}") else None,
            "wrk": data,
        })
    by = {t["name"]: t for t in targets}

    proc = {}
    ppath = os.path.join(results, "proc-status.txt")
    if os.path.exists(ppath):
        with open(ppath) as f:
            for line in f:
                if ":" in line:
                    k, v = line.split(":", 1)
                    proc[k] = v
    hwm_kb = kb_of(proc, "VmHWM")
    rss_kb = kb_of(proc, "VmRSS")

    sizes = []
    spath = os.path.join(results, "sizes.tsv")
    if os.path.exists(spath):
        with open(spath) as f:
            for line in f:
                p, code, n = line.rstrip("\n").split("\t")
                sizes.append({"path": p, "http_status": int(code), "bytes": int(n)})
    home_bytes = sum(s["bytes"] for s in sizes)
    sizes_ok = bool(sizes) and all(s["http_status"] == 200 for s in sizes)

    def rps(n):
        w = by.get(n, {}).get("wrk")
        return w["rps"] if w else None

    s_rps, n_rps = rps("signaal_home"), rps("nginx_home")
    ratio = s_rps / n_rps if s_rps and n_rps else None

    def cpu_us(t):
        w = t["wrk"]
        if not w or t.get("cpu_s") is None or not w["requests"]:
            return None
        return t["cpu_s"] * 1e6 / w["requests"]

    def cpu_per_req(t):
        v = cpu_us(t)
        return "n/a" if v is None else f"{v:.0f}"

    s_cpu = cpu_us(by["signaal_home"]) if "signaal_home" in by else None
    n_cpu = cpu_us(by["nginx_home"]) if "nginx_home" in by else None
    # nginx's CPU per request over Signaal's: > 1 means Signaal is cheaper.
    cpu_ratio = n_cpu / s_cpu if s_cpu and n_cpu else None

    checks = []
    checks.append({"goal": f"Signaal / req/s >= {TARGETS['ratio_min']} x nginx",
                   "value": None if ratio is None else round(ratio, 3),
                   "met": None if ratio is None else ratio >= TARGETS["ratio_min"]})
    for t in targets:
        if not t["name"].startswith("signaal"):
            continue
        w = t["wrk"]
        p99 = w["p99_us"] / 1000 if w else None
        checks.append({"goal": f"p99 < {TARGETS['p99_max_ms']:g} ms, {t['label']}",
                       "value": None if p99 is None else round(p99, 3),
                       "met": None if p99 is None else p99 < TARGETS["p99_max_ms"]})
    hwm_mb = hwm_kb / 1024 if hwm_kb is not None else None
    checks.append({"goal": f"RSS (VmHWM) < {TARGETS['rss_max_mb']:g} MB",
                   "value": None if hwm_mb is None else round(hwm_mb, 2),
                   "met": None if hwm_mb is None else hwm_mb < TARGETS["rss_max_mb"]})
    home_kb = home_bytes / 1024
    checks.append({"goal": f"home + CSS + JS, gzip < {TARGETS['home_max_kb']:g} KB",
                   "value": round(home_kb, 2) if sizes_ok else None,
                   "met": (home_kb < TARGETS["home_max_kb"]) if sizes_ok else None})
    # A run whose requests failed measures error pages, not the targets.
    for t in targets:
        w = t["wrk"]
        errs = sum(w["errors"].values()) if w else None
        checks.append({"goal": f"errors = 0, {t['label']} (first: HTTP {t['status']})",
                       "value": errs,
                       "met": None if errs is None else (errs == 0 and t["status"].startswith("2"))})

    # --- the table -------------------------------------------------------
    print()
    print(f"Signaal HTTP benchmark  {meta.get('date', '')}")
    print(f"machine: {meta.get('cpus', '?')} CPUs ({meta.get('cpu_model', '?')}), shared by "
          f"server and load generator; wrk -t{meta.get('threads')} -c{meta.get('connections')} "
          f"-d{meta.get('duration')}s --latency after a {meta.get('warmup')} s warm-up; "
          f"Signaal threads: {meta.get('server_threads', 'default')}")
    print(f"CPUs busy in the {meta.get('busy_window', '?')} s before the runs (servers idle): "
          f"{meta.get('busy_before', '?')}%  (more than a few %: something else is running, "
          f"and the rates and percentiles are not comparable with a quiet run)")
    print()
    print(f"{'target':<34} {'req/s':>10} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8} {'KB/s':>9} {'errors':>7} {'CPU µs/req':>11}")
    for t in targets:
        w = t["wrk"]
        if not w:
            print(f"{t['label']:<34} {'(no result)':>10}")
            continue
        kbs = w["bytes"] / (w["duration_us"] / 1e6) / 1024
        print(f"{t['label']:<34} {w['rps']:>10.0f} {w['p50_us'] / 1000:>8.2f} "
              f"{w['p90_us'] / 1000:>8.2f} {w['p99_us'] / 1000:>8.2f} {w['max_us'] / 1000:>8.2f} "
              f"{kbs:>9.0f} {sum(w['errors'].values()):>7} {cpu_per_req(t):>11}")
    print()
    print(f"Signaal / ÷ nginx /:  {'n/a' if ratio is None else f'{ratio:.2f}'} by req/s"
          f"{'' if cpu_ratio is None else f'; {cpu_ratio:.2f} by server CPU time per request'}")
    print(f"Signaal RSS after the load:  VmHWM {hwm_kb if hwm_kb is not None else '?'} kB"
          f" ({'?' if hwm_mb is None else f'{hwm_mb:.1f}'} MB), VmRSS "
          f"{rss_kb if rss_kb is not None else '?'} kB")
    print("home page transfer with gzip accepted (body bytes):")
    for s in sizes:
        print(f"  {s['path']:<48} {s['bytes']:>8}  (HTTP {s['http_status']})")
    print(f"  {'total':<48} {home_bytes:>8}  = {home_kb:.1f} KB")
    print()
    print(f"{'goal':<62} {'value':>9}  result")
    for c in checks:
        v = "n/a" if c["value"] is None else c["value"]
        print(f"{c['goal']:<62} {v!s:>9}  {mark(c['met'])}")
    print()

    doc = {
        "date": meta.get("date"),
        "machine": {"cpus": int(meta.get("cpus", "0") or 0), "cpu_model": meta.get("cpu_model"),
                    "note": "server and load generator share these cores",
                    "busy_before_percent": int(meta["busy_before"])
                    if meta.get("busy_before", "").isdigit() else None},
        "settings": {"tool": meta.get("wrk_version"), "threads": int(meta["threads"]),
                     "connections": int(meta["connections"]),
                     "duration_s": float(meta["duration"]), "warmup_s": float(meta["warmup"]),
                     "server_threads": meta.get("server_threads", "default"),
                     "nginx_workers": int(meta.get("nginx_workers", "2"))},
        "targets": [{"name": t["name"], "label": t["label"], "url": t["url"],
                     "http_status": t["status"], **({
                         "requests": t["wrk"]["requests"], "rps": t["wrk"]["rps"],
                         "p50_ms": t["wrk"]["p50_us"] / 1000, "p90_ms": t["wrk"]["p90_us"] / 1000,
                         "p99_ms": t["wrk"]["p99_us"] / 1000, "max_ms": t["wrk"]["max_us"] / 1000,
                         "mean_ms": t["wrk"]["mean_us"] / 1000,
                         "bytes": t["wrk"]["bytes"], "errors": t["wrk"]["errors"],
                         "server_cpu_s": t["cpu_s"], "server_cpu_us_per_request": cpu_us(t)}
                         if t["wrk"] else {"error": "no result"})}
                    for t in targets],
        "ratio_home_vs_nginx": ratio,
        "ratio_home_vs_nginx_by_cpu": cpu_ratio,
        "rss": {"vmhwm_kb": hwm_kb, "vmrss_kb": rss_kb},
        "home_transfer": {"files": sizes, "total_bytes": home_bytes,
                          "total_kb": round(home_kb, 2)},
        "goals": checks,
    }
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"written: {out_path}")


def load(url, n, form=None):
    """Exactly n requests, one after another on one connection: a fixed
    amount of work, so callgrind's instruction counts compare run to run."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    codes = {}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if form is not None:
        # A form POST needs the CSRF cookie and token of the form's page
        # (one pair serves every request: it stays valid for CSRF_MAX_AGE_S).
        conn.request("GET", u.path)
        r = conn.getresponse()
        page = r.read().decode("utf-8", "replace")
        cookie = (r.getheader("Set-Cookie") or "").split(";")[0]
        m = re.search(r'name="csrf" value="([^"]*)"', page)
        if r.status != 200 or not cookie or not m:
            sys.exit(f"load: GET {u.path} gave no CSRF cookie and token (HTTP {r.status})")
        headers["Cookie"] = cookie
        form = "csrf=" + urllib.parse.quote(m.group(1), safe="") + "&" + form
    for _ in range(n):
        if form is None:
            conn.request("GET", u.path or "/")
        else:
            conn.request("POST", u.path, body=form.encode(), headers=headers)
        r = conn.getresponse()
        r.read()
        codes[r.status] = codes.get(r.status, 0) + 1
        if r.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    conn.close()
    print(" ".join(f"{n} x HTTP {c}" for c, n in sorted(codes.items())))


def main(argv):
    if len(argv) >= 2 and argv[1] == "port":
        free_port()
    elif len(argv) == 3 and argv[1] == "assets":
        assets(argv[2])
    elif len(argv) == 3 and argv[1] == "nginx-headers":
        nginx_headers(argv[2])
    elif len(argv) == 3 and argv[1] == "busy":
        busy(float(argv[2]))
    elif len(argv) == 3 and argv[1] == "cpu":
        cpu_seconds(argv[2])
    elif len(argv) in (4, 5) and argv[1] == "load":
        load(argv[2], int(argv[3]), argv[4] if len(argv) == 5 else None)
    elif len(argv) == 4 and argv[1] == "report":
        report(argv[2], argv[3])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
