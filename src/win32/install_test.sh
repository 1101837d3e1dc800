#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install_test.sh BUILD_DIR SOURCE_DIR [EXTRA_CFLAGS]: install into a fresh
# prefix and build programs the way users do: the conformance test with
# `cc prog.c $(pkg-config --cflags --libs mailslot)`, the classic Windows
# server and client unchanged through pkg-config's compatdir, the
# sample-shaped programs in ANSI and UNICODE builds, a static
# link, and a CMake project using find_package(mailslot).
set -u
build=$1 src=$2 extra=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { local n=$1; shift; if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAILED: $n"; fi; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null || { echo "install failed"; echo "0 passed, 1 failed"; exit 1; }
pcdir=$(dirname "$(find "$tmp/prefix" -name mailslot.pc | head -n1)")
export PKG_CONFIG_PATH=$pcdir
libdir=$(pkg-config --variable=libdir mailslot)
check "headers installed" test -f "$tmp/prefix/include/mailslot/mailslot.h" -a -f "$tmp/prefix/include/mailslot/win32.h"
check "versioned SONAME" bash -c "readelf -d '$libdir/libmailslot.so' | grep -q 'SONAME.*libmailslot.so.0'"
check "static library" test -f "$libdir/libmailslot.a"
check "mailslot binary" test -x "$tmp/prefix/bin/mailslot"
check "mailslotd binary" test -x "$tmp/prefix/sbin/mailslotd"
# -t refuses a user that does not exist, and a bare install does not
# create the daemon's own user (the package and systemd-sysusers do).
check "mailslotd checks its configuration" "$tmp/prefix/sbin/mailslotd" -t -c "$tmp/prefix/share/doc/mailslot/mailslotd.conf.example" -o 'user = nobody'
check "sysusers.d names the daemon's user" grep -q '^u mailslotd ' "$tmp/prefix/lib/sysusers.d/mailslotd.conf"
check "bash completion installed" test -f "$tmp/prefix/share/bash-completion/completions/mailslot" -a -L "$tmp/prefix/share/bash-completion/completions/mailslotd"
check "systemd unit names the installed daemon" grep -q "^ExecStart=$tmp/prefix/sbin/mailslotd" "$tmp/prefix/lib/systemd/system/mailslotd.service"
check "man pages" test -f "$tmp/prefix/share/man/man1/mailslot.1" -a -f "$tmp/prefix/share/man/man8/mailslotd.8"

# shellcheck disable=SC2046
check "conformance builds via pkg-config" cc $extra -o "$tmp/conf" "$src/src/win32/conformance_test.c" $(pkg-config --cflags --libs mailslot)
check "conformance passes (installed library)" env LD_LIBRARY_PATH="$libdir" "$tmp/conf"
compat=$(pkg-config --variable=compatdir mailslot)
for p in ms_server ms_client; do
  # shellcheck disable=SC2046
  check "$p builds unchanged" cc $extra -o "$tmp/$p" "$src/demo/$p.c" -I"$compat" $(pkg-config --cflags --libs mailslot)
done
# Programs shaped like Microsoft's three samples, ANSI and UNICODE, with
# only the compat directory added: <windows.h>, <tchar.h>, <strsafe.h>.
for p in create_slot write_slot read_slot pair_server pair_client winmain; do
  for defs in "" "-DUNICODE -D_UNICODE"; do
    # shellcheck disable=SC2046,SC2086
    check "sample $p builds ${defs:-ANSI}" cc $extra $defs -o "$tmp/s_$p" "$src/src/win32/samples/$p.c" -I"$compat" $(pkg-config --cflags --libs mailslot)
  done
done
check "classic demo via installed library" env LD_LIBRARY_PATH="$libdir" "$src/demo/run-demo.sh" "$tmp/ms_server" "$tmp/ms_client" --test
# shellcheck disable=SC2046
check "static link" cc $extra -o "$tmp/conf_static" "$src/src/win32/conformance_test.c" $(pkg-config --cflags mailslot) "$libdir/libmailslot.a" -pthread
check "static conformance passes" "$tmp/conf_static"

mkdir -p "$tmp/cm"
cat >"$tmp/cm/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.25)
project(consumer C)
find_package(mailslot REQUIRED)
add_executable(conf $src/src/win32/conformance_test.c)
target_compile_options(conf PRIVATE $extra)
target_link_options(conf PRIVATE $extra)
target_link_libraries(conf PRIVATE mailslot::mailslot)
CM
check "find_package(mailslot)" bash -c "cmake -S '$tmp/cm' -B '$tmp/cm/b' -DCMAKE_PREFIX_PATH='$tmp/prefix' >/dev/null && cmake --build '$tmp/cm/b' >/dev/null"
check "find_package build runs" env LD_LIBRARY_PATH="$libdir" "$tmp/cm/b/conf"
echo "$pass passed, $fail failed"
test "$fail" -eq 0
