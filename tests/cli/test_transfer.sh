#!/usr/bin/env bash
# `signaal import reports` and `signaal export reports`, the real binary on
# a temporary data directory (contract.md, "The binary" and "CSV of
# reports"). TAP output, one case per behaviour.
#
# Every bad file must exit 1, name FILE:LINE, the column and the value on
# stderr, and write nothing: the export afterwards equals the one before.
# Environment: SIGNAAL_BIN (the binary), SIGNAAL_SOURCE_DIR (the project,
# where init finds content/).
set -u
BIN=${SIGNAAL_BIN:?SIGNAAL_BIN must name the signaal binary}
cd "${SIGNAAL_SOURCE_DIR:-$(dirname "$0")/../..}" || exit 1
FIX=tests/data/import
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
DATA=$tmp/data
n=0
failures=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failures=$((failures + 1))
	echo "not ok $n - $1"
	shift
	for line in "$@"; do echo "#   $line"; done
	[ -s "$tmp/err" ] && sed 's/^/#   stderr: /' "$tmp/err" | head -20
	return 0
}
# run ARGS...: runs the binary on $DATA; sets rc, stdout in $tmp/out,
# stderr in $tmp/err.
run() {
	"$BIN" --data "$DATA" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
# check NAME CONDITION-COMMAND... : ok when the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}
has() { grep -qF -- "$2" "$1"; }
snapshot() { # FILE: the full export (every year) as CSV
	"$BIN" --data "$DATA" export reports --org velsen >"$1" 2>"$tmp/snap.err"
}

# on_store DIR: under tests/pg/with-pg (SIGNAAL_TEST_PG_DIR), gives the
# data directory DIR a new database of its own in that PostgreSQL cluster
# ([store] url in DIR/signaal.ini, which init and every command read).
on_store() {
	[ -n "${SIGNAAL_TEST_PG_DIR:-}" ] || return 0
	pg_made=$((${pg_made:-0} + 1))
	local name="cli$$_$pg_made"
	/usr/lib/postgresql/15/bin/createdb -h "$SIGNAAL_TEST_PG_DIR" -p 5432 -U signaal "$name" || exit 1
	mkdir -m 0700 "$1"
	printf '[store]\nurl = postgresql:///%s?host=%s&port=5432&user=signaal\n' \
		"$name" "$SIGNAAL_TEST_PG_DIR" >"$1/signaal.ini"
}

# --- setup ----------------------------------------------------------------
on_store "$DATA"
if "$BIN" init --data "$DATA" --org velsen >"$tmp/out" 2>"$tmp/err"; then
	ok "init --org velsen"
else
	not_ok "init --org velsen"
	echo "1..$n"
	exit 1
fi
header='reference,received_on,channel,reporter_role,anonymous,kind,forms,district,concrete,status,outcome'
optional='reporter_state,sector,frequency,involved,people'
# with_optional SEP FILE: FILE (CR LF lines, without the optional columns
# of issue 8) as export writes it: those columns added at the end, empty.
with_optional() {
	awk -v sep="$1" -v names="$optional" 'BEGIN { gsub(/,/, sep, names) }
		NR == 1 { sub(/\r$/, sep names "\r"); print; next }
		{ sub(/\r$/, sep sep sep sep sep "\r"); print }' "$2"
}
run export reports --org velsen
check "export of an empty organisation is the header alone" \
	test "$rc" = 0 -a "$(cat "$tmp/out")" = "$header,$optional"$'\r'

# --- every import error: exit 1, FILE:LINE, column, value; nothing written --
# bad_file FILE LINE COLUMN VALUE [MORE-TEXT]
bad_file() {
	local file=$FIX/$1 line=$2 column=$3 value=$4 more=${5:-}
	snapshot "$tmp/before"
	run import reports --org velsen "$file"
	snapshot "$tmp/after"
	local why=()
	[ "$rc" = 1 ] || why+=("exit $rc, want 1")
	has "$tmp/err" "$file:$line:" || why+=("no \"$file:$line:\" on stderr")
	has "$tmp/err" "column $column:" || why+=("no \"column $column:\" on stderr")
	[ -z "$value" ] || has "$tmp/err" "\"$value\"" || why+=("no \"\\\"$value\\\"\" on stderr")
	[ -z "$more" ] || has "$tmp/err" "$more" || why+=("no \"$more\" on stderr")
	[ ! -s "$tmp/out" ] || why+=("something on stdout")
	cmp -s "$tmp/before" "$tmp/after" || why+=("the export changed: something was written")
	if ((${#why[@]})); then not_ok "import $1 is refused" "${why[@]}"; else ok "import $1 is refused"; fi
}

bad_file bad-date.csv 4 received_on 2023-02-30 "is not a date (YYYY-MM-DD)"
bad_file unknown-column.csv 1 8 notes "is not a column"
bad_file missing-column.csv 1 channel "" "missing from the header"
bad_file bad-district.csv 4 district Haarlem "is not a district"
bad_file bad-forms.csv 4 forms trafficking "is not one of sexual, labour"
for col in channel reporter_role anonymous kind concrete status outcome; do
	value=$(sed -n 4p "$FIX/bad-$col.csv" | python3 -c '
import csv, sys
h = "reference,received_on,channel,reporter_role,anonymous,kind,forms,district,concrete,status,outcome".split(",")
print(next(csv.reader(sys.stdin))[h.index(sys.argv[1])])' "$col")
	bad_file "bad-$col.csv" 4 "$col" "$value" "is not one of"
done
bad_file duplicate-reference.csv 4 reference T-1 "appears again (first on line 2)"
bad_file not-utf8.csv 4 reference 'T-caf\xE9' "not valid UTF-8"

# Several errors are all listed, in line order.
printf '%s\n%s\n%s\n' "$header" \
	'A,2023-02-30,web,victim,yes,report,sexual,,yes,closed,none' \
	'B,2023-01-01,fax,victim,yes,report,sexual,,yes,closed,nope' >"$tmp/multi.csv"
run import reports --org velsen "$tmp/multi.csv"
check "every error is listed, in line order" test "$rc" = 1 -a \
	"$(grep -c "^$tmp/multi.csv:" "$tmp/err")" = 3 -a \
	"$(grep -n 'column received_on' "$tmp/err" | cut -d: -f1)" = 1

# A CSV syntax error names the line and character column.
printf '%s\n%s\n' "$header" 'A,"2023-01-01,web' >"$tmp/open.csv"
run import reports --org velsen "$tmp/open.csv"
check "an unterminated quote is refused with its line and column" \
	test "$rc" = 1 -a "$(grep -c "^$tmp/open.csv:2:3: column received_on: " "$tmp/err")" = 1

: >"$tmp/empty.csv"
run import reports --org velsen "$tmp/empty.csv"
check "an empty file is refused (a header is required)" has "$tmp/err" "$tmp/empty.csv:1:"

# --- a good file ------------------------------------------------------------
run import reports --org velsen "$FIX/velsen-2023.csv"
check "velsen-2023.csv imports (27 rows)" \
	test "$rc" = 0 -a "$(cat "$tmp/out")" = "imported 27 reports for velsen"
run export reports --org velsen --year 2023
with_optional , "$FIX/velsen-2023.csv" >"$tmp/want"
check "export --year 2023 gives back the file, byte for byte, the optional columns empty at the end" \
	cmp -s "$tmp/out" "$tmp/want"

run export reports --org velsen --year 2023 --format json
python3 - "$tmp/out" "$FIX/velsen-2023.csv" >"$tmp/err" 2>&1 <<'EOF'
import csv, json, sys
got = json.load(open(sys.argv[1], encoding="utf-8"))
want = list(csv.DictReader(open(sys.argv[2], encoding="utf-8", newline="")))
optional = ["reporter_state", "sector", "frequency", "involved", "people"]
want = [dict(w, **{k: "" for k in optional}) for w in want]
assert got == want, (got[:1], want[:1])
assert all(list(o) == list(want[0]) for o in got), "keys not in the contract's order"
EOF
check "export --format json holds the same rows and values as the CSV" test $? = 0

# Importing the same file again is a conflict on the first row, nothing written.
snapshot "$tmp/before"
run import reports --org velsen "$FIX/velsen-2023.csv"
snapshot "$tmp/after"
check "re-importing a reference is refused as a conflict, nothing written" \
	test "$rc" = 1 -a -n "$(grep -F "$FIX/velsen-2023.csv:2: column reference: \"VLS-2023-001\" exists already" "$tmp/err")" \
	-a -z "$(cmp "$tmp/before" "$tmp/after" 2>&1)"

# The variant Excel with a Dutch locale writes: ';', a byte order mark.
run import reports --org velsen "$FIX/excel-2022.csv"
check "the ';' + BOM variant (Dutch Excel) imports" \
	test "$rc" = 0 -a "$(cat "$tmp/out")" = "imported 3 reports for velsen"
run export reports --org velsen --year 2022 --format excel
with_optional ';' "$FIX/excel-2022.csv" >"$tmp/want"
check "export --format excel writes it back the same way" cmp -s "$tmp/out" "$tmp/want"
run export reports --org velsen --year 2022
check "export --year 2022 holds only the 2022 rows, with the ';' list as one field" \
	test "$(wc -l <"$tmp/out")" = 4 -a -n "$(grep -F ',sexual;labour,IJmuiden,' "$tmp/out" | grep -F 'VLS-2022-001,2022-03-02')"
run export reports --org velsen --year 2021
check "export --year 2021 is the header alone" test "$(cat "$tmp/out")" = "$header,$optional"$'\r'
run export reports --org velsen
check "export without --year holds every year (header + 30 rows)" \
	test "$rc" = 0 -a "$(wc -l <"$tmp/out")" = 31

# --- the optional columns of issue 8 -----------------------------------------
bad_file bad-people.csv 3 people boss:yes "has a role that is not one of"
run import reports --org velsen "$FIX/details-2024.csv"
check "details-2024.csv with the optional columns imports (2 rows)" \
	test "$rc" = 0 -a "$(cat "$tmp/out")" = "imported 2 reports for velsen"
run export reports --org velsen --year 2024
check "its rows export in the contract's columns" \
	test "$rc" = 0 -a -n "$(grep -F 'VLS-2024-001,2024-01-15,phone,professional,no,report,labour,IJmuiden' "$tmp/out")"
check "export writes the optional columns back: the file, byte for byte (CR LF)" \
	test -z "$(tr -d '\r' <"$tmp/out" | cmp - "$FIX/details-2024.csv" 2>&1)" \
	-a "$(grep -c $'\r$' "$tmp/out")" = 3
run export reports --org velsen --year 2024 --format json
python3 - "$tmp/out" "$FIX/details-2024.csv" >"$tmp/err" 2>&1 <<'EOF'
import csv, json, sys
got = json.load(open(sys.argv[1], encoding="utf-8"))
want = list(csv.DictReader(open(sys.argv[2], encoding="utf-8", newline="")))
assert got == want, (got, want)
assert list(got[0])[-5:] == ["reporter_state", "sector", "frequency", "involved", "people"]
assert got[0]["people"] == "victim:yes;exploiter" and got[1]["people"] == ""
EOF
check "export --format json holds the optional keys at the end, the same values" test $? = 0
run import reports --org velsen "$FIX/details-2024.csv"
check "and re-importing it is a conflict" test "$rc" = 1

# --- formula injection --------------------------------------------------------
run import reports --org velsen "$FIX/formula.csv"
check "references that look like formulas import" test "$rc" = 0
run export reports --org velsen --year 2023
check "export escapes them with a leading ' (=, @, -)" \
	test -n "$(grep -F "\"'=cmd|' /C calc'!A0\",2023-05-01" "$tmp/out")" \
	-a -n "$(grep -F "\"'@SUM(1+1)\",2023-05-02" "$tmp/out")" \
	-a -n "$(grep -F "\"'-10+20\",2023-05-03" "$tmp/out")" \
	-a -z "$(grep -E '^[=@+-]' "$tmp/out")"
cp "$tmp/out" "$tmp/export-2023.csv"
run export reports --org velsen --year 2023 --format json
check "JSON carries the value itself (no spreadsheet escape)" \
	has "$tmp/out" '"reference":"=cmd|'"'"' /C calc'"'"'!A0"'
# An exported file imports elsewhere unchanged: the escape is undone.
DATA2=$tmp/data2
on_store "$DATA2"
"$BIN" init --data "$DATA2" --org velsen >/dev/null 2>&1
"$BIN" --data "$DATA2" import reports --org velsen "$tmp/export-2023.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
"$BIN" --data "$DATA2" export reports --org velsen --year 2023 >"$tmp/again.csv" 2>>"$tmp/err"
check "an export imports again unchanged (round trip)" \
	test "$rc" = 0 -a -z "$(cmp "$tmp/export-2023.csv" "$tmp/again.csv" 2>&1)"

# --- usage and user errors ---------------------------------------------------
usage() { # EXPECTED-RC NAME ARGS...
	local want=$1 name=$2
	shift 2
	run "$@"
	if [ "$rc" = "$want" ] && [ -s "$tmp/err" ]; then ok "$name"; else not_ok "$name" "exit $rc, want $want"; fi
}
usage 2 "import without --org is bad usage" import reports "$FIX/velsen-2023.csv"
usage 2 "import without a file is bad usage" import reports --org velsen
usage 2 "import of something else than reports is bad usage" import users --org velsen x.csv
usage 2 "import with two files is bad usage" import reports --org velsen a.csv b.csv
usage 2 "export --format xml is bad usage" export reports --org velsen --format xml
usage 2 "export --year abc is bad usage" export reports --org velsen --year abc
usage 2 "export --org with a bad id is bad usage" export reports --org 'Velsen!'
usage 2 "export --personal is refused until the audit log exists" export reports --org velsen --personal
check "  ... and says why" has "$tmp/err" "audit log"
usage 1 "import for an unknown organisation is a user error" import reports --org haarlem "$FIX/velsen-2023.csv"
usage 1 "export for an unknown organisation is a user error" export reports --org haarlem
usage 1 "import of a missing file is a user error" import reports --org velsen "$tmp/nope.csv"
"$BIN" --data "$tmp/none" export reports --org velsen >"$tmp/out" 2>"$tmp/err"
rc=$?
check "export without a database is a user error and creates none" \
	test "$rc" = 1 -a ! -e "$tmp/none/signaal.db"

echo "1..$n"
exit $((failures > 0))
