#!/bin/sh
# make-pot.sh TMPL_MSGIDS SOURCE_ROOT OUTPUT.pot
# Writes the template of every translatable text: _("...") and N_("...")
# in src/**/*.[ch] (xgettext) and {{_ ...}} in templates/*.html (the
# tmpl-msgids tool, built from scripts/tmpl-msgids.c, which uses the
# template compiler itself). Fails when a template does not compile.
set -eu
tool=$1
root=$2
out=$3
# Both may be relative to the caller's directory; the script changes it.
case $tool in /*) ;; */*) tool=$(pwd)/$tool ;; esac
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$root"
find src -name '*.c' -o -name '*.h' | LC_ALL=C sort >"$tmp/files"
if [ -d templates ]; then
	"$tool" templates "$tmp/templates.pot"
	echo "$tmp/templates.pot" >>"$tmp/files"
fi
# Language by extension: C for .c/.h, PO for the templates' .pot.
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --add-comments=TRANSLATORS: \
	--package-name=signaal --msgid-bugs-address="Signaal maintainers" --force-po \
	--files-from="$tmp/files" --output="$tmp/signaal.pot"
mv "$tmp/signaal.pot" "$out"
