#!/bin/sh
# SPDX-License-Identifier: MIT
# report_test.sh - report.awk judges the targets right: a results file with
# figures chosen by hand (so every ratio is known) goes through the report,
# and each headline row must show the ratio, the peer and the verdict that
# those figures give, met and not met alike, including the fastest kernel
# peer at each size and the worst size.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/msl-bench-report.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
T=$(printf '\t')

# results FDS RSS CREATED: a run in which the mailslot holds FDS descriptors
# and RSS bytes per idle endpoint and created (and wrote) CREATED of 10000.
results() {
	{
		for p in "parts 31" "have_mailslot 1" "runs 1" "scale_steps 10" \
		    "scale_msg 64" "scale_target 10000" "lat_rounds 1000" \
		    "libmailslot 0.1.0" "libzmq 4.3.4" "fd_headroom 256"; do
			echo "param $p"
		done
		echo "size 64 1000"
		echo "size 65536 100"
		echo "writers 1"
		echo "writers 8"
		for m in mailslot dgram seqpacket mq fifo zmq ring; do
			echo "mech $m $m-label"
		done
		# tput ID BYTES WRITERS STATE MPS SPREAD LOST FULL WHY
		while read -r id b w mps; do
			if [ "$mps" = na ]; then
				echo "tput $id $b $w na 0 0 0 0 n/a-here"
			else
				echo "tput $id $b $w done $mps 0 0 0 -"
			fi
		done <<-EOF
		mailslot 64 1 2000000
		zmq 64 1 4000000
		ring 64 1 3000000
		dgram 64 1 1000000
		seqpacket 64 1 1500000
		mq 64 1 1000000
		fifo 64 1 2500000
		mailslot 65536 1 50000
		dgram 65536 1 100000
		seqpacket 65536 1 200000
		mq 65536 1 na
		fifo 65536 1 40000
		mailslot 64 8 3000000
		dgram 64 8 500000
		seqpacket 64 8 1000000
		mq 64 8 400000
		fifo 64 8 2000000
		mailslot 65536 8 100000
		dgram 65536 8 110000
		seqpacket 65536 8 90000
		mq 65536 8 na
		fifo 65536 8 na
		EOF
		# lat ID BYTES MODE STATE P50 P99 P999 STALLED_AFTER STALLED_P50 WHY
		echo "lat mailslot 64 0 done 1.0 2 3 0 0 -"
		echo "lat dgram 64 0 done 5.0 6 7 0 0 -"
		echo "lat mailslot 64 1 done 2.6 3 4 0 0 -"
		echo "lat dgram 64 1 done 2.0 3 4 0 0 -"
		echo "scale mailslot-label 10000 $3 $3 $3 10 0 1 1 1 1 $2 $2 $1 $1 1 1 0 2 0 20000 1"
		echo "scale AF_UNIX-label 10000 10000 10000 10000 10 0 1 1 1 1 300 300 1 1 1 1 0 1 0 20000 1"
		# churn ID STATE CYCLES_PER_S SPREAD COUNT WHY
		echo "churn mailslot done 50000 0 1000 -"
		echo "churn dgram done 200000 0 1000 -"
		echo "remote na 0 not-here"
	} | tr ' ' "$T"
}

fail=0
# report NAME FDS RSS CREATED: the report of such a run must hold every
# line of stdin.
report() {
	results "$2" "$3" "$4" >"$work/$1.tsv"
	awk -f "$here/report.awk" "$work/$1.tsv" "$here/report.md.in" >"$work/$1.md"
	while IFS= read -r want; do
		if ! grep -Fq -- "$want" "$work/$1.md"; then
			echo "report_test: the $1 report lacks: $want" >&2
			fail=1
		fi
	done
}

# A mailslot of today: two descriptors, 1438 B, capped short of 10000.
report bad 2.0 1438 9867 <<'END'
| mailslot 64 B, 1 writer ÷ zmq-label | 0.50× | 2.00 M/s vs 4.00 M/s | ≥ 1.0×: **not met** |
| mailslot 64 B, 1 writer ÷ ring-label | 0.67× | 2.00 M/s vs 3.00 M/s | ≥ 0.5×: met |
| mailslot 64 B, 8 writers ÷ 1 writer | 1.50× | 3.00 M/s vs 2.00 M/s | ≥ 1.0×: met |
| mailslot ÷ the fastest kernel peer, 1 writer, worst size (65536 B, seqpacket-label) | 0.25× | 50 k/s vs 200 k/s | ≥ 1.0×: **not met** |
| mailslot ÷ the fastest kernel peer, 8 writers, worst size (65536 B, dgram-label) | 0.91× | 100 k/s vs 110 k/s | ≥ 1.0×: **not met** |
| 1 writer | 0.80× vs FIFO 2.50 M | 0.25× vs seqpacket 200 k |
| 8 writers | 1.50× vs FIFO 2.00 M | 0.91× vs dgram 110 k |
message ÷ AF_UNIX dgram (socket, connect, send, close) | 4.00× | 20.0 µs vs 5.0 µs | ≤ 2×: **not met** |
| 2.00 | a bound AF_UNIX dgram socket: 1.00 | ≤ 1: **not met** |
| 1438 B | a bound AF_UNIX dgram socket: 300 B | ≤ 1.2 KiB: **not met** |
| mailslots created / written once of 10000, RLIMIT_NOFILE 20000 | 9867 / 9867 |  | all 10000: **not met** |
| mailslot p50 latency 64 B ÷ dgram-label, two CPUs | 0.20× | 1.0 µs vs 5.0 µs | ≤ 1.2×: met |
| mailslot p50 latency 64 B ÷ dgram-label, one CPU | 1.30× | 2.6 µs vs 2.0 µs | ≤ 1.2×: **not met** |
END
# One that meets the scale targets.
report good 1.0 1000 10000 <<'END'
| 1.00 | a bound AF_UNIX dgram socket: 1.00 | ≤ 1: met |
| 1000 B | a bound AF_UNIX dgram socket: 300 B | ≤ 1.2 KiB: met |
| 10000 / 10000 |  | all 10000: met |
END

[ "$fail" -eq 0 ] || exit 1
echo "report_test: every target judged as its figures say"
