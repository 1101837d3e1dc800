#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh BUILD_DIR [msl_bench options] - run the benchmark built in
# BUILD_DIR (it builds nothing) and write docs/benchmarks.md, the figures
# it is made from (docs/benchmarks.tsv) and docs/benchmarks.png.  Extra
# options go to msl_bench, e.g. --quick.
set -eu

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
	echo "usage: run.sh BUILD_DIR [msl_bench options]" >&2
	exit 64
fi
build=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
docs=$(dirname "$here")/docs

bin=
for b in "$build/bench/msl_bench" "$build/msl_bench"; do
	if [ -x "$b" ]; then
		bin=$b
		break
	fi
done
if [ -z "$bin" ]; then
	echo "run.sh: no msl_bench in $build: build the msl_bench target" >&2
	exit 66
fi

# The chart needs gnuplot; Debian's gnuplot-nox has no X dependencies.
if ! command -v gnuplot >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		apt-get update && apt-get install -y gnuplot-nox
	else
		echo "run.sh: gnuplot is missing (apt-get install gnuplot-nox):" \
		    "no chart" >&2
	fi
fi

# The report is written beside the data and moved into docs/ only once the
# run has finished, so an interrupted run leaves the old report whole.
work=$(mktemp -d "${TMPDIR:-/tmp}/msl-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$docs"
# The remote path needs two test hosts with mailslotd: network namespaces,
# so root and iproute2.  Without them the report says it was not measured.
remote=
if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null 2>&1; then
	if remote=$("$here/remote_setup.sh" up "$build"); then
		trap '"$here/remote_setup.sh" down; rm -rf "$work"' EXIT INT TERM
	else
		remote=
	fi
fi
"$bin" --data "$work" ${remote:+--remote "$remote"} "$@"
# The figures are kept beside the report: report.awk makes the same report
# from them again (awk -f bench/report.awk docs/benchmarks.tsv
# bench/report.md.in).
awk -v dat="$work" -f "$here/report.awk" "$work/results.tsv" "$here/report.md.in" \
    >"$work/benchmarks.md"
if command -v gnuplot >/dev/null 2>&1; then
	# A partial run (say --parts scale) has nothing to draw in some panels.
	if gnuplot -e "dir='$work'; out='$work/benchmarks.png'" \
	    "$here/benchmarks.gp"; then
		mv "$work/benchmarks.png" "$docs/benchmarks.png"
	else
		echo "run.sh: gnuplot failed: the chart was not updated" >&2
	fi
fi
mv "$work/results.tsv" "$docs/benchmarks.tsv"
mv "$work/benchmarks.md" "$docs/benchmarks.md"
echo "run.sh: wrote $docs/benchmarks.md"
