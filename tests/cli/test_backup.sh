#!/usr/bin/env bash
# The restore drill: `signaal backup FILE` while the server takes reports,
# then `signaal restore FILE [--force]` (contract.md, "The binary"). The
# real binary and server on temporary data directories; TAP output.
#
# init, reports in, backup while a writer keeps sending, wipe the store,
# restore, serve: every receipt acknowledged before the backup follows
# again and new reports are taken. Refused: a backup over an existing file,
# a restore over a store with reports without --force, a restore into an
# installation with another key, a file that is no backup.
#
# Under tests/pg/with-pg (SIGNAAL_TEST_PG_DIR) every installation gets a
# database of its own in that cluster and the same drill runs on it.
# Environment: SIGNAAL_BIN, SIGNAAL_SOURCE_DIR.
set -u
BIN=${SIGNAAL_BIN:?SIGNAAL_BIN must name the signaal binary}
cd "${SIGNAAL_SOURCE_DIR:-$(dirname "$0")/../..}" || exit 1
root=$PWD
build=$(dirname "$BIN")
tmp=$(mktemp -d)
server_pid=""
writer_pid=""
cleanup() {
	for p in $writer_pid $server_pid; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
n=0
failures=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1))
	failures=$((failures + 1))
	echo "not ok $n - $1"
	[ -s "$tmp/err" ] && sed 's/^/#   stderr: /' "$tmp/err" | head -10
	return 0
}
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
has() { grep -qF -- "$2" "$1"; }
pgbin=/usr/lib/postgresql/15/bin
pg() { "$pgbin/$1" -h "$SIGNAAL_TEST_PG_DIR" -p 5432 -U signaal "${@:2}"; }

# installation NAME: $tmp/NAME (data directory) with $tmp/NAME.ini; on
# PostgreSQL a database of its own, "drill_NAME".
installation() {
	local ini=$tmp/$1.ini
	cat >"$ini" <<INI
[paths]
content = $root/content
templates = $root/templates
static = $root/static
locale = $build/locale

[intake]
max_reports_per_minute = 0

[log]
access = off
level = warn
INI
	if [ -n "${SIGNAAL_TEST_PG_DIR:-}" ]; then
		pg createdb "drill_$1_$$" || exit 1
		printf '\n[store]\nurl = postgresql:///drill_%s_%s?host=%s&port=5432&user=signaal\n' \
			"$1" "$$" "$SIGNAAL_TEST_PG_DIR" >>"$ini"
	fi
}
# run NAME ARGS...: the binary on installation NAME; rc, $tmp/out, $tmp/err.
run() {
	local name=$1
	shift
	"$BIN" --config "$tmp/$name.ini" --data "$tmp/$name" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
# wipe NAME: the store is gone (the key file stays).
wipe() {
	if [ -n "${SIGNAAL_TEST_PG_DIR:-}" ]; then
		pg dropdb "drill_$1_$$" && pg createdb "drill_$1_$$"
	else
		rm -f "$tmp/$1/signaal.db" "$tmp/$1/signaal.db-wal" "$tmp/$1/signaal.db-shm"
	fi
}
start() { # NAME: sets server_pid and base
	: >"$tmp/server.out"
	"$BIN" --config "$tmp/$1.ini" --data "$tmp/$1" serve --listen 127.0.0.1:0 \
		>"$tmp/server.out" 2>"$tmp/server.err" &
	server_pid=$!
	local i line
	for ((i = 0; i < 200; i++)); do
		line=$(head -n 1 "$tmp/server.out" 2>/dev/null)
		if [[ $line =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]]; then
			base=${BASH_REMATCH[1]}
			return 0
		fi
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/#   server: /' "$tmp/server.err" | tail -5
	return 1
}
stop() {
	kill -TERM "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
	server_pid=""
}
# submit: one report; its receipt on stdout (nothing when refused).
submit() {
	curl -s --max-time 10 -H 'Content-Type: application/json' \
		--data-binary @bench/intake/report.json "$base/api/v1/reports" |
		grep -o '"receipt": *"[A-Z0-9-]*"' | cut -d'"' -f4
}
# follows RECEIPT: the HTTP status of POST /api/v1/follow.
follows() {
	curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary "{\"receipt\": \"$1\"}" "$base/api/v1/follow"
}
# all_follow FILE: FILE holds receipts and every one follows (200).
all_follow() {
	local r bad=0
	[ -s "$1" ] || return 1
	while read -r r; do
		[ "$(follows "$r")" = 200 ] || { echo "#   $r does not follow"; bad=1; }
	done <"$1"
	return $bad
}

# --- an installation with reports, backed up while it serves -------------
installation a
run a init --org velsen
[ "$rc" = 0 ] || { not_ok "init"; echo "1..$n"; exit 1; }
ok "init"
start a || { not_ok "serve"; echo "1..$n"; exit 1; }
: >"$tmp/before"
for i in 1 2 3 4 5; do submit >>"$tmp/before"; done
check "five reports acknowledged before the backup" test "$(grep -c . "$tmp/before")" = 5
# A writer keeps sending while the backup runs.
(while :; do submit >>"$tmp/during"; done) &
writer_pid=$!
sleep 0.5
run a backup "$tmp/a.backup"
sleep 0.3
kill "$writer_pid" 2>/dev/null
wait "$writer_pid" 2>/dev/null
writer_pid=""
check "backup while the server takes reports exits 0" test "$rc" = 0
check "the backup says the key is not in it" has "$tmp/out" "holds no key"
check "the backup file is private (0600)" test "$(stat -c %a "$tmp/a.backup")" = 600
check "reports were taken during the backup" test "$(grep -c . "$tmp/during")" -gt 0
cp "$tmp/a.backup" "$tmp/a.copy"
run a backup "$tmp/a.backup"
check "backup over an existing file is refused, the file unchanged" \
	test "$rc" = 1 -a -n "$(grep -F 'exists already' "$tmp/err")" -a \
	"$(cmp -s "$tmp/a.backup" "$tmp/a.copy" && echo same)" = same
submit >"$tmp/after"
check "a report after the backup is acknowledged" test -s "$tmp/after"
stop

# --- restore over reports needs --force -----------------------------------
run a restore "$tmp/a.backup"
check "restore over a store with reports is refused without --force" \
	test "$rc" = 1 -a -n "$(grep -F -- '--force' "$tmp/err")"
start a || { not_ok "serve after a refused restore"; echo "1..$n"; exit 1; }
check "after the refused restore, a report sent after the backup still follows" \
	test "$(follows "$(cat "$tmp/after")")" = 200
stop

# --- wipe, restore, serve: every receipt follows again ---------------------
wipe a
run a restore "$tmp/a.backup"
check "restore into the wiped store exits 0" test "$rc" = 0 -a -n "$(grep -F restored "$tmp/out")"
start a || { not_ok "serve after restore"; echo "1..$n"; exit 1; }
check "every receipt acknowledged before the backup follows after the restore" \
	all_follow "$tmp/before"
check "a report sent after the backup is not in it" test "$(follows "$(cat "$tmp/after")")" = 404
: >"$tmp/new"
for i in 1 2 3; do submit >>"$tmp/new"; done
check "the restored store takes new reports" test "$(grep -c . "$tmp/new")" = 3
check "and they follow" all_follow "$tmp/new"
stop

# --- restore --force replaces the reports ----------------------------------
run a restore "$tmp/a.backup" --force
check "restore --force over a store with reports exits 0" test "$rc" = 0
start a || { not_ok "serve after restore --force"; echo "1..$n"; exit 1; }
check "after restore --force the receipts of the backup follow" all_follow "$tmp/before"
check "and a report made after the backup is gone" \
	test "$(follows "$(head -n 1 "$tmp/new")")" = 404
stop

# --- another key, or no backup at all, is refused --------------------------
installation b
run b init --org velsen
[ "$rc" = 0 ] || not_ok "init of a second installation"
run b restore "$tmp/a.backup" --force
check "restore with another installation's key is refused, even with --force" \
	test "$rc" = 1 -a -n "$(grep -F 'another installation' "$tmp/err")"
start b || { not_ok "serve b"; echo "1..$n"; exit 1; }
check "the refused installation was not changed" \
	test "$(follows "$(head -n 1 "$tmp/before")")" = 404
stop
printf 'not a backup\n' >"$tmp/junk"
run b restore "$tmp/junk"
check "a file that is no backup is refused" test "$rc" = 1 -a -n "$(grep -F 'not a backup' "$tmp/err")"
run b restore "$tmp/missing"
check "a missing file is refused" test "$rc" = 1
run b restore
check "restore without FILE is a usage error" test "$rc" = 2

echo "1..$n"
[ "$failures" = 0 ]
