#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# unit_test.sh UNIT.IN MAILSLOTD: the systemd unit, checked as an
# administrator's tools see it: systemd-analyze verify passes, the
# security exposure is at most 3.0, and the service neither stops another
# (no Conflicts=) nor restarts in a loop on errors that would repeat.
# Skipped (77) without systemd-analyze; needs neither root nor PID 1.
set -u
unit_in=$1 daemon=$(realpath "$2")
command -v systemd-analyze >/dev/null || { echo "no systemd-analyze: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() {
  local name=$1; shift
  if "$@"; then pass=$((pass+1)); echo "ok: $name"; else fail=$((fail+1)); echo "FAILED: $name"; fi
}
unit="$tmp/mailslotd.service"
sed -e "s|@PREFIX@/@SBINDIR@|$(dirname "$daemon")|g" "$unit_in" >"$unit"

# The man page is installed with the package, not here: --man=no.
check "systemd-analyze verify" systemd-analyze verify --man=no "$unit"
systemd-analyze security --offline=yes "$unit" >"$tmp/security" 2>&1
score=$(sed -n 's/.*Overall exposure level for mailslotd.service: \([0-9.]*\).*/\1/p' "$tmp/security")
check "systemd-analyze security exposure $score <= 3.0" \
  python3 -c "import sys; sys.exit(0 if 0 < float(sys.argv[1]) <= 3.0 else 1)" "${score:-0}"
[ $fail -eq 0 ] || grep '✗' "$tmp/security"
value() { sed -n "s/^$1=//p" "$unit"; }
check "Type=notify" test "$(value Type)" = notify
check "no Conflicts= (nmbd is never stopped silently)" bash -c "! grep -q '^Conflicts=' '$unit'"
check "no restart on exit 69 and 78" bash -c "value() { sed -n \"s/^\$1=//p\" '$unit'; }; v=\$(value RestartPreventExitStatus); [[ \" \$v \" == *' 69 '* && \" \$v \" == *' 78 '* ]]"
check "reload is SIGHUP" bash -c "grep -q '^ExecReload=.*kill -HUP \\\$MAINPID' '$unit'"
caps=$(value CapabilityBoundingSet)
check "capabilities: bind, and the switch to its user only ($caps)" \
  test "$caps" = "CAP_NET_BIND_SERVICE CAP_SETUID CAP_SETGID"
check "no ambient capability" bash -c "! grep -q '^AmbientCapabilities=' '$unit'"
check "the configuration is checked before start" bash -c "grep -q '^ExecStartPre=.*mailslotd -t' '$unit'"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
