#!/usr/bin/env bash
# `signaal user ...`, `signaal token ...` and the one-time staff login of
# `signaal init --demo`: the real binary on a temporary data directory
# (contract.md, "The binary"). TAP output, one case per behaviour. Under
# tests/pg/with-pg the data directory's store is a PostgreSQL database.
set -u
BIN=${SIGNAAL_BIN:?SIGNAAL_BIN must name the signaal binary}
cd "${SIGNAAL_SOURCE_DIR:-$(dirname "$0")/../..}" || exit 1
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
	[ -s "$tmp/err" ] && sed 's/^/#   stderr: /' "$tmp/err" | head -20
	[ -s "$tmp/out" ] && sed 's/^/#   stdout: /' "$tmp/out" | head -20
	return 0
}
run() {
	"$BIN" --data "$DATA" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}
run_in() { # INPUT ARGS...
	local input=$1
	shift
	printf '%s\n' "$input" | "$BIN" --data "$DATA" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
has() { grep -qF -- "$2" "$1"; }
on_store() {
	[ -n "${SIGNAAL_TEST_PG_DIR:-}" ] || return 0
	local name="users$$"
	/usr/lib/postgresql/15/bin/createdb -h "$SIGNAAL_TEST_PG_DIR" -p 5432 -U signaal "$name" || exit 1
	mkdir -m 0700 "$1"
	printf '[store]\nurl = postgresql:///%s?host=%s&port=5432&user=signaal\n' \
		"$name" "$SIGNAAL_TEST_PG_DIR" >"$1/signaal.ini"
}

on_store "$DATA"
"$BIN" init --data "$DATA" --org velsen --demo >"$tmp/out" 2>"$tmp/err"
rc=$?
check "init --demo succeeds" [ $rc -eq 0 ]
check "init --demo prints a one-time login with the login URL" \
	grep -qE '^staff login, shown only now: user beheer, one-time password [a-z2-9]{5}(-[a-z2-9]{5}){3}$' "$tmp/out"
check "init --demo names the login page" has "$tmp/out" "http://127.0.0.1:8080/staf/inloggen"
once=$(sed -n 's/.*one-time password \([a-z0-9-]*\)$/\1/p' "$tmp/out")
run org add --org haarlem --name "Gemeente Haarlem" --region kennemerland
check "org add haarlem" [ $rc -eq 0 ]

run user list
check "the demo login is admin and handler of velsen, without second factor yet" \
	has "$tmp/out" "$(printf 'beheer\tvelsen\thandler,admin\tactive\tno-2fa')"
check "the one-time password is nowhere in the data directory" \
	bash -c "! grep -rqF -- '$once' '$DATA'"

run_in "rode-fiets-langs-het-kanaal" user add --org velsen --role handler,intake --af anna
check "user add with a good password" [ $rc -eq 0 ]
check "user add says what it made" has "$tmp/out" "user anna added to velsen with role intake,handler (aandachtsfunctionaris)"
check "the password is nowhere in the data directory" \
	bash -c "! grep -rqF -- 'rode-fiets-langs-het-kanaal' '$DATA'"
run_in "strawberries" user add --org velsen --role handler bert
check "a dictionary word is exit 1" [ $rc -eq 1 ]
check "the refusal says why, in Dutch" has "$tmp/err" "woordenboek"
run_in "kort" user add --org velsen --role handler bert
check "a short password is exit 1 with the reason" bash -c "[ $rc -eq 1 ] && grep -qF '12 tekens' '$tmp/err'"
run_in "rode-fiets-langs-het-kanaal" user add --org velsen --role handler anna
check "an existing login is exit 1" bash -c "[ $rc -eq 1 ] && grep -qF 'exists already' '$tmp/err'"
run_in "rode-fiets-langs-het-kanaal" user add --org velsen --role boss bert
check "an unknown role is bad usage" [ $rc -eq 2 ]
run_in "rode-fiets-langs-het-kanaal" user add --org nergens --role handler bert
check "an unknown organisation is exit 1" [ $rc -eq 1 ]
run_in "groene-boom-bij-de-sluis" user add --org haarlem --role analyst cees
check "a user of the other organisation" [ $rc -eq 0 ]
run user list --org velsen
check "user list --org shows only that organisation" bash -c "grep -qF anna '$tmp/out' && ! grep -qF cees '$tmp/out'"
run user list --org haarlem
check "and the other one's users there" bash -c "grep -qF cees '$tmp/out' && ! grep -qF anna '$tmp/out'"

run user disable anna
check "user disable" bash -c "[ $rc -eq 0 ] && '$BIN' --data '$DATA' user list | grep -qP '^anna\t.*\tdisabled\t'"
run user enable anna
check "user enable" bash -c "[ $rc -eq 0 ] && '$BIN' --data '$DATA' user list | grep -qP '^anna\t.*\tactive\t'"
run user reset-2fa anna
check "user reset-2fa" bash -c "[ $rc -eq 0 ] && grep -qF 'enrols again' '$tmp/out'"
run user disable nobody
check "an unknown login is exit 1" [ $rc -eq 1 ]

run token create anna --days 3
check "token create" [ $rc -eq 0 ]
tok=$(awk '{print $NF}' "$tmp/out")
id=$(awk '{print $2}' "$tmp/out")
check "the token is the last word: 64 hex digits" bash -c "[[ '$tok' =~ ^[0-9a-f]{64}$ ]]"
check "the token is nowhere in the data directory" bash -c "! grep -rqF -- '$tok' '$DATA'"
run token list anna
check "token list shows it active" has "$tmp/out" "$(printf '%s\tanna\t' "$id")"
run token revoke "$id"
check "token revoke" [ $rc -eq 0 ]
run token list
check "token list shows it revoked" bash -c "grep -qP '^$id\tanna\t.*\trevoked$' '$tmp/out'"
run token revoke 12345
check "revoking an unknown token is exit 1" [ $rc -eq 1 ]
run token create anna --days 0
check "--days 0 is bad usage" [ $rc -eq 2 ]
run token create nobody
check "a token for an unknown login is exit 1" [ $rc -eq 1 ]

echo "1..$n"
[ $failures -eq 0 ]
