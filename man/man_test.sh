#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# man_test.sh SOURCE_DIR LIBRARY [EXTRA_CFLAGS]: the manuals lint clean,
# render, cover what they document, and their examples build and run.
#
# Lint: `mandoc -T lint -W warning` and `groff -ww` print nothing, and
# `man -l` renders each page with no warning, as lintian runs it.  Style
# notes from mandoc are left out because they depend on which other
# manuals the host has installed.  Coverage: every public function, every
# option of the two programs and every configuration key appears in its
# page, read from the sources so that a new one cannot go undocumented.
set -u
src=$1 lib=$2 extra=${3:-}
man=$src/man
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { local n=$1; shift; if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAILED: $n"; fi; }

for tool in mandoc groff man; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    # CI installs them (scripts/deps.sh): there, a missing tool is a failure.
    [ -n "${CI:-}" ] && { echo "$tool missing"; exit 1; }
    echo "SKIP: $tool is not installed (scripts/deps.sh installs mandoc, groff-base, man-db)"
    exit 77
  fi
done

pages=(mailslot.1 mailslot.3 mailslot_win32.3 mailslotd.conf.5 mailslot.7 mailslotd.8)
silent() { # silent COMMAND...: succeeds when the command does and prints nothing
  local out
  out=$("$@" 2>&1) && [ -z "$out" ] && return 0
  printf '%s\n' "$out" | head -n 20
  return 1
}
for p in "${pages[@]}"; do
  f=$man/$p
  check "$p exists" test -f "$f"
  check "$p: mandoc -T lint" silent mandoc -T lint -W warning "$f"
  check "$p: groff -ww" silent groff -ww -z -mandoc -Tutf8 "$f"
  # What lintian's manpage check runs; stdout is the page itself.
  check "$p: man --warnings" silent bash -c "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z '$f' >/dev/null"
  sec=${p##*.}
  check "$p: man -l renders" bash -c "MANWIDTH=80 man -l '$f' 2>/dev/null | grep -q '^NAME'"
  check "$p: section $sec in .Dt" grep -q "^\\.Dt [A-Z0-9_.]* $sec\$" "$f"
done

# has PAGE PATTERN WHAT: PAGE contains the extended regex PATTERN.
has() {
  grep -Eq -- "$2" "$man/$1" && return 0
  echo "  $1 does not document $3"
  return 1
}

has_fixed() { # has_fixed PAGE STRING WHAT: PAGE contains STRING
  grep -Fq -- "$2" "$man/$1" && return 0
  echo "  $1 does not document $3"
  return 1
}

# Every function of the native API, in the NAME list and described.
for fn in $(sed -n 's/^MAILSLOT_API [^(]*[ *]\(mailslot_[a-z0-9_]*\)(.*/\1/p' "$src/include/mailslot/mailslot.h"); do
  check "mailslot.3: $fn" has mailslot.3 "^\\.(Fn|Fo) $fn( |\$)" "$fn"
  check "mailslot.3 NAME: $fn" has mailslot.3 "^\\.Nm $fn( ,)?\$" "$fn in NAME"
done
# Every Win32 call, with its own error list.
for fn in $(sed -n 's/^MAILSLOT_API [^(]*[ *]\([A-Za-z0-9_]*\)(.*/\1/p' "$src/include/mailslot/win32.h"); do
  check "mailslot_win32.3: $fn" has mailslot_win32.3 "^\\.(Fn|Fo) $fn( |\$)" "$fn"
  check "mailslot_win32.3 NAME: $fn" has mailslot_win32.3 "^\\.Nm $fn( ,)?\$" "$fn in NAME"
done
for fn in CreateMailslotA CreateFileA ReadFile WriteFile GetMailslotInfo SetMailslotInfo CloseHandle; do
  check "mailslot_win32.3 ERRORS: $fn" has mailslot_win32.3 "^\\.It Fn $fn" "$fn's errors"
done

# Every option of the tool: the long ones from its option tables, the
# short ones from its getopt strings.
# (its sources span several files, a command each).
cli_src=$(cat "$src"/src/tools/*.c)
check "the tool's sources are there" test -n "$cli_src"
for o in $(sed -n 's/.*{ "\([a-z-]*\)", [a-z_]*, NULL, .*/\1/p' <<<"$cli_src" | sort -u) json version; do
  check "mailslot.1: --$o" has_fixed mailslot.1 "Fl \\-${o//-/\\-}" "--$o"
done
for o in $(sed -n 's/.*getopt_long([^"]*"\([^"]*\)".*/\1/p' <<<"$cli_src" | tr -d ':' | fold -w1 | sort -u); do
  check "mailslot.1: -$o" has mailslot.1 "^\\.It Fl $o " "-$o"
done
for c in recv send wait list stats; do
  check "mailslot.1: $c" has mailslot.1 "^\\.It Cm $c" "the $c command"
done
check "mailslot.1: EXIT STATUS" has mailslot.1 '^\.Sh EXIT STATUS' "its exit status"
check "mailslot.1: EXAMPLES" has mailslot.1 '^\.Sh EXAMPLES' "examples"
check "mailslot.1: OPTIONS" has mailslot.1 '^\.Sh OPTIONS' "options"

# The daemon's options (its sources may span several files).
for o in $(cat "$src"/src/daemon/*.c | sed -n 's/.*getopt_long([^"]*"\([^"]*\)".*/\1/p' | tr -d ':' | fold -w1); do
  check "mailslotd.8: -$o" has mailslotd.8 "^\\.It Fl $o( |\$)" "-$o"
done
for o in $(cat "$src"/src/daemon/*.c | sed -n 's/.*{ "\([a-z-]*\)", [a-z_]*, NULL, .*/\1/p'); do
  check "mailslotd.8: --$o" has_fixed mailslotd.8 "Fl \\-${o//-/\\-}" "--$o"
done

# Every key the configuration parser accepts, aliases included.  A parser
# that moved must not turn this into a check of nothing.
parser=$src/src/net/netconf.c
check "the configuration parser is at $parser" test -r "$parser"
keys=$(cat "$parser" "$src"/src/net/netconf_*.c | grep -o 'key_is(key, "[a-z ]*")' | sed 's/.*"\(.*\)")/\1/' | tr ' ' '~' | sort -u)
check "the configuration parser names keys" test -n "$keys"
for k in $keys; do
  k=${k//\~/ }
  check "mailslotd.conf.5: $k" has mailslotd.conf.5 "Cm $k( |\$)" "the key '$k'"
done

# Cross-references to the project's own manuals name pages that ship.
for x in $(cat "$man"/*.[1-8] | sed -n 's/^\.Xr \(mailslot[a-z_.]*\) \([1-8]\).*/\1.\2/p' | sort -u); do
  check "Xr $x ships" test -f "$man/$x"
done

# The C examples build against this tree's library and run.
cc_example() { # cc_example PAGE NAME [CFLAGS...]
  local page=$1 name=$2; shift 2
  MANWIDTH=200 man -l "$man/$page" 2>/dev/null | col -bx |
    awk '/^EXAMPLES/ { ex = 1 }
         ex && /^ *#include/ && !on { on = 1; ind = match($0, /[^ ]/) - 1 }
         on { line = substr($0, ind + 1); print line; if (line == "}") exit }' >"$tmp/$name.c"
  # shellcheck disable=SC2086
  cc $extra -Wall -Werror -o "$tmp/$name" "$tmp/$name.c" -I"$src/include" "$@" "$lib" -pthread
}
libdir=$(dirname "$lib")
export MAILSLOT_NAMESPACE=mantest-$$
check "mailslot.3 example builds" cc_example mailslot.3 native
check "mailslot.3 example runs" env LD_LIBRARY_PATH="$libdir" "$tmp/native"
check "mailslot_win32.3 example builds" cc_example mailslot_win32.3 win32 -I"$src/include/mailslot/compat"
check "mailslot_win32.3 example runs" bash -c "LD_LIBRARY_PATH='$libdir' '$tmp/win32' | grep -q 'got 6 bytes: hello'"

echo "$pass passed, $fail failed"
test "$fail" -eq 0
