#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# services.sh state | save FILE | compare FILE: the host's service state,
# so that `make check` can show it leaves the host's services alone.
#
# The state is what would run at boot and what runs now: units enabled
# through a .wants or .requires link, masked units, sysvinit start links
# of the multi-user runlevels (rcS.d holds one-shot boot steps, not
# services), and the system daemons (programs from /usr/sbin or /sbin)
# that run in this network namespace.  Test peers run in namespaces of
# their own and are not part of it.  Without root only this user's
# processes are seen, the same way before and after.
set -u

state() {
  local d l p exe me
  for d in /etc/systemd/system/*.wants /etc/systemd/system/*.requires; do
    [ -d "$d" ] || continue
    for l in "$d"/*; do
      [ -L "$l" ] && echo "enabled ${d##*/}/${l##*/}"
    done
  done
  for l in /etc/systemd/system/*; do
    [ -L "$l" ] && [ "$(readlink "$l")" = /dev/null ] && echo "masked ${l##*/}"
  done
  for l in /etc/rc[2-5].d/S*; do
    [ -L "$l" ] && echo "boot ${l#/etc/}"
  done
  me=$(readlink /proc/self/ns/net 2>/dev/null)
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case $exe in /usr/sbin/*|/sbin/*) ;; *) continue ;; esac
    [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$me" ] && echo "running $exe"
  done
  return 0
}

case ${1:-} in
  state) state | sort -u ;;
  save) state | sort -u >"${2:?usage: $0 save FILE}" ;;
  compare)
    file=${2:?usage: $0 compare FILE}
    if ! state | sort -u | diff "$file" - >"$file.diff"; then
      echo "services: the host's service state changed (< before, > after):"
      cat "$file.diff"
      exit 1
    fi
    rm -f "$file.diff"
    echo "services: the host's service state is unchanged"
    ;;
  *) echo "usage: $0 state | save FILE | compare FILE" >&2; exit 64 ;;
esac
