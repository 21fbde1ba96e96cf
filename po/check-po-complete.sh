#!/bin/bash
# Checks that every language in po/LINGUAS translates every string of the
# sources listed in po/POTFILES, without fuzzy entries, and that msgfmt
# --check accepts it.  The template is extracted afresh into a temporary
# directory, so a string added to a source since the last midway-pot run
# counts too; nothing is written into the source tree.
#
# Usage: check-po-complete.sh PO-DIR SOURCE-ROOT PACKAGE -- XGETTEXT-ARGS...
# XGETTEXT, MSGMERGE, MSGCMP, MSGATTRIB and MSGFMT name the tools (default:
# from PATH).
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -u

po_dir=${1:?usage: $0 PO-DIR SOURCE-ROOT PACKAGE -- XGETTEXT-ARGS...}
source_root=${2:?usage: $0 PO-DIR SOURCE-ROOT PACKAGE -- XGETTEXT-ARGS...}
package=${3:?usage: $0 PO-DIR SOURCE-ROOT PACKAGE -- XGETTEXT-ARGS...}
shift 3
if [ "${1:-}" != "--" ]; then
  echo "usage: $0 PO-DIR SOURCE-ROOT PACKAGE -- XGETTEXT-ARGS..." >&2
  exit 99
fi
shift
xgettext_args=("$@")

XGETTEXT=${XGETTEXT:-xgettext}
MSGMERGE=${MSGMERGE:-msgmerge}
MSGCMP=${MSGCMP:-msgcmp}
MSGATTRIB=${MSGATTRIB:-msgattrib}
MSGFMT=${MSGFMT:-msgfmt}

# The statistics below are parsed, so the tools must speak English.
export LC_ALL=C.UTF-8
export LANGUAGE=

work=$(mktemp -d "${TMPDIR:-/tmp}/midway-po-check.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT

# The same call as meson's "gettext pot" step, but with its output in $work.
if ! "$XGETTEXT" --package-name="$package" -p "$work" -f "$po_dir/POTFILES" \
       -D "$source_root" -k_ -o "$package.pot" "${xgettext_args[@]}"; then
  echo "xgettext failed on the sources in $po_dir/POTFILES" >&2
  exit 1
fi
pot=$work/$package.pot

# A source with strings that POTFILES forgets would pass the rest of this
# check untranslated: every such file must be listed.
status=0
while read -r file; do
  relative=${file#"$source_root"/}
  if ! grep -qxF "$relative" "$po_dir/POTFILES"; then
    echo "$relative has translatable strings but is not in $po_dir/POTFILES" >&2
    status=1
  fi
done < <(grep -rlE '\<(N_|_|C_|NC_|g_dngettext|ngettext)\(|translatable="yes"' \
           "$source_root/src" --include='*.c' --include='*.ui' | sort)

languages=()
while read -r line; do
  line=${line%%#*}
  for lang in $line; do
    languages+=("$lang")
  done
done < "$po_dir/LINGUAS"
if [ ${#languages[@]} -eq 0 ]; then
  echo "$po_dir/LINGUAS lists no language" >&2
  exit 1
fi

# Pulls "N <word>" out of msgfmt --statistics' one line, 0 when absent.
count_of () {
  local stats=$1 word=$2 n
  n=$(printf '%s\n' "$stats" | grep -oE "[0-9]+ $word" | grep -oE '^[0-9]+')
  echo "${n:-0}"
}

for lang in "${languages[@]}"; do
  po=$po_dir/$lang.po
  merged=$work/$lang.po
  ok=1

  if [ ! -f "$po" ]; then
    echo "$lang: $po is missing" >&2
    status=1
    continue
  fi

  # The file as committed must compile cleanly: format strings, header,
  # plural forms, and one mnemonic in a label that has one.
  if ! "$MSGFMT" --check --check-accelerators=_ -o /dev/null "$po"; then
    echo "$lang: msgfmt --check rejects $po" >&2
    ok=0
  fi

  # Merged with the fresh template, as "ninja midway-update-po" would: a
  # new or changed string shows up as untranslated or fuzzy, and the
  # c-format flags come from the sources as they are now.
  if ! "$MSGMERGE" --quiet --previous -o "$merged" "$po" "$pot"; then
    echo "$lang: msgmerge failed" >&2
    status=1
    continue
  fi
  if ! "$MSGFMT" --check --check-accelerators=_ -o /dev/null "$merged"; then
    echo "$lang: msgfmt --check rejects $po merged with the current sources" >&2
    ok=0
  fi
  stats=$("$MSGFMT" --statistics -o /dev/null "$merged" 2>&1)
  translated=$(count_of "$stats" 'translated message')
  fuzzy=$(count_of "$stats" 'fuzzy translation')
  untranslated=$(count_of "$stats" 'untranslated message')
  obsolete=$(grep -c '^#~ msgid ' "$merged")
  echo "$lang: $translated translated, $fuzzy fuzzy, $untranslated untranslated ($obsolete obsolete)"

  # msgcmp treats fuzzy and empty entries as missing, so this fails for any
  # msgid of the template without a finished translation.
  if ! "$MSGCMP" "$po" "$pot" >/dev/null 2>&1; then
    ok=0
  fi
  if [ "$fuzzy" -ne 0 ] || [ "$untranslated" -ne 0 ] || [ "$translated" -eq 0 ]; then
    ok=0
  fi

  if [ $ok -eq 0 ]; then
    # Named with their source lines (and, for fuzzy ones, the old msgid);
    # the header entry, always printed by msgattrib, is left out.
    for kind in --untranslated --only-fuzzy; do
      "$MSGATTRIB" --no-obsolete "$kind" "$merged" | awk 'seen { print } /^$/ { seen = 1 }' >&2
    done
  fi

  if [ $ok -eq 0 ]; then
    echo "$lang: incomplete; update it with: meson compile -C BUILDDIR $package-update-po" >&2
    status=1
  fi
done
exit $status
