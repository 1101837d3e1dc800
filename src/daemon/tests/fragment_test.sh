#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fragment_test.sh MAILSLOTD MAILSLOT NBTOOL SCALETOOL: mailslotd
# reassembling fragmented NetBIOS datagrams (docs/protocol.md §3.2).
#
# A and C send crafted fragments (scaletool frag) to B, which runs
# mailslotd and a reader of \\.\mailslot\fragbox: in order, out of order,
# duplicated, overlapping, with a gap filled later, one never finished,
# and a flood of first fragments from A beside a datagram from C.  What
# is whole is delivered once; every rejected fragment is counted by its
# reason, and nothing else is lost.
set -u
SCALETOOL=$4
. "$(dirname "$0")/netlib.sh"
export MAILSLOT_NAMESPACE=fragtest

nl_lan A B C

check "mailslotd starts on B" start_daemon B HOSTB
check "a reader of fragbox on B" start_recv B fragbox "$NL_TMP/box.out"

# frag FROM DATA ID PIECES...: DATA for fragbox, cut as PIECES, from FROM.
frag() { local h=$1; shift; nl_run "$h" "$SCALETOOL" frag "$IP_B" fragbox "$@" >/dev/null; }
# count_of DATA: how many times DATA was delivered.
count_of() { grep -cF "\"data\":\"$1\"}" "$NL_TMP/box.out"; }
# grew COUNTER BEFORE [BY]: B's counter grew by BY (1) at least.
grew() { [ "$(counter B "$1")" -ge $(( $2 + ${3:-1} )) ]; }
declare -A c0
snap() { local k; for k in frag_received frag_reassembled drop_frag_duplicate drop_frag_overlap \
  drop_frag_no_room drop_frag_bad drop_frag_timeout drop_malformed delivered; do
  c0[$k]=$(counter B "$k"); done; }
snap

frag A in-order-two 1 0:60 60:end
check "two fragments in order are delivered" wait_until 10 has_msg "$NL_TMP/box.out" in-order-two
frag A out-of-order-three 2 70:end 30:40 0:30
check "three fragments out of order are delivered" wait_until 10 has_msg "$NL_TMP/box.out" out-of-order-three
frag A duplicated 3 0:60 0:60 60:end 60:end
check "a datagram whose fragments came twice is delivered" wait_until 10 has_msg "$NL_TMP/box.out" duplicated
check "  and the duplicate fragment is counted (drop_frag_duplicate)" \
  wait_until 10 grew drop_frag_duplicate "${c0[drop_frag_duplicate]}"
frag A overlapping 4 0:60 50:end
check "overlapping fragments are counted (drop_frag_overlap)" \
  wait_until 10 grew drop_frag_overlap "${c0[drop_frag_overlap]}"
# A gap filled by a later packet from another port: the same datagram.
frag A gap-filled 5 0:30 60:end
frag A gap-filled 5 30:30
check "a gap filled later is delivered" wait_until 10 has_msg "$NL_TMP/box.out" gap-filled
# A later piece at offset 0 contradicts the format.
nl_run A "$NBTOOL" send "$IP_B" 138 fragment_next WG '\MAILSLOT\FRAGBOX' bad-next >/dev/null
check "a later fragment at offset 0 is counted (drop_frag_bad)" \
  wait_until 10 grew drop_frag_bad "${c0[drop_frag_bad]}"

# A flood of first fragments from A: A gets its share of the table, C
# still gets a datagram through, and plain datagrams are untouched.
nl_run A "$SCALETOOL" fragflood "$IP_B" 300
check "a flood of first fragments is refused beyond A's share (drop_frag_no_room)" \
  wait_until 10 grew drop_frag_no_room "${c0[drop_frag_no_room]}" 290
frag C from-c-during-flood 6 0:50 50:end
check "C's fragmented datagram is delivered during A's flood" \
  wait_until 10 has_msg "$NL_TMP/box.out" from-c-during-flood
nl_run A "$NBTOOL" send "$IP_B" 138 valid WG '\MAILSLOT\FRAGBOX' plain-during-flood >/dev/null
check "a plain datagram from A is delivered during its flood" \
  wait_until 10 has_msg "$NL_TMP/box.out" plain-during-flood

# A datagram never finished is given up after 2 s (RFC 1002 FRAGMENT_TO):
# the timeout is counted when the table is next used.
frag C never-finished 7 0:30
t_before=${c0[drop_frag_timeout]}
check "unfinished datagrams are given up after 2 s (drop_frag_timeout)" \
  wait_until 10 bash -c "ip netns exec $(nl_ns C) '$SCALETOOL' frag '$IP_B' fragbox x 998 0:0 >/dev/null;
    [ \"\$(ip netns exec $(nl_ns B) '$MAILSLOT' stats | awk '\$1 == \"drop_frag_timeout\" { print \$2 }')\" -gt $t_before ]"

for m in in-order-two out-of-order-three duplicated gap-filled from-c-during-flood; do
  check "$m was delivered exactly once" test "$(count_of "$m")" = 1
done
check "the overlapping datagram was not delivered" test "$(count_of overlapping)" = 0
check "the unfinished datagram was not delivered" test "$(count_of never-finished)" = 0
check "no fragment counted as malformed" test "$(counter B drop_malformed)" = "${c0[drop_malformed]}"
check "frag_reassembled counts the 5 whole datagrams" \
  test "$(counter B frag_reassembled)" -eq $(( ${c0[frag_reassembled]} + 5 ))
nl_run B "$MAILSLOT" stats | grep -E '^(frag_|drop_frag_)'

finish_daemons B
nl_summary
