#!/usr/bin/env python3
"""docs/nginx-signaal.conf, tested: nginx with that file in front of a real
Signaal, and the attacks its limits are there for (docs/OPERATIONS.md).

The example is used as written, with these changes only (each must match,
or the test fails and names it): loopback ports, a self-signed certificate,
paths in a temporary directory, Signaal's port, and 3 s instead of 10-15 s
for the header, body and keep-alive timeouts so that the test is short.

The attacker connects from 127.0.0.66, the victim from 127.0.0.77 (both
loopback). TAP output; "ok 1 # SKIP" when nginx or openssl is missing.
Bounded: every socket has a timeout, the whole test stops after 150 s, and
every process started here is stopped in the end.

Environment: SIGNAAL_BIN (the binary), SIGNAAL_SOURCE_DIR (the project),
SIGNAAL_NGINX_EXAMPLE (another configuration to test), KEEP_TMP=1.
Python standard library only."""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.environ.get("SIGNAAL_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SIGNAAL_BIN") or os.path.join(ROOT, "build", "signaal")
# Another file only to show that the test catches a weaker configuration.
EXAMPLE = os.environ.get("SIGNAAL_NGINX_EXAMPLE") or os.path.join(ROOT, "docs",
                                                                   "nginx-signaal.conf")
HOST = "meldpunt.example.nl"
ATTACKER = "127.0.0.66"
VICTIM = "127.0.0.77"
TEST_TIMEOUT_S = 3  # header, body and keep-alive timeouts of the test copy
# A timeout counts as kept when the connection is closed this much later at
# most: generous for a busy machine, and still far below what the attacker
# would go on for (and below the example's own 10-15 s).
SLACK_S = 6
REPORT = {"org": "velsen", "kind": "report", "reporter_role": "bystander",
          "anonymous": True, "acute_danger": False,
          "description": "Drie mensen slapen in een busje bij de loods.",
          "forms": ["labour"]}

n = 0
failures = 0


def ok(cond, name, *why):
    global n, failures
    n += 1
    if cond:
        print(f"ok {n} - {name}")
    else:
        failures += 1
        print(f"not ok {n} - {name}")
        for w in why:
            for line in str(w).splitlines()[:20]:
                print(f"#   {line}")
    sys.stdout.flush()
    return cond


def skip_all(why):
    print(f"ok 1 - nginx in front of Signaal # SKIP {why}")
    print("1..1")
    sys.exit(0)


class Fail(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- clients ---------------------------------------------------------------
tls = None  # ssl.SSLContext trusting the test certificate only
tls_port = 0


def connect(source, port=None, timeout=10.0, secure=True):
    """A connection from SOURCE to the proxy (TLS unless secure=False)."""
    s = socket.create_connection(("127.0.0.1", port or tls_port), timeout=timeout,
                                 source_address=(source, 0))
    if not secure:
        return s
    try:
        return tls.wrap_socket(s, server_hostname=HOST)
    except BaseException:
        s.close()
        raise


def request(source, method, path, body=None, headers=(), port=None, secure=True):
    """One request on a new connection: (status, {header: value}, body).
    HEADERS: (name, value) pairs, sent as given (repeats allowed)."""
    s = connect(source, port=port, secure=secure)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in headers]
        data = b""
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            lines.append(f"Content-Length: {len(data)}")
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
        r = http.client.HTTPResponse(s)
        r.begin()
        got = r.read()
        hdrs = {}
        for k, v in r.getheaders():
            hdrs.setdefault(k.lower(), []).append(v)
        return r.status, hdrs, got
    finally:
        s.close()


def json_report(source, extra_headers=()):
    return request(source, "POST", "/api/v1/reports", REPORT,
                   [("Content-Type", "application/json")] + list(extra_headers))


def is_nginx_page(hdrs):
    """nginx's own answers are HTML; Signaal's API answers are JSON."""
    return "application/json" not in ",".join(hdrs.get("content-type", []))


def wait_closed(s, give_up_at, tick=None):
    """Waits until the peer closes S; every second sends TICK (bytes) if
    given. Returns the time it closed, or None at GIVE_UP_AT."""
    while time.monotonic() < give_up_at:
        try:
            s.settimeout(1.0)
            if s.recv(4096) == b"":
                return time.monotonic()
        except (socket.timeout, TimeoutError):
            if tick:
                try:
                    s.sendall(tick)
                except OSError:
                    return time.monotonic()
        except (OSError, ssl.SSLError):
            return time.monotonic()
    return None


# --- the processes -----------------------------------------------------------
procs = []  # (name, Popen) in start order


def stop(proc, sig, limit):
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(limit)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def open_files(master, under):
    """Files under UNDER that nginx's processes hold open. nginx unlinks a
    temporary file at once, so only /proc shows it."""
    pids = [master]
    for d in os.listdir("/proc"):
        try:
            with open(f"/proc/{d}/stat") as f:
                if d.isdigit() and int(f.read().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(d))
        except (OSError, ValueError, IndexError):
            pass
    held = []
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith(under + "/"):
                held.append(target)
    return held


def adapt(text, ports, tmp, sport):
    """The test copy of the example: each change must match exactly."""
    changes = [
        ("user www-data;", "user www-data;" if os.getuid() == 0 else "", 1),
        ("pid /run/nginx.pid;", f"pid {tmp}/nginx.pid;", 1),
        ("/var/log/nginx/", f"{tmp}/log/", 2),
        ("/var/lib/nginx/", f"{tmp}/lib/", 5),
        ("listen 80;", f"listen 127.0.0.1:{ports[0]};", 1),
        ("listen 443 ssl;", f"listen 127.0.0.1:{ports[1]} ssl;", 1),
        ("listen [::]:80;", "", 1),
        ("listen [::]:443 ssl;", "", 1),
        (f"/etc/letsencrypt/live/{HOST}/fullchain.pem", f"{tmp}/cert.pem", 1),
        (f"/etc/letsencrypt/live/{HOST}/privkey.pem", f"{tmp}/key.pem", 1),
        ("server 127.0.0.1:8080;", f"server 127.0.0.1:{sport};", 1),
        ("client_header_timeout 10s;", f"client_header_timeout {TEST_TIMEOUT_S}s;", 1),
        ("client_body_timeout 10s;", f"client_body_timeout {TEST_TIMEOUT_S}s;", 1),
        ("keepalive_timeout 15s;", f"keepalive_timeout {TEST_TIMEOUT_S}s;", 1),
        ("worker_processes auto;", "worker_processes 1;", 1),
    ]
    for old, new, count in changes:
        found = text.count(old)
        if found != count:
            raise Fail(f"docs/nginx-signaal.conf holds {found} times {old!r}, the test "
                       f"expects {count}: update the test's changes with the example")
        text = text.replace(old, new)
    return text


def setting(text, pattern):
    m = re.search(pattern, text)
    if not m:
        raise Fail(f"docs/nginx-signaal.conf has no {pattern!r}")
    return int(m.group(1))


def main(tmp):
    global tls, tls_port
    example = open(EXAMPLE, encoding="utf-8").read()
    conn_limit = setting(example, r"\n\s*limit_conn signaal_conn (\d+);")
    follow_burst = setting(example, r"limit_req zone=signaal_follow burst=(\d+) nodelay;")

    # Signaal: its own data directory, the proxy trusted, 2 reports a minute
    # per source so that a shared budget shows at once.
    data = os.path.join(tmp, "data")
    ini = os.path.join(tmp, "signaal.ini")
    with open(ini, "w") as f:
        f.write(f"""[server]
trusted_proxy = 127.0.0.1
secure_cookies = auto
[paths]
content = {ROOT}/content
templates = {ROOT}/templates
static = {ROOT}/static
locale = {os.path.dirname(os.path.abspath(BIN))}/locale
[intake]
max_reports_per_minute = 2
[log]
level = info
access = on
""")
    r = subprocess.run([BIN, "--config", ini, "init", "--data", data, "--org", "velsen"],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise Fail("signaal init failed: " + r.stderr)
    slog = open(os.path.join(tmp, "signaal.log"), "w")
    sp = subprocess.Popen([BIN, "--config", ini, "serve", "--data", data, "--listen",
                           "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=slog, text=True)
    procs.append(("signaal", sp))
    line = sp.stdout.readline()  # bounded by the alarm in __main__
    m = re.match(r"listening on http://127\.0\.0\.1:(\d+)$", line.strip())
    if not m:
        raise Fail(f"signaal serve did not start: {line!r}")
    sport = int(m.group(1))

    # A self-signed certificate for the host name of the example.
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj",
                        f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
                        "-keyout", f"{tmp}/key.pem", "-out", f"{tmp}/cert.pem"],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise Fail("openssl could not make a certificate: " + r.stderr)
    tls = ssl.create_default_context(cafile=f"{tmp}/cert.pem")

    # nginx, as root too: its workers (www-data) must reach the temp dirs.
    for d in ("log", "lib"):
        os.makedirs(os.path.join(tmp, d))
    os.chmod(tmp, 0o711)
    os.chmod(os.path.join(tmp, "lib"), 0o711)
    conf = os.path.join(tmp, "nginx.conf")
    nlog = open(os.path.join(tmp, "nginx.out"), "w")
    for attempt in range(5):  # a free port may be taken meanwhile
        ports = (free_port(), free_port())
        with open(conf, "w") as f:
            f.write(adapt(example, ports, tmp, sport))
        if attempt == 0:
            r = subprocess.run(["nginx", "-t", "-p", tmp, "-c", conf], capture_output=True,
                               text=True, timeout=30)
            if not ok(r.returncode == 0, "nginx -t accepts the example", r.stderr):
                raise Fail("nginx refuses the example")
        np = subprocess.Popen(["nginx", "-p", tmp, "-c", conf, "-g", "daemon off;"],
                              stdout=nlog, stderr=nlog)
        tls_port = ports[1]
        up = False
        for _ in range(100):
            try:
                connect(VICTIM, timeout=1).close()
                up = True
                break
            except OSError:
                if np.poll() is not None:
                    break
                time.sleep(0.1)
        if up:
            procs.append(("nginx", np))
            break
        stop(np, signal.SIGTERM, 5)
    else:
        raise Fail("nginx did not start: " + open(os.path.join(tmp, "nginx.out")).read())

    # --- what must come through -----------------------------------------
    st, h, body = request(VICTIM, "GET", "/")
    ok(st == 200 and "content-security-policy" in h and b"<html" in body,
       "GET / comes through the proxy, with Signaal's headers", f"status {st}")
    st, h, _ = request(VICTIM, "GET", "/melden?x=1", port=ports[0], secure=False)
    ok(st == 301 and h.get("location") == [f"https://{HOST}/melden?x=1"],
       "plain HTTP answers only a redirect to https", f"status {st}, {h.get('location')}")
    st, h, _ = request(VICTIM, "GET", "/melden")
    cookies = h.get("set-cookie", [])
    ok(st == 200 and cookies and all("; Secure" in c for c in cookies),
       "X-Forwarded-Proto arrives: the form's cookie is Secure", f"status {st}, {cookies}")

    st, h, body = json_report(VICTIM)
    receipt = None
    try:
        receipt = json.loads(body).get("receipt")
    except ValueError:
        pass
    ok(st == 201 and receipt, "a report through the API is stored (201, a receipt)",
       f"status {st}: {body[:300]!r}")

    # --- the client's X-Forwarded-For is not believed ---------------------
    # 2 reports a minute per source: if Signaal believed the attacker's
    # header, each invented address would have its own budget.
    got = []
    for spoof in ([("X-Forwarded-For", "10.9.0.1")],
                  [("X-Forwarded-For", "10.9.0.2"), ("X-Forwarded-For", "10.9.0.3")],
                  [("X-Forwarded-For", "10.9.0.4, 10.9.0.5")]):
        got.append(json_report(ATTACKER, spoof)[0])
    ok(got == [201, 201, 429],
       "a client's own X-Forwarded-For does not buy it another intake budget",
       f"statuses {got} (want 201, 201, 429)")
    st, _, body = json_report(VICTIM)
    ok(st == 201, "another address keeps its own budget behind the proxy",
       f"status {st}: {body[:200]!r}")

    # --- receipt guessing: limit_req per address ----------------------------
    statuses = []
    for i in range(follow_burst + 3):
        st, h, _ = request(ATTACKER, "POST", "/api/v1/follow",
                           {"receipt": "ZZZZ-ZZZZ-ZZZZ-%04d" % i},
                           [("Content-Type", "application/json")])
        statuses.append((st, is_nginx_page(h)))
    limited = [s for s in statuses if s == (429, True)]
    ok(len(limited) >= 2 and all(s[0] != 200 for s in statuses),
       f"wrong receipts from one address are cut off by nginx after {follow_burst}",
       f"statuses {statuses}")
    if receipt:
        st, _, body = request(VICTIM, "POST", "/api/v1/follow", {"receipt": receipt},
                              [("Content-Type", "application/json")])
        ok(st == 200, "meanwhile another address follows its report",
           f"status {st}: {body[:200]!r}")

    # --- limit_conn: one address holds requests; the next gets 503 ----------
    # Each held request has sent its headers and 100 KiB of a 150 KiB body,
    # a byte a second after that: a slow body, counted by limit_conn.
    held, errors = [], []
    head = (f"POST /api/v1/reports HTTP/1.1\r\nHost: {HOST}\r\n"
            "Content-Type: application/json\r\nContent-Length: 153600\r\n\r\n").encode()

    def hold():
        try:
            s = connect(ATTACKER)
            s.sendall(head + b" " * 102400)
            held.append(s)
        except OSError as e:
            errors.append(repr(e))

    threads = [threading.Thread(target=hold) for _ in range(conn_limit)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    time.sleep(0.5)
    for s in held:
        s.sendall(b" ")
    st_a, h_a, _ = request(ATTACKER, "GET", "/")
    st_v, _, _ = request(VICTIM, "GET", "/")
    ok(len(held) == conn_limit and st_a == 503 and is_nginx_page(h_a),
       f"{conn_limit} requests held from one address: its next request gets 503",
       f"held {len(held)}, {errors[:3]}, next request {st_a}")
    ok(st_v == 200, "meanwhile another address gets its page", f"status {st_v}")
    tmpfiles = open_files(np.pid, os.path.join(tmp, "lib"))
    ok(not tmpfiles, "the bodies being received stay in memory, not in a file",
       f"files: {tmpfiles[:5]}")
    # Then the slow bodies stop: nginx closes them client_body_timeout later.
    start = time.monotonic()
    closed = []

    def watch(s):
        closed.append(wait_closed(s, start + TEST_TIMEOUT_S + SLACK_S + 3))
        s.close()

    threads = [threading.Thread(target=watch, args=(s,)) for s in held]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TEST_TIMEOUT_S + 10)
    late = [c for c in closed if c is None or c - start > TEST_TIMEOUT_S + SLACK_S]
    ok(len(closed) == len(held) and not late,
       f"a stalled body is cut off after client_body_timeout ({TEST_TIMEOUT_S}s in the test)",
       f"{len(late)} of {len(held)} still open after {TEST_TIMEOUT_S + SLACK_S}s")

    # --- slow headers -------------------------------------------------------
    # 20 connections from one address send a header line a second, half of
    # them after a first request on the same connection. nginx's header
    # deadline counts from the connection's start (or the request's first
    # byte): they are all cut off, although each line came well within
    # the timeout.
    slow, cut = 20, []
    start = time.monotonic()

    def slow_client(kept_alive):
        try:
            s = connect(ATTACKER)
        except OSError:
            cut.append(None)
            return
        try:
            if kept_alive:
                s.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                r = http.client.HTTPResponse(s)
                r.begin()
                r.read()
            s.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\n".encode())
            cut.append(wait_closed(s, start + TEST_TIMEOUT_S + SLACK_S + 3,
                                   b"X-Slow: 1\r\n"))
        finally:
            s.close()

    threads = [threading.Thread(target=slow_client, args=(i % 2 == 1,)) for i in range(slow)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    st_v, _, _ = request(VICTIM, "GET", "/")
    for t in threads:
        t.join(TEST_TIMEOUT_S + 15)
    late = [c for c in cut if c is None or c - start > TEST_TIMEOUT_S + SLACK_S]
    ok(len(cut) == slow and not late,
       f"slow headers (a line a second, also on a kept-alive connection) are cut off "
       f"after client_header_timeout "
       f"({TEST_TIMEOUT_S}s in the test)",
       f"{len(late)} of {slow} not cut off within {TEST_TIMEOUT_S + SLACK_S}s")
    ok(st_v == 200, "meanwhile another address gets its page", f"status {st_v}")

    # --- idle keep-alive ---------------------------------------------------
    s = connect(ATTACKER)
    try:
        s.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        r = http.client.HTTPResponse(s)
        r.begin()
        r.read()
        start = time.monotonic()
        t = wait_closed(s, start + TEST_TIMEOUT_S + SLACK_S + 3)
    finally:
        s.close()
    ok(r.status == 200 and t is not None and t - start <= TEST_TIMEOUT_S + SLACK_S,
       f"an idle keep-alive connection is closed after keepalive_timeout "
       f"({TEST_TIMEOUT_S}s in the test)", f"status {r.status}, closed {t and t - start}")

    # --- framing that could be read two ways never reaches Signaal -----------
    s = connect(ATTACKER)
    try:
        s.sendall((f"POST /api/v1/reports HTTP/1.1\r\nHost: {HOST}\r\n"
                   "Content-Type: application/json\r\nContent-Length: 4\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n").encode())
        r = http.client.HTTPResponse(s)
        r.begin()
        st = r.status
    finally:
        s.close()
    ok(st == 400, "Content-Length with Transfer-Encoding is refused by nginx (400)",
       f"status {st}")

    # --- no address on disk -------------------------------------------------
    stop(sp, signal.SIGTERM, 15)
    ok(sp.returncode == 0, "Signaal stops on SIGTERM with exit 0 (clean under ASan too)",
       f"exit {sp.returncode}", *open(os.path.join(tmp, "signaal.log")).read().splitlines()[-15:])
    procs.remove(("nginx", np))
    stop(np, signal.SIGQUIT, 15)  # graceful: the access log is complete
    access = os.path.join(tmp, "log", "signaal-access.log")
    lines = open(access, encoding="utf-8", errors="replace").read().splitlines() \
        if os.path.exists(access) else []
    ok(len(lines) >= 20 and any(" 503 " in l for l in lines),
       "nginx's access log has a line per request", f"{len(lines)} lines")
    found = []
    needles = [ATTACKER.encode(), VICTIM.encode(), b"10.9.0."]
    for d in (os.path.join(tmp, "log"), os.path.join(tmp, "lib"), data,
              os.path.join(tmp, "nginx.out"), os.path.join(tmp, "signaal.log")):
        paths = [d] if os.path.isfile(d) else \
            [os.path.join(p, f) for p, _, fs in os.walk(d) for f in fs]
        for p in paths:
            with open(p, "rb") as f:
                blob = f.read()
            found += [f"{os.path.relpath(p, tmp)}: {x.decode()}" for x in needles if x in blob]
    ok(not found, "no client address in nginx's logs, Signaal's log or its data directory",
       *found[:10])


if __name__ == "__main__":
    for tool in ("nginx", "openssl"):
        if not shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin"):
            skip_all(f"{tool} is not installed (scripts/install-deps installs it)")
    os.environ["PATH"] = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"

    def too_long(*_):
        raise Fail("the test took longer than 150 s")

    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(150)
    tmp = tempfile.mkdtemp(prefix="signaal-proxy.")
    try:
        main(tmp)
    except Fail as e:
        ok(False, "the test ran to its end", e)
    except Exception as e:  # a client error names the step that broke
        ok(False, "the test ran to its end", repr(e))
    finally:
        signal.alarm(0)
        for name, p in reversed(procs):
            stop(p, signal.SIGTERM, 15)
        if os.environ.get("KEEP_TMP") == "1":
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{n}")
    sys.exit(1 if failures else 0)
