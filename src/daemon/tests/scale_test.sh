#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scale_test.sh MAILSLOTD MAILSLOT NBTOOL SCALETOOL: mailslotd delivering
# to many local mailslots at once, and to mailslots that never answer.
#
# Two namespaces: A sends datagrams (scaletool send, raw UDP), B runs
# mailslotd and the readers (scaletool serve).  200 and then 10 000 live
# mailslots must each get their datagram; then 32 mailslots whose reader
# is stopped before it could answer the relay's open, and one stopped
# after its relay was open (its pipe fills), are sent datagrams among
# those for 1 000 live mailslots, whose delays must stay within the
# bound's order of magnitude (docs/network.md: 10 ms; the test allows
# 100 ms for a loaded CI machine and prints the figures it measured).
set -u
SCALETOOL=$4
. "$(dirname "$0")/netlib.sh"
export MAILSLOT_NAMESPACE=scaletest
# 10 000 mailslots and their relays need descriptors: a reader holds
# about five per mailslot (so the readers are split in processes of
# 1 000), the daemon two per relay handle (docs/network.md).  Raise the
# hard limit where we may; the daemon raises its soft limit to it.
ulimit -Hn 65536 2>/dev/null
ulimit -n "$(ulimit -Hn)"
HARD=$(ulimit -Hn)

nl_init
nl_conf
nl_host A 1
nl_host B 2

check "mailslotd starts on B" start_daemon B HOSTB
relays=$(grep -o 'event=start relays=[0-9]*' "$NL_TMP/mailslotd-B.log" | head -1 | sed 's/.*=//')
# What the limit leaves for relays (relaytab.c); beyond it the least
# recently used handle is closed, and every datagram is delivered still.
want=$(( (HARD - 1280) / 2 )); [ "$want" -gt 10000 ] && want=10000
nl_log "descriptor limit $HARD: ${relays:-?} relay handles"
check "the relay table fills the descriptor limit (${relays:-?} >= $want)" test "${relays:-0}" -ge "$want"

# serve_bg PREFIX FIRST N: readers in B, output in $NL_TMP/serve-PREFIX-FIRST.txt,
# pid added to SERVE_PIDS; ready once it says so.
SERVE_PIDS=()
serve_bg() {
  local out="$NL_TMP/serve-$1-$2.txt"
  nl_bg B "$out" "$SCALETOOL" serve "$1" "$2" "$3" 60000
  SERVE_PIDS+=("$NL_LAST_PID")
  wait_until 60 grep -q '^ready' "$out"
}
# serve_all PREFIX N: N mailslots, in readers of at most 1 000 each.
serve_all() {
  local i k
  SERVE_PIDS=()
  for (( i = 0; i < $2; i += 1000 )); do
    k=$(( $2 - i < 1000 ? $2 - i : 1000 ))
    serve_bg "$1" "$i" "$k" || return 1
  done
}
# wait_all: every reader of SERVE_PIDS got all its datagrams.
wait_all() {
  local p rc=0
  for p in "${SERVE_PIDS[@]}"; do wait "$p" || rc=1; done
  return $rc
}
# got PREFIX: how many mailslots got a datagram; max_us PREFIX: the
# largest delay any reader measured.
got() { cat "$NL_TMP"/serve-"$1"-*.txt | awk '$1 == "got" { n += $2 } END { print n + 0 }'; }
max_us() { cat "$NL_TMP"/serve-"$1"-*.txt | awk '$1 == "got" && $6 > m { m = $6 } END { print m + 0 }'; }
p99_us() { cat "$NL_TMP"/serve-"$1"-*.txt | awk '$1 == "got" && $8 > m { m = $8 } END { print m + 0 }'; }

# An oversized datagram (longer than the daemon's receive slot) counts
# its real length in rx_bytes, not the slot's.
b0=$(counter B rx_bytes)
nl_run A bash -c "head -c 6000 /dev/zero >/dev/udp/$IP_B/138"
check "rx_bytes counts an oversized datagram's 6000 bytes" \
  wait_until 10 bash -c "[ \"\$(ip netns exec $(nl_ns B) '$MAILSLOT' stats | awk '\$1 == \"rx_bytes\" { print \$2 }')\" -eq $(( b0 + 6000 )) ]"

sent=0
for n in 200 10000; do
  p="live${n}_"
  check "$n readers are ready" serve_all "$p" "$n"
  t0=$(date +%s%N)
  check "$n datagrams sent, one per mailslot" nl_run A "$SCALETOOL" send "$IP_B" "$p" "$n" 2500
  wait_all
  rc=$?
  t1=$(date +%s%N)
  sent=$(( sent + n ))
  nl_log "$n mailslots: $(got "$p") got theirs in $(( (t1 - t0) / 1000000 )) ms, largest delay $(max_us "$p") us, 99th percentile $(p99_us "$p") us"
  check "each of $n mailslots got its datagram ($(got "$p"))" test "$rc" = 0
  check "no delivery to $n mailslots waited beyond 100 ms ($(max_us "$p") us)" \
    test "$(max_us "$p")" -lt 100000
done

# A mailslot whose relay is open, then its reader stops: its pipe fills.
# (The reader waits for two mailslots, so it is still there, stopped.)
d0=$(counter B delivered)
check "a reader that will stop after its open is ready" serve_bg fill_ 0 2
fill_pid=$NL_LAST_PID
nl_run A "$SCALETOOL" send "$IP_B" fill_ 1 1000
check "its first datagram was delivered" wait_until 10 bash -c \
  "[ \"\$(ip netns exec $(nl_ns B) '$MAILSLOT' stats | awk '\$1 == \"delivered\" { print \$2 }')\" -gt $d0 ]"
kill -STOP "$fill_pid"
# 32 mailslots whose reader stops before answering any relay.
check "32 readers that will never answer are ready" serve_bg stuck_ 0 32
stuck_pid=$NL_LAST_PID
kill -STOP "$stuck_pid"
timeout0=$(counter B drop_relay_timeout)

check "1 000 live readers are ready" serve_all mixed_ 1000
# The live datagrams, with one for each of the 32 stuck mailslots after
# every 20; beside them, datagrams for 3 000 mailslots that do not exist,
# each followed by one for the stopped mailslot, whose pipe fills.
nl_bg A "$NL_TMP/flood.txt" "$SCALETOOL" send "$IP_B" gone_ 3000 3000 fill_ 1 1
flood_pid=$NL_LAST_PID
nl_run A "$SCALETOOL" send "$IP_B" mixed_ 1000 1000 stuck_ 32 20
wait_all
rc=$?
wait "$flood_pid"
nl_log "1 000 live mailslots beside stopped ones: $(got mixed_) got theirs, largest delay $(max_us mixed_) us, 99th percentile $(p99_us mixed_) us"
check "each of 1 000 live mailslots got its datagram beside stopped ones ($(got mixed_))" test "$rc" = 0
check "stopped mailslots delayed no other beyond 100 ms ($(max_us mixed_) us)" \
  test "$(max_us mixed_)" -lt 100000
check "the opens that were never answered were given up (drop_relay_timeout)" \
  test "$(counter B drop_relay_timeout)" -gt "$timeout0"
t0=$(date +%s%N)
check "mailslot stats answers while readers are stopped" nl_run B "$MAILSLOT" stats
t1=$(date +%s%N)
nl_log "stats took $(( (t1 - t0) / 1000000 )) ms"
kill -CONT "$fill_pid" "$stuck_pid" 2>/dev/null
nl_run B "$MAILSLOT" stats | grep -E '^(delivered|drop_)' | awk '$2 != 0'

# ---- control clients per user ---------------------------------------------
# A hostile local user takes all the control connections it can; it gets
# its share (MSLD_CLIENTS_PER_UID, 16) and no more, `mailslot stats`
# still answers, and another user's remote writes still go through the
# daemon's outbox (they leave from UDP 138, not an ephemeral port).
command -v setpriv >/dev/null 2>&1 || nl_skip "setpriv (util-linux) is not installed"
nl_bg B "$NL_TMP/hold.txt" setpriv --reuid=40001 --regid=40001 --clear-groups "$SCALETOOL" hold 200
hold_pid=$NL_LAST_PID
check "a user holding control connections is ready" wait_until 30 grep -q '^held' "$NL_TMP/hold.txt"
nl_log "the hostile user: $(cat "$NL_TMP/hold.txt")"
check "that user holds at most 16 control connections" \
  test "$(awk '$1 == "held" { print $2 }' "$NL_TMP/hold.txt")" = 16
check "mailslot stats works while it does (root)" nl_run B "$MAILSLOT" stats
check "mailslot stats works while it does (another user)" nl_run B setpriv --reuid=40002 \
  --regid=40002 --clear-groups "$MAILSLOT" stats
nl_bg A "$NL_TMP/listen-a.txt" "$NBTOOL" listen 138 10000
listen_pid=$NL_LAST_PID
wait_until 10 bash -c "ip netns exec $(nl_ns A) ss -lun | grep -q ':138 '"
nl_run B setpriv --reuid=40002 --regid=40002 --clear-groups "$MAILSLOT" send \
  "\\\\$IP_A\\mailslot\\ctl" via-outbox
wait "$listen_pid"
check "another user's remote write still leaves through the outbox (UDP 138)" \
  grep -q "^FROM $IP_B:138 " "$NL_TMP/listen-a.txt"
nl_kill "$hold_pid"

# The relays' proof (a connection to the daemon's control socket) must not
# depend on a free control slot: the daemon's own user (nobody here)
# takes its 16 before a fresh daemon's first relay, which readers still
# accept (they read the kernel's record of the proof's listener).
check "mailslotd on B stops" stop_daemon B
check "mailslotd on B starts again" start_daemon B HOSTB
nl_bg B "$NL_TMP/hold2.txt" setpriv --reuid=65534 --regid=65534 --clear-groups "$SCALETOOL" hold 200
hold_pid=$NL_LAST_PID
check "the daemon's own user holds its 16 control connections" \
  wait_until 30 grep -q '^held 16' "$NL_TMP/hold2.txt"
check "a reader of proof on B" start_recv B proof "$NL_TMP/proof.out"
nl_run A "$NBTOOL" send "$IP_B" 138 valid WG '\MAILSLOT\PROOF' proven >/dev/null
check "the daemon's first relay is still accepted by the reader" \
  wait_until 10 has_msg "$NL_TMP/proof.out" proven
nl_kill "$hold_pid"

# ---- a burst of remote writes, sent in runs ---------------------------------
# B's daemon sends consecutive datagrams to one host as UDP_SEGMENT runs,
# and A's reads them in UDP_GRO runs: A must still get each one whole and
# in order.
check "mailslotd starts on A" start_daemon A HOSTA
check "a reader of burst on A" start_recv A burst "$NL_TMP/burst.out"
# One write first, so that A's relay to the reader is open: a burst to a
# mailslot still being opened keeps only what the open queue holds.
nl_run B "$MAILSLOT" send "\\\\$IP_A\\mailslot\\burst" warm-up
check "a first remote write from B opens A's relay" wait_until 10 has_msg "$NL_TMP/burst.out" warm-up
s0=$(counter B tx_segmented)
check "a burst of 2000 remote writes from B" \
  nl_run B "$SCALETOOL" burst "\\\\$IP_A\\mailslot\\burst" 2000
check "A got all 2000" wait_until 30 bash -c "[ \$(grep -c '\"data\":\"burst-' '$NL_TMP/burst.out') -ge 2000 ]"
check "  in order, none twice" diff <(seq 0 1999 | sed 's/^/burst-/') \
  <(sed -n 's/.*"data":"\(burst-[0-9]*\)"}$/\1/p' "$NL_TMP/burst.out")
nl_log "B sent $(( $(counter B tx_segmented) - s0 )) of them in UDP_SEGMENT runs"
check "  some of them went in UDP_SEGMENT runs (tx_segmented)" test "$(counter B tx_segmented)" -gt "$s0"
nl_log "A read $(counter A rx_segmented) datagrams in UDP_GRO runs"
check "  and A read some in UDP_GRO runs, cut whole (rx_segmented)" test "$(counter A rx_segmented)" -gt 0

finish_daemons A B
nl_summary
