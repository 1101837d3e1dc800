#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# spdx.sh [--check | --check-adopted | --fix]: every source file must
# name its licence with an SPDX-License-Identifier line near its top, so
# that a file copied out of the tree still says under which terms it may
# be used.  --check (the default) lists the files without one and fails;
# --fix adds the line in each file's own comment syntax (after a #! line,
# which must stay first).  --check-adopted, which make check runs, is
# --check once any file has the line, and passes before: the lines are
# added to the whole tree at once, with --fix.
set -u
cd "$(dirname "$0")/.." || exit 1
id="SPDX-License-Identifier: MIT"
mode=${1:---check}
case $mode in --check|--check-adopted|--fix) ;; *) echo "usage: $0 [--check|--check-adopted|--fix]" >&2; exit 64;; esac


# comment_for FILE prints the line to add, or nothing for files that carry
# no licence header (data, generated text, documents).
comment_for() {
  case $1 in
    src/codec/corpus/*|*.md|*.png|LICENSE|NEWS|.gitignore) ;;
    debian/changelog|debian/control|debian/copyright|debian/source/*) ;;
    debian/*.install|debian/*.manpages|debian/*.docs|debian/*.examples|debian/*.links) ;;
    debian/*.symbols|debian/*.lintian-overrides|debian/tests/control|debian/watch) ;;
    debian/*README.Debian) ;;
    *.c|*.h) echo "/* $id */" ;;
    man/*.[1-8]) echo ".\\\" $id" ;;
    *.sh|*.txt|*.cmake|*.in|*.gp|*.conf|Makefile|.ci/*|debian/*) echo "# $id" ;;
  esac
}

# The body is one function, called on the same line as exit, so that
# bash has read all of it before --fix rewrites this very file.
main() {
  missing=0 have=0 list=""
  while IFS= read -r f; do
    [ -f "$f" ] || continue
    line=$(comment_for "$f")
    [ -n "$line" ] || continue
    if head -n 5 "$f" | grep -q "$id"; then
      have=$((have + 1))
      continue
    fi
    if [ "$mode" != --fix ]; then
      list+="no SPDX line: $f"$'\n'
      missing=$((missing + 1))
      continue
    fi
    tmp=$(mktemp)
    if head -n 1 "$f" | grep -q '^#!'; then
      { head -n 1 "$f"; echo "$line"; tail -n +2 "$f"; } >"$tmp"
    else
      { echo "$line"; cat "$f"; } >"$tmp"
    fi
    # Keep the mode (scripts stay executable).
    cat "$tmp" >"$f"
    rm -f "$tmp"
    echo "added: $f"
  done < <(git ls-files)
  if [ "$mode" = --check-adopted ] && [ "$have" -eq 0 ]; then
    echo "spdx: no source file has an SPDX line yet ($0 --fix adds them)"
    return 0
  fi
  if [ "$mode" != --fix ] && [ "$missing" -gt 0 ]; then
    printf '%s' "$list"
    echo "$missing file(s) lack '$id' (run $0 --fix)"
    return 1
  fi
  return 0
}
main; exit
