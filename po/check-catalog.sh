#!/bin/sh
# check-catalog.sh complete PO
#   fails when PO has untranslated or fuzzy entries.
# check-catalog.sh covers TMPL_MSGIDS SOURCE_ROOT PO
#   fails when a msgid used in src/ or templates/ has no translation in PO.
# Run by meson test (suite unit); exit status is the verdict.
set -eu
mode=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Prints the msgids of the entries of a PO file, one per line.
list() {
	msgattrib --no-wrap --no-obsolete "$1" | sed -n 's/^msgid "\(.\+\)"$/  \1/p'
}

case $mode in
complete)
	po=$1
	stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1)
	echo "$po: $stats"
	msgattrib --untranslated --no-obsolete "$po" -o "$tmp/untranslated.po"
	msgattrib --only-fuzzy --no-obsolete "$po" -o "$tmp/fuzzy.po"
	bad=0
	if [ -s "$tmp/untranslated.po" ]; then
		echo "untranslated in $po (translate them, see po/README.md):"
		list "$tmp/untranslated.po"
		bad=1
	fi
	if [ -s "$tmp/fuzzy.po" ]; then
		echo "fuzzy in $po (check the translation, then remove the '#, fuzzy' line):"
		list "$tmp/fuzzy.po"
		bad=1
	fi
	exit $bad
	;;
covers)
	tool=$1
	root=$2
	po=$3
	sh "$root/po/make-pot.sh" "$tool" "$root" "$tmp/signaal.pot"
	msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" "$po" "$tmp/signaal.pot"
	msgattrib --untranslated --no-obsolete "$tmp/merged.po" -o "$tmp/missing.po"
	if [ -s "$tmp/missing.po" ]; then
		echo "used in src/ or templates/ but missing or untranslated in $po"
		echo "(run scripts/update-po, then translate; see po/README.md):"
		list "$tmp/missing.po"
		exit 1
	fi
	echo "every msgid of src/ and templates/ is translated in $po"
	;;
*)
	echo "usage: $0 complete PO | covers TMPL_MSGIDS SOURCE_ROOT PO" >&2
	exit 2
	;;
esac
