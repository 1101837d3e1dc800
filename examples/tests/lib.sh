# SPDX-License-Identifier: MIT
# lib.sh: what the example tests share; they source it.
#   check NAME COMMAND...        run COMMAND, count a pass or a failure, say which
#   wait_for TIMEOUT_S COMMAND...  bounded polling, every 20 ms, until COMMAND
#                                succeeds; status 1 once TIMEOUT_S has passed
#   summary                      print "N passed, N failed"; status 0 if none failed
pass=0 fail=0
check() {
  local name=$1; shift
  if "$@"; then pass=$((pass+1)); echo "ok: $name"; else fail=$((fail+1)); echo "FAILED: $name"; fi
}
wait_for() {
  local end=$(( SECONDS + $1 )); shift
  until "$@"; do
    [ $SECONDS -ge $end ] && return 1
    sleep 0.02
  done
}
summary() {
  echo "$pass passed, $fail failed"
  [ $fail -eq 0 ]
}
