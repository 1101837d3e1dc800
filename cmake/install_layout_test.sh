#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install_layout_test.sh SOURCE_DIR: `make install PREFIX=/usr` as a user
# runs it after `make`, staged in a DESTDIR: the library lands in the
# multiarch directory, mailslot.pc names /usr so pkg-config prints just
# -lmailslot, the install manifest lists every installed file (the systemd
# unit included), and `make uninstall` removes them all.
set -u
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { local n=$1; shift; if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAILED: $n"; fi; }
b=$tmp/build root=$tmp/root
mk() { make -s -C "$src" BUILD="$b" JOBS=2 "$@" >"$tmp/make.log" 2>&1 || { tail -n 20 "$tmp/make.log"; return 1; }; }

check "make" mk all
check "make install PREFIX=/usr" mk install PREFIX=/usr DESTDIR="$root"
multiarch=$(gcc -print-multiarch 2>/dev/null)
libdir=/usr/lib${multiarch:+/$multiarch}
check "library in $libdir" test -f "$root$libdir/libmailslot.so.0"
check "static library in $libdir" test -f "$root$libdir/libmailslot.a"
check "mailslot.pc in $libdir/pkgconfig" test -f "$root$libdir/pkgconfig/mailslot.pc"
check "mailslot.pc names /usr" grep -qx 'prefix=/usr' "$root$libdir/pkgconfig/mailslot.pc"
flags=$(PKG_CONFIG_PATH="$root$libdir/pkgconfig" pkg-config --cflags --libs mailslot | sed 's/ *$//')
check "pkg-config prints just -lmailslot (got '$flags')" test "$flags" = "-lmailslot"
check "find_package files in $libdir/cmake" test -f "$root$libdir/cmake/mailslot/mailslotConfig.cmake"
check "systemd unit names /usr/sbin/mailslotd" grep -qx 'ExecStart=/usr/sbin/mailslotd' "$root/usr/lib/systemd/system/mailslotd.service"
check "six manuals" test "$(find "$root/usr/share/man" -name '*.[1-8]' ! -name 'mailslot_[a-z]*.3' -o -name mailslot_win32.3 | wc -l)" -eq 6
manifest=$b/install_manifest.txt
(cd "$root" && find . ! -type d | sed 's|^\.||' | sort) >"$tmp/installed"
sort "$manifest" >"$tmp/listed"
check "the manifest lists every installed file" diff "$tmp/listed" "$tmp/installed"
check "make uninstall" mk uninstall DESTDIR="$root"
check "nothing left after uninstall" test -z "$(find "$root" ! -type d)"
check "no project directory left" test -z "$(find "$root" -type d -name 'mailslot*')"
echo "$pass passed, $fail failed"
test "$fail" -eq 0
