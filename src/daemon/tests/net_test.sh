#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# net_test.sh MAILSLOTD MAILSLOT NBTOOL: remote mailslots between hosts.
#
# A LAN of network namespaces: A, B and C run mailslotd (HOSTA, HOSTB,
# HOSTC, workgroup WG; C accepts only A and D); D runs none, so its writes
# leave from an ephemeral port.  B and C read \\.\mailslot\news; the test sends from A and D with
# the `mailslot` tool and checks who got what, from whom, in which order,
# and the daemon's counters.  nbtool crafts broken datagrams for B.
set -u
. "$(dirname "$0")/netlib.sh" # reads MAILSLOTD MAILSLOT NBTOOL from "$@"
export MAILSLOT_NAMESPACE=nettest

nl_lan A B C D

# D has no daemon; the library reads its name and workgroup from here.
dconf="$NL_TMP/hostd.conf"
printf 'netbios name = HOSTD\nworkgroup = WG\n' >"$dconf"
chmod 644 "$dconf"

# line FILE DATA: the JSON line whose data is DATA.
line() { grep -F "\"data\":\"$2\"}" "$1"; }
# from FILE DATA SENDER: the message DATA came from SENDER, a JSON object.
from() { line "$1" "$2" | grep -qF "\"sender\":$3,"; }
# datas FILE: the data of every message, one per line, in arrival order.
datas() { sed -n 's/.*"data":"\(.*\)"}$/\1/p' "$1"; }
# send_from HOST ARGS...: the mailslot tool's send, in HOST.
send_from() { local h=$1; shift; nl_run "$h" "$MAILSLOT" send "$@"; }
# grew HOST COUNTER BEFORE [BY]: the counter grew by at least BY (1).
grew() { local v; v=$(counter "$1" "$2"); [ -n "$v" ] && [ "$v" -ge $(( $3 + ${4:-1} )) ]; }

nl_log "starting mailslotd on A, B, C"
check "mailslotd starts on A" start_daemon A HOSTA
check "mailslotd starts on B" start_daemon B HOSTB
# C accepts datagrams from A and D only (the `allow` list).
check "mailslotd starts on C" start_daemon C HOSTC -o "allow = $IP_A/32 $IP_D"
for h in A B C; do
  pid_var="DPID_$h"
  kill -0 "${!pid_var}" 2>/dev/null || { echo "mailslotd on $h is not running"; exit 1; }
done

nl_log "mailslot stats"
nl_run B "$MAILSLOT" stats >"$NL_TMP/stats0.txt"
for k in rx_datagrams delivered drop_unknown_mailslot drop_not_our_name drop_malformed nbns_answered; do
  check "stats has $k" grep -qE "^$k +[0-9]+$" "$NL_TMP/stats0.txt"
done
check "every stats line is 'counter value'" bash -c "! grep -vqE '^[a-z0-9_]+ +[0-9]+$' '$NL_TMP/stats0.txt'"
dups=$(awk '{ print $1 }' "$NL_TMP/stats0.txt" | sort | uniq -d | tr '\n' ' ')
check "counter names are unique (duplicated: ${dups:-none})" test -z "$dups"
nl_run B "$MAILSLOT" stats --json >"$NL_TMP/stats0.json"
check "stats --json is one JSON object" \
  bash -c "[ \$(wc -l <'$NL_TMP/stats0.json') -eq 1 ] && grep -qE '^\{.*\"rx_datagrams\": ?[0-9]+.*\}$' '$NL_TMP/stats0.json'"
if command -v python3 >/dev/null 2>&1; then
  # A strict parse where python3 is at hand: valid JSON, integer values,
  # no key twice.
  check "stats --json parses, no duplicate keys, integer values" python3 -c '
import json, sys
def pairs(p):
    keys = [k for k, _ in p]
    assert len(keys) == len(set(keys)), "duplicate keys"
    return dict(p)
d = json.load(open(sys.argv[1]), object_pairs_hook=pairs)
assert all(type(v) is int for v in d.values()), "non-integer value"
' "$NL_TMP/stats0.json"
fi
outbox_typed() { nl_run B "$MAILSLOT" list -n -o name,type | grep -F 'mailslotd\outbox' | grep -q ' daemon$'; }
check "list marks mailslotd's outbox as the daemon's" outbox_typed
echo "counters of B:"; sed 's/^/  /' "$NL_TMP/stats0.txt"

check "reader on B" start_recv B news "$NL_TMP/b.out"
check "reader on C" start_recv C news "$NL_TMP/c.out"

# ---- \\* from a host with a daemon ------------------------------------
nl_log "\\\\*\\mailslot\\news from A"
check "send \\\\* exits 0" send_from A '\\*\mailslot\news' hello-all
check "B got the \\\\* message" wait_until 10 has_msg "$NL_TMP/b.out" hello-all
check "C got the \\\\* message" wait_until 10 has_msg "$NL_TMP/c.out" hello-all
sender_a="{\"remote\":true,\"ip\":\"$IP_A\",\"port\":138,\"name\":\"HOSTA\",\"name_base64\":\"SE9TVEE=\"}"
check "B sees sender HOSTA at A's address, port 138" from "$NL_TMP/b.out" hello-all "$sender_a"
check "C sees sender HOSTA at A's address, port 138" from "$NL_TMP/c.out" hello-all "$sender_a"
check "size is the message length" bash -c "grep -F '\"data\":\"hello-all\"}' '$NL_TMP/b.out' | grep -q '^{\"size\":9,'"

# ---- \\HOSTB: a unique name, resolved by a NetBIOS name query ----------
nl_log "\\\\HOSTB\\mailslot\\news from A"
check "HOSTB is in no hosts file or DNS" bash -c "! ip netns exec $(nl_ns A) getent ahostsv4 HOSTB"
ans0=$(counter B nbns_answered)
check "send \\\\HOSTB exits 0" send_from A '\\HOSTB\mailslot\news' only-b
check "B got the \\\\HOSTB message" wait_until 10 has_msg "$NL_TMP/b.out" only-b
check "B answered the name query" grew B nbns_answered "${ans0:-0}"
check "send \\\\* marker" send_from A '\\*\mailslot\news' marker-1
check "C got the marker" wait_until 10 has_msg "$NL_TMP/c.out" marker-1
check "B got the marker" wait_until 10 has_msg "$NL_TMP/b.out" marker-1
check "C did not get the \\\\HOSTB message" bash -c "! grep -qF only-b '$NL_TMP/c.out'"
check "B: only-b came from HOSTA" from "$NL_TMP/b.out" only-b "$sender_a"

# ---- \\WG, //*/ and names in another case ------------------------------
nl_log "\\\\WG, //*/, case"
check "send \\\\WG exits 0" send_from A '\\WG\mailslot\news' wg-all
check "send //*/mailslot/news exits 0" send_from A '//*/mailslot/news' slash-all
check "send \\\\hostb\\MAILSLOT\\NEWS exits 0" send_from A '\\hostb\MAILSLOT\NEWS' case-b
check "send \\\\wg\\mailslot\\News exits 0" send_from A '\\wg\mailslot\News' case-wg
check "send marker 2" send_from A '\\*\mailslot\news' marker-2
check "B got marker 2" wait_until 10 has_msg "$NL_TMP/b.out" marker-2
check "C got marker 2" wait_until 10 has_msg "$NL_TMP/c.out" marker-2
check "B got the \\\\WG message" has_msg "$NL_TMP/b.out" wg-all
check "C got the \\\\WG message" has_msg "$NL_TMP/c.out" wg-all
check "B got the //*/ message" has_msg "$NL_TMP/b.out" slash-all
check "C got the //*/ message" has_msg "$NL_TMP/c.out" slash-all
check "B got \\\\hostb\\MAILSLOT\\NEWS" has_msg "$NL_TMP/b.out" case-b
check "C did not get \\\\hostb\\MAILSLOT\\NEWS" bash -c "! grep -qF case-b '$NL_TMP/c.out'"
check "B got \\\\wg\\mailslot\\News" has_msg "$NL_TMP/b.out" case-wg
check "C got \\\\wg\\mailslot\\News" has_msg "$NL_TMP/c.out" case-wg
check "B: \\\\WG message from HOSTA" from "$NL_TMP/b.out" wg-all "$sender_a"

# ---- a mailslot nobody reads --------------------------------------------
nl_log "\\\\*\\mailslot\\nowhere"
unk0=$(counter B drop_unknown_mailslot)
check "send to an unread mailslot exits 0" send_from A '\\*\mailslot\nowhere' lost
check "B counts drop_unknown_mailslot" wait_until 10 grew B drop_unknown_mailslot "${unk0:-0}"
check "C counts drop_unknown_mailslot" wait_until 10 grew C drop_unknown_mailslot 0

# ---- the 424-byte limit --------------------------------------------------
nl_log "size limit"
m424=$(head -c 424 /dev/zero | tr '\0' x)
m425=$(head -c 425 /dev/zero | tr '\0' y)
check "424 bytes to \\\\* exit 0" send_from A '\\*\mailslot\news' "$m424"
send_from A '\\*\mailslot\news' "$m425" 2>"$NL_TMP/err425"
rc=$?
check "425 bytes to \\\\* exit 65 (got $rc)" test $rc -eq 65
check "425 bytes: stderr says ERROR_BAD_NETPATH" grep -q ERROR_BAD_NETPATH "$NL_TMP/err425"
[ $rc -eq 65 ] || cat "$NL_TMP/err425"
m500=$(head -c 500 /dev/zero | tr '\0' z)
send_from A '\\HOSTB\mailslot\news' "$m500" 2>"$NL_TMP/err500"
rc=$?
check "500 bytes to \\\\HOSTB exit 65 (got $rc)" test $rc -eq 65
check "500 bytes: stderr blames the datagram limit, not the mailslot's size" \
  bash -c "grep -q 'does not fit in one network datagram (at most 424 bytes' '$NL_TMP/err500' &&
    ! grep -q 'maximum message size' '$NL_TMP/err500'"
check "send marker 3" send_from A '\\*\mailslot\news' marker-3
check "B got marker 3" wait_until 10 has_msg "$NL_TMP/b.out" marker-3
check "C got marker 3" wait_until 10 has_msg "$NL_TMP/c.out" marker-3
check "B got the 424 bytes" bash -c "grep -qF '{\"size\":424,' '$NL_TMP/b.out' && grep -qF '\"data\":\"$m424\"}' '$NL_TMP/b.out'"
check "C got the 424 bytes" grep -qF "\"data\":\"$m424\"}" "$NL_TMP/c.out"
check "nobody got 425 bytes" bash -c "! grep -qF yyyy '$NL_TMP/b.out' '$NL_TMP/c.out'"

# ---- a host without a daemon ---------------------------------------------
nl_log "sends from D (no mailslotd)"
check "D has no daemon" bash -c "! MAILSLOT_CONFIG='$dconf' ip netns exec $(nl_ns D) '$MAILSLOT' stats"
check "D: send \\\\* exits 0" env MAILSLOT_CONFIG="$dconf" ip netns exec "$(nl_ns D)" "$MAILSLOT" send '\\*\mailslot\news' from-d
check "D: send \\\\HOSTC exits 0" env MAILSLOT_CONFIG="$dconf" ip netns exec "$(nl_ns D)" "$MAILSLOT" send '\\HOSTC\mailslot\news' d-to-c
check "B got D's \\\\* message" wait_until 10 has_msg "$NL_TMP/b.out" from-d
check "C got D's \\\\* message" wait_until 10 has_msg "$NL_TMP/c.out" from-d
check "C got D's \\\\HOSTC message" wait_until 10 has_msg "$NL_TMP/c.out" d-to-c
check "B: D's message names HOSTD at D's address" \
  bash -c "grep -F '\"data\":\"from-d\"}' '$NL_TMP/b.out' | grep -qE '\"sender\":\{\"remote\":true,\"ip\":\"$IP_D\",\"port\":[0-9]+,\"name\":\"HOSTD\",'"
check "B: D's message left from an ephemeral port, not 138" \
  bash -c "! grep -F '\"data\":\"from-d\"}' '$NL_TMP/b.out' | grep -qF '\"port\":138,'"
timeout 20 ip netns exec "$(nl_ns A)" "$MAILSLOT" send '\\NOSUCH\mailslot\news' x 2>"$NL_TMP/nosuch.err"
rc=$?
check "unknown \\\\NOSUCH fails with EX_NOHOST, 68 (NetBIOS query unanswered; rc $rc)" test $rc -eq 68

# ---- C's allow list ---------------------------------------------------------
nl_log "allow list on C"
na0=$(counter C drop_not_allowed)
nl_run B "$NBTOOL" send "$IP_C" 138 valid WG '\MAILSLOT\NEWS' from-b >/dev/null
check "C counts drop_not_allowed for B's datagram" wait_until 10 grew C drop_not_allowed "${na0:-0}"
check "C did not deliver B's datagram" bash -c "! grep -qF from-b '$NL_TMP/c.out'"

# ---- a mailslot that refuses remote messages -----------------------------
nl_log "--local-only"
check "local-only reader on B" start_recv B lonly "$NL_TMP/lonly.out" --local-only
rx0=$(counter B rx_datagrams)
check "send \\\\HOSTB\\mailslot\\lonly exits 0" send_from A '\\HOSTB\mailslot\lonly' remote-1
check "send \\\\*\\mailslot\\lonly exits 0" send_from A '\\*\mailslot\lonly' remote-2
check "B received both datagrams" wait_until 10 grew B rx_datagrams "${rx0:-0}" 2
check "local send to lonly on B" send_from B lonly local-1
check "the local message arrives" wait_until 10 has_msg "$NL_TMP/lonly.out" local-1
check "no remote message in the local-only mailslot" bash -c "! grep -q remote- '$NL_TMP/lonly.out'"
check "the local-only message is local" bash -c "grep -F '\"data\":\"local-1\"}' '$NL_TMP/lonly.out' | grep -qF '\"remote\":false'"

# ---- malformed datagrams -------------------------------------------------
nl_log "malformed burst to B"
# (Fragments are no longer malformed: fragment_test checks their reassembly.)
kinds="empty trunc_header trunc_smb bad_type bad_src_name bad_dst_name not_smb bad_command bad_offset bad_mailslot garbage"
per=5
declare -A want=()
total=0
for k in $kinds; do
  r=$("$NBTOOL" reason "$k")
  want[$r]=$(( ${want[$r]:-0} + per ))
  total=$(( total + per ))
done
nl_run B "$MAILSLOT" stats >"$NL_TMP/stats1.txt"
before() { awk -v k="$1" '$1 == k { print $2 }' "$NL_TMP/stats1.txt"; }
for i in $(seq 1 $per); do
  for k in $kinds; do
    nl_run D "$NBTOOL" send "$IP_B" 138 "$k" >/dev/null || echo "nbtool send $k failed"
  done
done
nl_run D "$NBTOOL" send "$IP_B" 138 valid SOMEONE >/dev/null
check "B received the whole burst" wait_until 10 grew B rx_datagrams "$(before rx_datagrams)" $(( total + 1 ))
dpid=$DPID_B
check "mailslotd on B survived the burst" kill -0 "$dpid"
nl_run B "$MAILSLOT" stats >"$NL_TMP/stats2.txt"
check "mailslot stats works after the burst" test -s "$NL_TMP/stats2.txt"
after() { awk -v k="$1" '$1 == k { print $2 }' "$NL_TMP/stats2.txt"; }
d=$(( $(after drop_malformed) - $(before drop_malformed) ))
check "drop_malformed grew by $total (got $d)" test "$d" -eq $total
for r in "${!want[@]}"; do
  b=$(before "drop_$r"); a=$(after "drop_$r")
  if [ -z "$a" ]; then
    check "counter drop_$r exists" false
    continue
  fi
  d=$(( a - ${b:-0} ))
  check "drop_$r grew by ${want[$r]} (got $d)" test "$d" -eq "${want[$r]}"
done
d=$(( $(after drop_not_our_name) - $(before drop_not_our_name) ))
check "drop_not_our_name grew by 1 (got $d)" test "$d" -eq 1
check "no malformed datagram was delivered" bash -c "! grep -qF '\"data\":\"injected\"}' '$NL_TMP/b.out'"
nl_run D "$NBTOOL" send "$IP_B" 138 valid WG '\MAILSLOT\NEWS' after-burst >/dev/null
check "a valid crafted datagram is still delivered" wait_until 10 has_msg "$NL_TMP/b.out" after-burst
check "  from INJECTOR at D's address" bash -c "grep -F '\"data\":\"after-burst\"}' '$NL_TMP/b.out' | grep -qF '\"ip\":\"$IP_D\"' && grep -F '\"data\":\"after-burst\"}' '$NL_TMP/b.out' | grep -qF '\"name\":\"INJECTOR\"'"
check "a send from A still reaches B" send_from A '\\HOSTB\mailslot\news' after-burst-2
check "  and is delivered" wait_until 10 has_msg "$NL_TMP/b.out" after-burst-2

# ---- the whole sequence, no duplicates -----------------------------------
nl_log "message order"
exp_b="hello-all only-b marker-1 wg-all slash-all case-b case-wg marker-2 $m424 marker-3 from-d after-burst after-burst-2"
exp_c="hello-all marker-1 wg-all slash-all case-wg marker-2 $m424 marker-3 from-d d-to-c"
check "B got exactly its messages, in order" diff <(echo $exp_b | tr ' ' '\n') <(datas "$NL_TMP/b.out")
check "C got exactly its messages, in order" diff <(echo $exp_c | tr ' ' '\n') <(datas "$NL_TMP/c.out")
# B's 13 news messages; nothing went into the local-only mailslot.
d=$(counter B delivered)
check "B counts delivered = 13 (got ${d:-none})" test "${d:-0}" -eq 13

# ---- a stopped reader does not stall the daemon ----------------------------
# The daemon has one thread: a reader that never answers (stopped, here)
# must cost it a bounded wait, then count drops, while it goes on serving
# everyone else.
nl_log "stopped reader"
# still_serves WHAT LIMIT_MS TAG: B's daemon answers `mailslot stats`
# within LIMIT_MS and delivers TAG to news; then the stopped reader
# ($spid) is resumed and stopped for good.
still_serves() {
  local t0 t1
  t0=$(date +%s%N)
  check "B's daemon answers at once $1" nl_run B "$MAILSLOT" stats
  t1=$(date +%s%N)
  check "  within $2 ms ($(( (t1 - t0) / 1000000 )) ms)" test $(( (t1 - t0) / 1000000 )) -lt "$2"
  check "a message to another mailslot still arrives" send_from A '\\HOSTB\mailslot\news' "$3"
  check "  and is delivered" wait_until 10 has_msg "$NL_TMP/b.out" "$3"
  kill -CONT "$spid"
  nl_kill "$spid"
}
check "reader of 'stuck' on B" start_recv B stuck "$NL_TMP/stuck.out"
spid=$NL_LAST_PID
kill -STOP "$spid"
# Its relay's open is never answered: the datagrams wait for it, then are
# counted drop_relay_timeout (or drop_full, once it is known not to answer).
unanswered() { echo $(( $(counter B drop_full) + $(counter B drop_relay_timeout) )); }
grew_unanswered() { [ "$(unanswered)" -ge $(( $1 + 5 )) ]; }
f0=$(unanswered)
for i in 1 2 3 4 5; do send_from A '\\HOSTB\mailslot\stuck' "stuck-$i"; done
check "B counts the stopped reader's datagrams as drop_relay_timeout or drop_full" \
  wait_until 10 grew_unanswered "$f0"
still_serves "while a reader is stopped" 300 while-stopped
# Stopped after its relay handle is open: the pipe fills, the daemon waits
# for room once, within its budget, then drops without waiting.
check "reader of 'stuck2' on B" start_recv B stuck2 "$NL_TMP/stuck2.out"
spid=$NL_LAST_PID
check "a first message to stuck2 is delivered" send_from A '\\HOSTB\mailslot\stuck2' first
check "  and read" wait_until 10 has_msg "$NL_TMP/stuck2.out" first
kill -STOP "$spid"
f0=$(counter B drop_full)
# 2000 messages of 400 bytes are three times what its pipe holds.
line=$(printf '%0400d' 0)
for i in $(seq 1 2000); do echo "$line"; done | send_from A '\\HOSTB\mailslot\stuck2'
check "B drops what the stopped reader cannot take" wait_until 20 grew B drop_full "${f0:-0}" 1
# A daemon that waited for room on every batch took 400-600 ms here.
still_serves "with the pipe full" 300 while-full

# ---- UDP 138 already taken ----------------------------------------------
nl_log "port 138 taken"
nl_bg D "$NL_TMP/listener.log" "$NBTOOL" listen 138 60000
lpid=$NL_LAST_PID
wait_until 5 bash -c "ip netns exec $(nl_ns D) ss -Hlun 'sport = :138' | grep -q 138"
timeout 10 ip netns exec "$(nl_ns D)" "$MAILSLOTD" -c "$NL_CONF" -o "netbios name = HOSTD" \
  -o "workgroup = WG" -o "user = $NL_USER" >"$NL_TMP/conflict.log" 2>&1
rc=$?
check "mailslotd exits 69 (EX_UNAVAILABLE) when UDP 138 is taken (rc $rc)" test $rc -eq 69
check "  and says why, naming port 138" grep -q 138 "$NL_TMP/conflict.log"
echo "  its message: $(head -c 300 "$NL_TMP/conflict.log")"
nl_kill "$lpid"

finish_daemons A B C
nl_summary
