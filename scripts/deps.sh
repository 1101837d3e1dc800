#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# deps.sh [--net]: install the Debian packages the build and the tests
# need, when they are missing and we are root.  Without root it only
# reports what is missing (the suites that need a package skip cleanly).
set -u
cd "$(dirname "$0")/.." || exit 1
pkgs=(cmake gcc make pkg-config clang libclang-rt-14-dev)
# systemd-analyze checks the unit file (verify, security).
pkgs+=(systemd)
# The examples: GLib for the main-loop reader; GTK 3 for the demo windows,
# and for their test an X server without a screen (xvfb), synthetic input
# (xdotool) and a screenshot (imagemagick's import).
pkgs+=(libglib2.0-dev libgtk-3-dev xvfb xdotool imagemagick)
# The manuals test lints and renders every page with these.
pkgs+=(mandoc groff-base man-db bsdextrautils)
# The package test builds, lints and installs the Debian packages.
pkgs+=(dpkg-dev debhelper lintian)
# The benchmark's ZeroMQ peer (PUSH/PULL over ipc://); without it the
# report marks that peer not measured.
pkgs+=(libzmq3-dev)
if [ "${1:-}" = "--net" ]; then
  pkgs+=(iproute2 samba tshark)
  # names (issue 13): the names suites check `mailslot lookup --json` with jq.
  pkgs+=(jq)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "deps: missing packages (install as root): ${missing[*]}" >&2
  exit 0
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true

# The packages are test peers and tools, not services for this host: Samba's
# postinst, for one, enables and starts nmbd, which would then own UDP 138
# here for good.  So nothing is started during the install (a policy-rc.d
# that refuses every action, unless the host already has one), and every
# unit or init script that the install enabled is disabled again, the way
# an administrator would, so that upgrades keep it off.  The tests run
# their peers themselves, inside their own network namespaces.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# Written by deps.sh for the duration of an install.\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  own_policy=1
fi
trap '[ "$own_policy" = 1 ] && rm -f "$policy"' EXIT
enabled() { scripts/services.sh state | grep -E '^(enabled|boot) ' ; }
before=$(enabled)
apt-get update -qq &&
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
rc=$?
new=$(comm -13 <(printf '%s\n' "$before") <(enabled))
for unit in $(printf '%s\n' "$new" | sed -n 's|^enabled .*/||p' | sort -u); do
  echo "deps: disabling $unit, which the install enabled"
  systemctl disable --quiet --no-reload "$unit" 2>/dev/null || deb-systemd-helper disable "$unit"
done
# "boot rc2.d/S01nmbd": the script's start links become stop links.
for script in $(printf '%s\n' "$new" | sed -n 's|^boot .*/S[0-9][0-9]||p' | sort -u); do
  echo "deps: disabling /etc/init.d/$script at boot, which the install enabled"
  update-rc.d "$script" disable >/dev/null 2>&1
done
left=$(comm -13 <(printf '%s\n' "$before") <(enabled))
if [ -n "$left" ]; then
  echo "deps: could not disable: $left" >&2
  rc=1
fi
exit $rc
