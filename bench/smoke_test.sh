#!/bin/sh
# SPDX-License-Identifier: MIT
# smoke_test.sh BUILD_DIR - a small msl_bench run (--quick, one run, 200
# endpoints) rendered through report.awk, checked for the rows the report
# must carry: every headline target, the per-size table against the
# fastest kernel peer, open + write + close, the scale figures, and
# figures (not failures) from the ZeroMQ and ring peers.  It writes
# nothing outside a temporary directory; docs/ is left alone.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: smoke_test.sh BUILD_DIR" >&2
	exit 64
fi
here=$(cd "$(dirname "$0")" && pwd)
bin=$1/bench/msl_bench
work=$(mktemp -d "${TMPDIR:-/tmp}/msl-bench-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

"$bin" --quick --runs 1 --scale 200 --parts tput,churn,scale \
    --mech mailslot,dgram,seqpacket,mq,fifo,zmq,ring --data "$work" 2>"$work/log" || {
	cat "$work/log" >&2
	echo "smoke_test: msl_bench failed" >&2
	exit 1
}
awk -f "$here/report.awk" "$work/results.tsv" "$here/report.md.in" >"$work/report.md"

fail=0
# need LINE-PATTERN WHAT: the report has a line matching the pattern.
need() {
	if ! grep -Eq -- "$1" "$work/report.md"; then
		echo "smoke_test: no $2 in the report" >&2
		fail=1
	fi
}
need '^\| mailslot 64 B, 1 writer ÷ ZeroMQ .*\| ≥ 1.0×' "row against ZeroMQ"
need '^\| mailslot 64 B, 1 writer ÷ shared-memory SPSC .*[0-9]\.[0-9]+× \|.*≥ 0.5×: (met|\*\*not met)' \
    "measured row against the SPSC ring"
need '^\| mailslot 64 B, 8 writers ÷ 1 writer \| [0-9]' "8 ÷ 1 writer row"
need '^\| mailslot ÷ the fastest kernel peer, 1 writer, worst size \([0-9]+ B, ' \
    "worst-size row, 1 writer"
need '^\| mailslot ÷ the fastest kernel peer, 8 writers, worst size \([0-9]+ B, ' \
    "worst-size row, 8 writers"
need '^\| open \+ write \+ close of one 64 B message ÷ AF_UNIX dgram .*\| [0-9.]+× \|.*≤ 2×' \
    "open + write + close row"
need '^\| mailslot descriptors per idle endpoint .*\| [0-9.]+ \|.*≤ 1' "descriptors row"
need '^\| mailslot owner memory per idle endpoint .*≤ 1.2 KiB' "memory row"
need '^\| mailslots created / written once of 200, RLIMIT_NOFILE 20000 \| [0-9]+ / [0-9]+ ' \
    "created / written row"
need '^\| 1 writer \| [0-9.]+× vs ' "per-size table against the fastest kernel peer"
need '^\| mailslot \(native API\) \| [0-9.]+ \| ' "open + write + close table"
need '^\| shared-memory SPSC rings \+ futex \| [0-9.]+ [Mk]? ?\|' "ring throughput figures"
# ZeroMQ is measured when this build has it, and says why not otherwise.
if grep -q '^param	libzmq	[0-9]' "$work/results.tsv"; then
	need '^\| ZeroMQ PUSH/PULL ipc:// \| [0-9.]+ [Mk]? ?\|' "ZeroMQ throughput figures"
else
	need 'ZeroMQ PUSH/PULL ipc://: n/a at every size: not measured \(libzmq missing\)' \
	    "note that ZeroMQ was not measured"
fi
if [ "$fail" -ne 0 ]; then
	sed -n '/^## Headline/,/^## Throughput, 8/p' "$work/report.md" >&2
	exit 1
fi
echo "smoke_test: the report has every row"
