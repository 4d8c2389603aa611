#!/usr/bin/env bash
# `signaal audit verify` and `signaal audit list` (contract.md, "The
# binary"), and the audit entries of the commands that change data or read
# personal data: init, org add, import, export, backup, restore, each with
# the OS user as actor. The real binary on a temporary data directory;
# TAP output. Tampering goes straight at the database (sqlite3, or psql
# under tests/pg/with-pg, where the installation gets a database of its
# own in that cluster).
# Environment: SIGNAAL_BIN, SIGNAAL_SOURCE_DIR.
set -u
BIN=${SIGNAAL_BIN:?SIGNAAL_BIN must name the signaal binary}
cd "${SIGNAAL_SOURCE_DIR:-$(dirname "$0")/../..}" || exit 1
root=$PWD
build=$(dirname "$BIN")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failures=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1))
	failures=$((failures + 1))
	echo "not ok $n - $1"
	[ -s "$tmp/err" ] && sed 's/^/#   stderr: /' "$tmp/err" | head -10
	[ -s "$tmp/out" ] && sed 's/^/#   stdout: /' "$tmp/out" | head -10
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
db=audit_$$

ini=$tmp/signaal.ini
cat >"$ini" <<INI
[paths]
content = $root/content
templates = $root/templates
static = $root/static
locale = $build/locale

[log]
access = off
level = warn
INI
if [ -n "${SIGNAAL_TEST_PG_DIR:-}" ]; then
	pg createdb "$db" || exit 1
	printf '\n[store]\nurl = postgresql:///%s?host=%s&port=5432&user=signaal\n' \
		"$db" "$SIGNAAL_TEST_PG_DIR" >>"$ini"
fi
data=$tmp/data
run() {
	"$BIN" --config "$ini" --data "$data" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
# sql TEXT: runs TEXT on the installation's database, as a tamperer would.
sql() {
	if [ -n "${SIGNAAL_TEST_PG_DIR:-}" ]; then
		pg psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "$1" >/dev/null
	else
		sqlite3 "$data/signaal.db" "$1"
	fi
}
me=cli:$(id -un)

run init --org velsen
check "init" test "$rc" = 0
run audit verify
check "a new installation's log verifies" test "$rc" = 0
check "init is its first entry" has "$tmp/out" "1 entries"
run org add --org haarlem --name Haarlem --region kennemerland
check "org add" test "$rc" = 0
cat >"$tmp/in.csv" <<CSV
reference,received_on,channel,reporter_role,anonymous,kind,forms,district,concrete,status,outcome
A-1,2024-02-03,web,bystander,yes,report,labour,IJmuiden,yes,closed,none
CSV
run import reports --org velsen "$tmp/in.csv"
check "import" test "$rc" = 0
# A refused import changes nothing, and so writes no entry.
run import reports --org velsen "$tmp/in.csv"
check "a second import of the same reference is refused" test "$rc" = 1
run export reports --org velsen --year 2024
check "export" test "$rc" = 0
run backup "$tmp/backup"
check "backup" test "$rc" = 0
run restore "$tmp/backup" --force
check "restore" test "$rc" = 0
# A refused backup makes nothing, and so writes no entry.
run backup "$tmp/backup"
check "a backup over a file is refused" test "$rc" = 1

run audit list
check "audit list" test "$rc" = 0
cp "$tmp/out" "$tmp/list"
check "six entries: the refused import and backup wrote none" test "$(wc -l <"$tmp/list")" = 6
i=0
for want in "velsen	system.init	-	ok" "haarlem	org.add	-	ok" \
	"velsen	report.import	-	ok" "velsen	report.export	year:2024	ok" \
	"-	store.backup	-	ok" "-	store.restore	-	ok"; do
	i=$((i + 1))
	line=$(sed -n "${i}p" "$tmp/list")
	check "entry $i: $want, actor $me" \
		test "$(cut -f1,3 <<<"$line")" = "$i	$me" -a "$(cut -f4- <<<"$line")" = "$want"
done
run audit list --action report.export
check "list --action" test "$rc" = 0 -a "$(wc -l <"$tmp/out")" = 1
run audit list --actor "$(id -un)" --since 2000-01-01
check "list --actor --since" test "$rc" = 0 -a "$(wc -l <"$tmp/out")" = 6
run audit list --actor someone-else
check "list --actor of nobody" test "$rc" = 0 -a ! -s "$tmp/out"
run audit list --action nothing
check "list --action that is none: usage" test "$rc" = 2
run audit list --since yesterday
check "list --since that is no date: usage" test "$rc" = 2
run audit check
check "audit with another word: usage" test "$rc" = 2
run audit verify --since 2000-01-01
check "audit verify with an option: usage" test "$rc" = 2

run audit verify
check "the untouched log verifies" test "$rc" = 0 -a -z "$(cat "$tmp/err")"
check "verify prints the count and the head" has "$tmp/out" "audit log ok: 6 entries, head "

sql "UPDATE audit_log SET object = 'year:2023' WHERE seq = 4"
run audit verify
check "a changed entry: exit 1" test "$rc" = 1
check "... naming entry 4" has "$tmp/err" "broken at entry 4:"
sql "UPDATE audit_log SET object = 'year:2024' WHERE seq = 4"
run audit verify
check "put back, it verifies again" test "$rc" = 0

sql "DELETE FROM audit_log WHERE seq = 6"
run audit verify
check "the last entry cut off: exit 1" test "$rc" = 1
check "... naming entry 6" has "$tmp/err" "broken at entry 6:"
check "... as cut off" has "$tmp/err" "cut off"
run export reports --org velsen
check "an export while the end is cut off is refused" test "$rc" = 1
check "... before any data" test ! -s "$tmp/out"
run org add --org bloemendaal --name Bloemendaal --region kennemerland
check "org add while the log is broken is refused" test "$rc" = 1
run org list
check "... and added nothing" test "$rc" = 0 -a "$(wc -l <"$tmp/out")" = 2

echo "1..$n"
[ -n "${SIGNAAL_TEST_PG_DIR:-}" ] && pg dropdb "$db"
[ "$failures" = 0 ]
