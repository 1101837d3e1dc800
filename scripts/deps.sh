#!/usr/bin/env bash
# deps.sh [--net]: install the Debian packages the build and the tests
# need, when they are missing and we are root.  Without root it only
# reports what is missing (the suites that need a package skip cleanly).
set -u
pkgs=(cmake gcc make pkg-config clang libclang-rt-14-dev)
# The examples: GLib for the main-loop reader; GTK 3 for the demo windows,
# and for their test an X server without a screen (xvfb), synthetic input
# (xdotool) and a screenshot (imagemagick's import).
pkgs+=(libglib2.0-dev libgtk-3-dev xvfb xdotool imagemagick)
if [ "${1:-}" = "--net" ]; then
  pkgs+=(iproute2 samba tshark)
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
# Some packages (samba) start their services when installed.  A
# policy-rc.d that answers 101, "action forbidden", keeps them stopped:
# the tests start what they need, in their own namespaces.
guard=
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && guard=1
fi
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
rc=$?
[ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d
exit $rc
