#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# wins_test.sh MAILSLOTD MAILSLOT NBTOOL: the WINS client across a
# router, with Samba's nmbd as the WINS server (docs/network.md).
#
# Subnet A: A (mailslotd HOSTA) and W (nmbd WINSSRV, "wins support =
# yes", a 6 s TTL so that refreshes happen during the test); subnet B: B
# and C (mailslotd HOSTB, HOSTC); router R forwards, directed broadcasts
# included.  Every daemon and writer has "wins server = W" (an H-node),
# A and B also each other's subnet as "remote broadcast".  Checked: each
# daemon registers its names with W (nmblookup asks W), refreshes them
# and releases them when it stops; WINS keeps the workgroup with no
# member addresses (0.0.0.0 in Samba 4.17); a B-node writer on A cannot
# find \\HOSTB, an H-node one writes to it through WINS; \\WG reaches
# members on both subnets through the remote broadcast targets; a name
# W holds for another host is refused after a WACK; a silent first
# server is replaced by the next; for HOSTE (E, a B-node on subnet B) a
# P-node on C asks W only and fails, M and H nodes find it by broadcast.
set -u
. "$(dirname "$0")/netlib.sh" # reads MAILSLOTD MAILSLOT NBTOOL from "$@"
export MAILSLOT_NAMESPACE=winstest
nl_need_samba

nl_init
nl_conf
nl_routed R
nl_host_on A A 1
nl_host_on A W 2
nl_host_on B B 1
nl_host_on B C 2
nl_host_on B D 3
nl_host_on B E 4
nl_router_forward_bcast

sd="$NL_TMP/samba-W"
nl_samba_conf "$sd" WINSSRV "wins support = yes" "local master = no" \
  "min wins ttl = 6" "max wins ttl = 6"
nl_nmbd_bg W "$sd" "$NL_TMP/nmbd-W.log" 3
check "nmbd starts on W as the WINS server" wait_until 10 test -S "$sd/sock/unexpected"

# hostconf HOST LINE...: that host's configuration, for its daemon and
# its writers.
hostconf() {
  local h=$1 f="$NL_TMP/host$1.conf"
  shift
  printf '%s\n' "netbios name = HOST$h" "workgroup = WG" "wins server = $IP_W" "$@" >"$f"
  chmod 644 "$f"
}
hostconf A "remote broadcast = $NL_BCAST_B"
hostconf B "remote broadcast = $NL_BCAST_A"
# C's first server is A, where nothing answers registrations: C must
# move on to W.
hostconf C "wins server = $IP_A"
sed -i "s/^wins server = .*/wins server = $IP_A, $IP_W/" "$NL_TMP/hostC.conf"
for h in A B C; do
  check "mailslotd starts on $h" start_daemon "$h" "HOST$h" -c "$NL_TMP/host$h.conf"
done
# send_as HOST CONF ARGS...: the mailslot tool's send in HOST, reading CONF.
send_as() { local h=$1 f=$2; shift 2; MAILSLOT_CONFIG=$f nl_run "$h" "$MAILSLOT" send "$@"; }

nl_log "registration"
for h in A B C; do
  check "HOST$h<00> registered with W" \
    wait_until 15 grep -q "event=wins name=HOST$h<00> server=$IP_W state=registered" "$NL_TMP/mailslotd-$h.log"
done
check "C moved on from the silent server A to W" \
  grep -q "event=wins name=HOSTC<00> server=$IP_A .*no answer, trying the next server" "$NL_TMP/mailslotd-C.log"
check "WG<00> registered as a group" \
  wait_until 15 grep -q "event=wins name=WG<00> server=$IP_W state=registered" "$NL_TMP/mailslotd-B.log"
wins_lookup() { nl_run A nmblookup -s "$sd/smb.conf" -U "$IP_W" --recursion "$1" 2>&1; }
wins_lookup HOSTB >"$NL_TMP/lookup-b.txt"
cat "$NL_TMP/lookup-b.txt"
check "W answers HOSTB with B's address (nmblookup -U W --recursion)" grep -qF "$IP_B HOSTB<00>" "$NL_TMP/lookup-b.txt"
wins_lookup WG >"$NL_TMP/lookup-wg.txt"
cat "$NL_TMP/lookup-wg.txt"
# Samba's WINS means to keep a normal group as 255.255.255.255 ("broadcast
# on your own subnet"); 4.17 stores and answers 0.0.0.0.  Either way no
# member list: a group write crosses routers only by remote broadcast.
for ip in "$IP_A" "$IP_B" "$IP_C"; do
  check "W took WG<00> as a group from $ip" \
    grep -qF "Group name registration for name WG<00> IP $ip" "$NL_TMP/nmbd-W.log"
done
check "W answers WG<00> with no member address" \
  wait_until 5 grep -qE "name query for name WG<00> returning first IP (0\.0\.0\.0|255\.255\.255\.255)\." "$NL_TMP/nmbd-W.log"
check "refreshes: HOSTB<00> registered again within its 6 s TTL" \
  wait_until 15 bash -c "[ \$(grep -c 'event=wins name=HOSTB<00> server=$IP_W state=registered' '$NL_TMP/mailslotd-B.log') -ge 2 ]"

nl_log "a name already taken"
# D claims HOSTB too: W holds it for B, asks B (which answers, a WACK
# telling D to wait meanwhile) and refuses D.
hostconf D "netbios name = HOSTB"
check "mailslotd starts on D as a second HOSTB" start_daemon D HOSTB -c "$NL_TMP/hostD.conf"
check "  W tells D to wait (a WACK) while it checks" \
  wait_until 15 grep -q "event=wins name=HOSTB<00> .*WACK" "$NL_TMP/mailslotd-D.log"
check "  and refuses the name (ACT_ERR, rcode 6)" \
  wait_until 30 grep -q "event=wins name=HOSTB<00> server=$IP_W state=refused rcode=6" "$NL_TMP/mailslotd-D.log"
check "  counted as refused" test "$(counter D wins_refused)" -ge 1
wins_lookup HOSTB >"$NL_TMP/lookup-b2.txt"
check "  W still answers HOSTB with B's address" grep -qF "$IP_B HOSTB<00>" "$NL_TMP/lookup-b2.txt"

nl_log "writes across the router"
check "reader on B" start_recv B x "$NL_TMP/b.out"
check "reader on C" start_recv C x "$NL_TMP/c.out"
check "reader on A" start_recv A x "$NL_TMP/a.out"
printf 'netbios name = BNODE\nworkgroup = WG\nnode type = B\n' >"$NL_TMP/bnode.conf"
chmod 644 "$NL_TMP/bnode.conf"
send_as A "$NL_TMP/bnode.conf" '\\HOSTB\mailslot\x' lost 2>"$NL_TMP/bnode.err"
rc=$?
check "a B-node on A cannot find \\\\HOSTB behind the router (exit 68, rc $rc)" test $rc -eq 68
check "an H-node on A writes to \\\\HOSTB through WINS" send_as A "$NL_TMP/hostA.conf" '\\HOSTB\mailslot\x' via-wins
check "  it arrives on B" wait_until 10 has_msg "$NL_TMP/b.out" via-wins
check "  from HOSTA at A's address" \
  grep -qF "\"sender\":{\"remote\":true,\"ip\":\"$IP_A\",\"port\":138,\"name\":\"HOSTA\"," "$NL_TMP/b.out"
check "C writes to \\\\HOSTA through WINS" send_as C "$NL_TMP/hostC.conf" '\\HOSTA\mailslot\x' c-to-a
check "  it arrives on A" wait_until 10 has_msg "$NL_TMP/a.out" c-to-a
check "\\\\WG from A" send_as A "$NL_TMP/hostA.conf" '\\WG\mailslot\x' wg-from-a
for h in A B C; do
  f=$(echo "$h" | tr 'A-C' 'a-c')
  check "  reaches $h" wait_until 10 has_msg "$NL_TMP/$f.out" wg-from-a
done
check "\\\\WG from B reaches A" send_as B "$NL_TMP/hostB.conf" '\\WG\mailslot\x' wg-from-b
check "  (on A)" wait_until 10 has_msg "$NL_TMP/a.out" wg-from-b
check "B's daemon counted its WINS traffic" test "$(counter B wins_registered)" -ge 3

nl_log "node types on subnet B: HOSTE is known by broadcast only"
printf '%s\n' "netbios name = HOSTE" "workgroup = WG" >"$NL_TMP/hostE.conf"
chmod 644 "$NL_TMP/hostE.conf"
check "mailslotd starts on E without a WINS server (a B-node)" start_daemon E HOSTE -c "$NL_TMP/hostE.conf"
check "reader on E" start_recv E x "$NL_TMP/e.out"
check "  E registered nothing with W" bash -c "! grep -q 'event=wins' '$NL_TMP/mailslotd-E.log'"
for t in P M; do
  sed "s/^wins server = .*/&\nnode type = $t/" "$NL_TMP/hostC.conf" >"$NL_TMP/c-$t.conf"
  chmod 644 "$NL_TMP/c-$t.conf"
done
send_as C "$NL_TMP/c-P.conf" '\\HOSTE\mailslot\x' p-node 2>/dev/null
rc=$?
check "a P-node on C asks W only: no HOSTE (exit 68, rc $rc)" test $rc -eq 68
check "an M-node on C broadcasts first: HOSTE found" send_as C "$NL_TMP/c-M.conf" '\\HOSTE\mailslot\x' m-node
check "an H-node on C falls back to broadcast: HOSTE found" send_as C "$NL_TMP/hostC.conf" '\\HOSTE\mailslot\x' h-node
for m in m-node h-node; do
  check "  '$m' arrives on E" wait_until 10 has_msg "$NL_TMP/e.out" "$m"
done
check "  the P-node's never did" bash -c "! grep -qF p-node '$NL_TMP/e.out'"

nl_log "release"
wins_lookup HOSTC >"$NL_TMP/lookup-c.txt"
pv=DPID_C
check "mailslotd on C stops" stop_daemon C
check "  releasing HOSTC<00>" grep -q "event=wins name=HOSTC<00> .*released" "$NL_TMP/mailslotd-C.log"
check "  W answered HOSTC before (the lookup works)" grep -q "HOSTC<00>" "$NL_TMP/lookup-c.txt"
check "  W no longer answers HOSTC" \
  wait_until 10 bash -c "! ip netns exec $(nl_ns A) nmblookup -s '$sd/smb.conf' -U '$IP_W' --recursion HOSTC | grep -qF 'HOSTC<00>'"
finish_daemons A B D E
nl_summary
