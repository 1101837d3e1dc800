#!/usr/bin/env bash
# deps.sh [--net]: install the Debian packages the build and the tests
# need, when they are missing and we are root.  Without root it only
# reports what is missing (the suites that need a package skip cleanly).
set -u
pkgs=(cmake gcc make pkg-config clang libclang-rt-14-dev systemd)
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
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
