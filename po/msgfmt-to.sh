#!/bin/sh
# msgfmt-to.sh PO OUTPUT.mo LOCALEDIR_LANG
# Compiles PO into OUTPUT (meson's tracked output) and copies it to
# LOCALEDIR_LANG/signaal.mo, the layout gettext reads at run time
# (<builddir>/locale/en/LC_MESSAGES/signaal.mo): a custom_target cannot
# write outside its own build directory by itself.
set -eu
msgfmt --check -o "$2" "$1"
mkdir -p "$3"
cp "$2" "$3/signaal.mo.tmp"
mv "$3/signaal.mo.tmp" "$3/signaal.mo"
