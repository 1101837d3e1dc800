#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# deb_test.sh SOURCE_DIR: the Debian packages, end to end.  Builds them
# with `dpkg-buildpackage -us -uc -b` from a copy of the tree (the build
# writes into the source and its parent directory), runs lintian, installs
# them, runs debian/tests/smoke from the installed files, purges them, and
# checks that nothing they installed or created is left: files, the
# configuration directory, the system user, systemd state.
#
# It needs root (dpkg), and refuses to touch a host where the packages are
# already installed.  The packages never enable or start mailslotd, so the
# host's services are unchanged; the daemon runs only inside a network
# namespace that the smoke test makes.
set -u
src=$1
pkgs=(mailslotd mailslot-tools libmailslot-dev libmailslot0)
skip() {
  # CI has root and installs the tools (scripts/deps.sh): there, a skip is a failure.
  [ -n "${CI:-}" ] && { echo "FAILED: $*"; exit 1; }
  echo "SKIP: $*"
  exit 77
}
[ "$(id -u)" = 0 ] || skip "installing packages needs root"
for t in dpkg-buildpackage dh lintian; do
  command -v "$t" >/dev/null || skip "$t is missing (scripts/deps.sh installs dpkg-dev, debhelper, lintian)"
done
# Two runs on one host (two trees, two users) would install and purge the
# same packages under each other: the second waits for the first.
exec 9>/var/lock/mailslot-deb-test.lock
flock -w 600 9 || skip "another package test holds /var/lock/mailslot-deb-test.lock"
for p in "${pkgs[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'installed'; then
    skip "$p is already installed on this host; this test installs and purges its own"
  fi
done

tmp=$(mktemp -d)
installed=0
cleanup() {
  [ "$installed" = 1 ] && apt-get -y -q -o DPkg::Lock::Timeout=300 purge "${pkgs[@]}" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
check() { local n=$1; shift; if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAILED: $n"; fi; }
step() { echo "[$(date +%T)] $*"; }

# The tree as a user would have it: tracked and new files, no build output.
mkdir "$tmp/src"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  git -C "$src" ls-files -z -co --exclude-standard | (cd "$src" && tar --null -T - -cf -) | tar -xf - -C "$tmp/src"
else
  (cd "$src" && tar --exclude='./build*' --exclude='./obj-*' -cf - .) | tar -xf - -C "$tmp/src"
fi

step "dpkg-buildpackage"
# nocheck: the test suites already ran in this build; noautodbgsym: the
# debug symbol packages are not what is tested here.
if ! (cd "$tmp/src" && DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=2" \
    dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1); then
  tail -n 40 "$tmp/build.log"
  echo "FAILED: dpkg-buildpackage"
  exit 1
fi
check "symbols file matches the library" bash -c "! grep -q 'dpkg-gensymbols: warning' '$tmp/build.log'"
debs=()
for p in "${pkgs[@]}"; do
  f=$(ls "$tmp/${p}"_*.deb 2>/dev/null | head -n1)
  check "$p built" test -n "$f"
  debs+=("$f")
done

step "lintian"
# Errors and warnings fail; info tags are printed.  The one accepted tag
# is overridden, with the reason, in debian/mailslotd.lintian-overrides.
lintian --fail-on error,warning -I "$tmp"/mailslot_*.changes >"$tmp/lintian.out" 2>&1
check "lintian: no error or warning" test $? -eq 0
grep -v 'running with root privileges' "$tmp/lintian.out"

# Nothing the packages ship may exist before they are installed.
for f in "${debs[@]}"; do dpkg-deb -c "$f"; done | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | sort -u >"$tmp/shipped"
check "no shipped file exists before the install" bash -c "! while read -r f; do [ -e \"\$f\" ] && echo \"  exists: \$f\"; done <'$tmp/shipped' | grep ."
check "no mailslotd user before the install" bash -c "! getent passwd mailslotd"

step "install"
installed=1
quiet() { "$@" >"$tmp/dpkg.log" 2>&1 || { tail -n 20 "$tmp/dpkg.log"; return 1; }; }
# apt-get, unlike dpkg, waits while another install holds the dpkg lock.
apt=(apt-get -y -q -o DPkg::Lock::Timeout=300)
export DEBIAN_FRONTEND=noninteractive
check "apt-get install the .deb files" quiet "${apt[@]}" install --no-install-recommends "${debs[@]}"
check "every package is installed" bash -c "dpkg-query -W -f='\${Status}\n' ${pkgs[*]} | grep -c 'install ok installed' | grep -qx ${#pkgs[@]}"
step "smoke test"
check "debian/tests/smoke" bash "$tmp/src/debian/tests/smoke"

step "purge"
check "apt-get purge" quiet "${apt[@]}" purge "${pkgs[@]}"
installed=0
check "no package is left" bash -c "! dpkg-query -W -f='\${Status}\n' ${pkgs[*]} 2>/dev/null | grep -q 'installed'"
check "no shipped file is left" bash -c "! while read -r f; do [ -e \"\$f\" ] && echo \"  left: \$f\"; done <'$tmp/shipped' | grep ."
check "no /etc/mailslot" test ! -e /etc/mailslot
check "no mailslotd user" bash -c "! getent passwd mailslotd"
check "no mailslotd group" bash -c "! getent group mailslotd"
check "no systemd state for mailslotd" test -z "$(find /etc/systemd /var/lib/systemd -name 'mailslotd*' 2>/dev/null)"
check "no dpkg state for the packages" test -z "$(ls /var/lib/dpkg/info/ | grep -E '^(mailslotd|mailslot-tools|libmailslot)')"
check "the library left the linker cache" bash -c "! ldconfig -p | grep -q libmailslot"

echo "$pass passed, $fail failed"
test "$fail" -eq 0
