# SPDX-License-Identifier: MIT
# benchmarks.gp - docs/benchmarks.png from the data msl_bench writes.
# run.sh calls it with `dir` (the data directory) and `out` (the PNG).
set terminal pngcairo size 2000,640 font "sans,10"
set output out
set datafile missing "?"
# report.awk lists the writer counts of the throughput panels in chart.gp
# and writes each one's rates to tput<count>.dat.
load dir."/chart.gp"
set multiplot layout 1, words(tput_writers) + 2 title "libmailslot benchmarks" font ",13"

# Message rates span three orders of magnitude across sizes: log scale.
set logscale y
set grid ytics mytics xtics
set xlabel "message size (bytes)"
set ylabel "messages per second"
set format y "%.0s%c"
set key below left Left reverse maxrows 4 font ",8" noenhanced
# More mechanisms than gnuplot's eight default colours: the lines from
# the ninth on get colours of their own instead of repeating the first.
set linetype 9 lc rgb "#8b4513"
set linetype 10 lc rgb "#e7298a"
set linetype 11 lc rgb "#556b2f"
set linetype 12 lc rgb "#8b008b"
set linetype cycle 12
# One panel per writer count.
do for [w in tput_writers] {
	set title sprintf("Throughput, %s writer%s → 1 reader", w, w eq "1" ? "" : "s")
	plot for [i=3:*] dir."/tput".w.".dat" using 1:i:xtic(2) with linespoints \
		lw 2 pt 7 lc i title columnheader(i)
}

# A flat line here is O(1) per endpoint, whatever already exists.
unset logscale y
set format y "%g"
set yrange [0:*]
set xlabel "endpoints existing in the owner process"
set ylabel "µs per operation, in each tenth of the run"
set key below left Left reverse maxrows 4
set title "Creating endpoints; opening, writing one message, closing"
plot for [b=0:*] dir."/scale.dat" index b using 1:2 with linespoints \
	lw 2 pt 7 lc b+1 title columnheader(2), \
     for [b=0:*] dir."/scale.dat" index b using 1:3 with linespoints \
	lw 2 pt 6 dt 2 lc b+1 title columnheader(3)

# The remote path: what arrived per second through two mailslotd and
# through raw UDP between the same two hosts (network namespaces).
set yrange [0:*]
set format y "%.0s%c"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xlabel "message size (bytes)"
set ylabel "messages per second (received)"
set title "Remote: \\\\host\\mailslot\\x vs raw UDP"
plot dir."/remote.dat" using 2:xtic(1) title columnheader(2) lc 1, \
     "" using 3 title columnheader(3) lc 4
unset multiplot
