#!/usr/bin/awk -f
# report.awk - docs/benchmarks.md from the results.tsv that msl_bench
# writes (bench/report.c describes its records).  With -v dat=DIR it also
# writes the chart data that bench/benchmarks.gp draws into DIR.
#
#   awk -f bench/report.awk docs/benchmarks.tsv > docs/benchmarks.md
#
# Lines that start with "#" are comments.  Sizes, writer counts, mechanisms
# and the run's settings all come from the data, so the report never
# restates them.  Tables are built from the few descriptions below; only
# the prose is written out in full.
BEGIN {
	FS = "\t"
	ns = nw = nm = nsc = nr = 0
	# The size and the mechanisms the headline compares.
	HS = 64; MS = "mailslot"; W32 = "win32"; MQ = "mq"; DG = "dgram"
	# Stalls with at least this many round trips show their p50, marked.
	PARTIAL_MIN = 100
	NA["na"] = "n/a"; NA["failed"] = "failed"; NA["notrun"] = "—"
}
$1 == "param" { P[$2] = $3; next }
$1 == "size" { SZ[ns++] = $2; COUNT[$2] = $3; next }
$1 == "writers" { WR[nw++] = $2; next }
$1 == "mech" { ID[nm] = $2; LABEL[$2] = $3; nm++; next }
$1 == "tput" {
	k = $2 SUBSEP $3 SUBSEP $4
	TS[k] = $5; TM[k] = $6; TSP[k] = $7; TL[k] = $8; TF[k] = $9; TW[k] = $10
	next
}
$1 == "lat" {
	k = $2 SUBSEP $3 SUBSEP $4
	LS[k] = $5; L50[k] = $6; L99[k] = $7; L999[k] = $8; LSA[k] = $9
	LSP[k] = $10; LW[k] = $11
	next
}
$1 == "scale" {
	split("label target created written read steps capped create_ms open_ms " \
	    "read_ms close_ms owner_rss_per owner_rss_msg owner_fds_per " \
	    "owner_fds_end client_rss_per client_fds_per client_rss_end " \
	    "owner_threads slab_kb nofile ok", f, " ")
	for (i = 1; i <= 22; i++)
		SC[nsc, f[i]] = $(i + 1)
	SCI[$2] = nsc++
	next
}
$1 == "step" { CU[SCI[$2], $3] = $4; OU[SCI[$2], $3] = $5; next }
$1 == "remote" { RSTATE = $2; RCOUNT = $3; RWHY = $4; next }
$1 == "rsize" {
	RSZ[nr] = $2; RM[nr] = $3; RU[nr] = $4; RML[nr] = $5; RUL[nr] = $6
	RPR[nr] = $7; RPF[nr] = $8; RPL[nr] = $9; nr++
	next
}

# ---- Formatting -------------------------------------------------------------

function rate(m) {
	return m >= 1e6 ? sprintf("%.2f M", m / 1e6) : m >= 1e3 ? sprintf("%.0f k", m / 1e3) \
	    : sprintf("%.0f", m)
}
function bytes(b) {
	return b >= 1024 * 1024 * 1024 ? sprintf("%.1f GiB", b / (1024 * 1024 * 1024)) \
	    : b >= 1024 * 1024 ? sprintf("%.1f MiB", b / (1024 * 1024)) \
	    : b >= 10 * 1024 ? sprintf("%.0f KiB", b / 1024) : sprintf("%.0f B", b)
}
# lab names a mechanism; one the run left out goes by its id.
function lab(id) { return id in LABEL ? LABEL[id] : id }
function plural(n, word) { return n " " word (n == 1 ? "" : "s") }
function ratio(a, b) { return a <= 0 || b <= 0 ? "—" : sprintf("%.2f×", a / b) }
function tput_cell(k, size,    c) {
	if (TS[k] != "done")
		return NA[TS[k]]
	c = rate(TM[k])
	if (size > 0)
		c = c sprintf(" (%.0f MB/s)", TM[k] * size / 1e6)
	return TL[k] > 0 ? c ", lost " TL[k] : c
}
function lat_cell(k) {
	if (LS[k] == "failed" && LSA[k] >= PARTIAL_MIN)
		return sprintf("stalled after %d (p50 %.1f until then)", LSA[k], LSP[k])
	if (LS[k] != "done")
		return NA[LS[k]]
	return sprintf("%.1f / %.1f / %.1f", L50[k], L99[k], L999[k])
}
# mps and p50 read 0 for a figure that did not run, so its ratios read "—".
function mps(id, size, w,    k) {
	k = id SUBSEP size SUBSEP w
	return TS[k] == "done" ? TM[k] : 0
}
function p50(id, size, mode,    k) {
	k = id SUBSEP size SUBSEP mode
	return LS[k] == "done" ? L50[k] : 0
}
function partial_p50(id, size, mode,    k) {
	k = id SUBSEP size SUBSEP mode
	return LS[k] == "failed" && LSA[k] >= PARTIAL_MIN ? LSP[k] : 0
}
function size_header(first,    s, h) {
	h = "| " first " |"
	for (s = 0; s < ns; s++)
		h = h " " SZ[s] " B |"
	h = h "\n|---|"
	for (s = 0; s < ns; s++)
		h = h "---:|"
	print h
}
# row prints one table row: the label, then what cell(kind, s) gives for
# each size; kind selects the table.
function row(label, kind, a, b, c,    s, line) {
	line = "| " label " |"
	for (s = 0; s < ns; s++)
		line = line " " cell(kind, SZ[s], a, b, c) " |"
	print line
}
function cell(kind, size, a, b, c) {
	if (kind == "tput")
		return tput_cell(a SUBSEP size SUBSEP b, size)
	if (kind == "lat")
		return lat_cell(a SUBSEP size SUBSEP b)
	if (kind == "vs")       # mailslot ÷ peer a, writers b
		return ratio(mps(MS, size, b), mps(a, size, b))
	if (kind == "contention")
		return ratio(mps(a, size, WR[1]), mps(a, size, WR[0]))
	return ratio(p50(MS, size, b), p50(a, size, b))  # latency vs peer
}

# ---- Sections ---------------------------------------------------------------

function headline(what, a, b, unit,    x, y) {
	x = unit == "" ? rate(a) "/s" : sprintf("%.1f %s", a, unit)
	y = unit == "" ? rate(b) "/s" : sprintf("%.1f %s", b, unit)
	printf "| %s | %s | %s vs %s |\n", what, ratio(a, b), (a > 0 ? x : "—"), (b > 0 ? y : "—")
}
function write_headline(    w1, w8, i, mode, p, mine, partial, peer, what) {
	w1 = plural(WR[0], "writer"); w8 = plural(WR[1], "writer")
	print "## Headline ratios\n\nThroughput ratios above 1 mean the first mechanism is " \
	    "faster; latency ratios below 1 mean it is quicker.\n\n" \
	    "| comparison | ratio | figures |\n|---|---:|---|"
	if (!P["have_mailslot"])
		print "| mailslot (library not built in this run) | — | — |"
	headline("mailslot " HS " B, " w1 " ÷ " lab(MQ), mps(MS, HS, WR[0]), mps(MQ, HS, WR[0]))
	headline("mailslot " HS " B, " w1 " ÷ " lab(DG), mps(MS, HS, WR[0]), mps(DG, HS, WR[0]))
	headline("mailslot " HS " B, " w8 " ÷ " lab(DG), mps(MS, HS, WR[1]), mps(DG, HS, WR[1]))
	headline("mailslot " HS " B, " w8 " ÷ " w1, mps(MS, HS, WR[1]), mps(MS, HS, WR[0]))
	headline("AF_UNIX dgram " HS " B, " w8 " ÷ " w1, mps(DG, HS, WR[1]), mps(DG, HS, WR[0]))
	headline("POSIX mq " HS " B, " w8 " ÷ " w1, mps(MQ, HS, WR[1]), mps(MQ, HS, WR[0]))
	headline("mailslot Win32 API ÷ native API, " HS " B, " w1, mps(W32, HS, WR[0]),
	    mps(MS, HS, WR[0]))
	if (RSTATE == "done")
		for (i = 0; i < nr; i++)
			headline("remote mailslot " RSZ[i] " B (two mailslotd) ÷ raw UDP", RM[i], RU[i])
	split(DG " " MQ, peer, " ")
	for (mode = 0; mode < 2; mode++)
		for (p = 1; p <= 2; p++) {
			mine = p50(MS, HS, mode)
			partial = mine == 0 && partial_p50(MS, HS, mode) > 0
			if (partial)
				mine = partial_p50(MS, HS, mode)
			what = "mailslot p50 latency " HS " B ÷ " lab(peer[p]) ", " \
			    (mode == 0 ? "two CPUs" : "one CPU") \
			    (partial ? " (**partial**: until the mailslot stalled)" : "")
			headline(what, mine, p50(peer[p], HS, mode), "µs")
		}
	print ""
}
function write_tput(    w, m) {
	for (w = 0; w < nw; w++) {
		printf "## Throughput, %s → 1 reader\n\nMessages per second (and MB/s, " \
		    "MB = 10⁶ bytes of payload), median of %s.\n\n",
		    plural(WR[w], "writer"), plural(P["runs"], "run")
		size_header("mechanism")
		for (m = 0; m < nm; m++)
			row(LABEL[ID[m]], "tput", ID[m], WR[w])
		print ""
	}
	if (P["have_mailslot"]) {
		print "## Mailslot throughput ÷ each peer\n\nNative-API mailslot messages/s " \
		    "divided by the peer's (above 1: the mailslot is faster).\n"
		size_header("peer, writers")
		for (m = 0; m < nm; m++)
			for (w = 0; w < nw && ID[m] != MS; w++)
				row(LABEL[ID[m]] ", " WR[w], "vs", ID[m], WR[w])
		print ""
	}
	printf "## %s ÷ %s\n\nHow each mechanism copes with contention on one reader " \
	    "(above 1: more writers move more messages).\n\n",
	    plural(WR[1], "writer"), plural(WR[0], "writer")
	size_header("mechanism")
	for (m = 0; m < nm; m++)
		row(LABEL[ID[m]], "contention", ID[m])
	print ""
}
function write_lat(    title, mode, m) {
	title[0] = "the two processes on two CPUs"; title[1] = "both processes on one CPU"
	printf "## One-way latency\n\nMicroseconds, p50 / p99 / p99.9: half of a ping-pong " \
	    "round trip between two processes, each reading its own endpoint and writing " \
	    "the other's; %d round trips per run after %d of warm-up, median of %s.  The " \
	    "processes are pinned (CPUs %d and %d), since left alone the scheduler moves " \
	    "them between the two cases below and the figure jumps between them.\n\n",
	    P["lat_rounds"], int(P["lat_rounds"] / 10), plural(P["runs"], "run"),
	    P["cpu0"], P["cpu1"]
	for (mode = 0; mode < 2; mode++) {
		print "### " toupper(substr(title[mode], 1, 1)) substr(title[mode], 2) "\n"
		size_header("mechanism")
		for (m = 0; m < nm; m++)
			row(LABEL[ID[m]], "lat", ID[m], mode)
		print ""
		if (!P["have_mailslot"])
			continue
		print "Mailslot p50 ÷ peer p50, " title[mode] \
		    " (below 1: the mailslot is quicker):\n"
		size_header("peer")
		for (m = 0; m < nm; m++)
			if (ID[m] != MS)
				row(LABEL[ID[m]], "latvs", ID[m], mode)
		print ""
	}
}
function each(ms, count) {
	return sprintf("%.0f ms (%.1f µs each)", ms, count > 0 ? ms * 1e3 / count : 0)
}
# scale_cell is one cell of the scale table: what `what` says of endpoint i.
function scale_cell(what, i,    last, st) {
	if (what == "count")
		return sprintf("%d / %d / %d of %d%s", SC[i, "created"], SC[i, "written"],
		    SC[i, "read"], SC[i, "target"], SC[i, "capped"] ? " (descriptor limit)" \
		    : SC[i, "ok"] ? "" : "**(incomplete)**")
	if (what == "create")
		return each(SC[i, "create_ms"], SC[i, "created"])
	if (what == "curve")
		return sprintf("%.1f → %.1f µs", CU[i, 0],
		    SC[i, "steps"] > 0 ? CU[i, SC[i, "steps"] - 1] : 0)
	if (what == "rss")
		return bytes(SC[i, "owner_rss_per"]) " (" \
		    bytes(SC[i, "owner_rss_per"] * SC[i, "created"]) " for all)"
	if (what == "rss_msg")
		return bytes(SC[i, "owner_rss_msg"])
	if (what == "fds")
		return sprintf("%.2f / %.2f", SC[i, "owner_fds_per"], SC[i, "owner_fds_end"])
	if (what == "threads")
		return SC[i, "owner_threads"]
	if (what == "slab")
		return bytes(SC[i, "created"] ? SC[i, "slab_kb"] * 1024 / SC[i, "created"] : 0)
	if (what == "open")
		return each(SC[i, "open_ms"], SC[i, "written"])
	if (what == "open_curve") {
		for (st = 0; st < P["scale_steps"]; st++)
			if (OU[i, st] > 0)
				last = st
		return sprintf("%.1f → %.1f µs", OU[i, 0], OU[i, last + 0])
	}
	if (what == "client")
		return sprintf("%s, %.2f descriptors", bytes(SC[i, "client_rss_per"]),
		    SC[i, "client_fds_per"])
	if (what == "client_end")
		return bytes(SC[i, "client_rss_end"])
	if (what == "read")
		return each(SC[i, "read_ms"], SC[i, "read"])
	return sprintf("%.0f ms", SC[i, "close_ms"])
}
function write_scale(    target, i, rows, r, line, st, steps) {
	target = nsc > 0 ? SC[0, "target"] : P["scale_target"]
	steps = P["scale_steps"]
	printf "## Scale: %d endpoints in one process\n\nOne process creates them " \
	    "(RLIMIT_NOFILE raised to its hard limit) and then idles; a second process " \
	    "opens each, writes one 64-byte message and closes the handle, as a Windows " \
	    "client does (CreateFile, WriteFile, CloseHandle); the owner then reads every " \
	    "message back.  RSS figures are deltas of /proc/self/statm divided by the " \
	    "number of endpoints; one endpoint is created and closed first so one-time " \
	    "library set-up is not counted.  What an open writer handle costs is measured " \
	    "on %d handles held open at once.  A bound AF_UNIX datagram socket (the writer " \
	    "connects) is the yardstick.\n\n", target, P["scale_probe"]
	for (i = 0; i < nsc; i++)
		if (SC[i, "capped"])
			printf "**%s: %d of %d created.**  Each idle one holds %.0f descriptor%s " \
			    "and RLIMIT_NOFILE is %d here (the hard limit; raising it needs " \
			    "CAP_SYS_RESOURCE), so creation stopped where %d descriptors were " \
			    "still free for writers' connections.\n\n", SC[i, "label"],
			    SC[i, "created"], SC[i, "target"], SC[i, "owner_fds_per"],
			    SC[i, "owner_fds_per"] == 1 ? "" : "s", SC[i, "nofile"],
			    P["fd_headroom"]
	line = "| | "
	for (i = 0; i < nsc; i++)
		line = line SC[i, "label"] " | "
	line = line "\n|---|"
	for (i = 0; i < nsc; i++)
		line = line "---:|"
	print line
	r = split("count=created / written / read back|create=create all|" \
	    "curve=µs per create, first → last tenth|rss=owner RSS per idle endpoint|" \
	    "rss_msg=owner RSS per endpoint holding one message|" \
	    "fds=owner descriptors per endpoint: idle / after the writers|" \
	    "threads=owner threads with all created|" \
	    "slab=kernel slab growth per endpoint (system-wide, noisy)|" \
	    "open=open + write + close, all|" \
	    "open_curve=µs per open + write + close, first → last tenth|" \
	    "client=writer cost of one open handle|" \
	    "client_end=writer RSS growth per open + write + close|" \
	    "read=owner reads every message|close=owner closes every endpoint", rows, "|")
	for (k = 1; k <= r; k++) {
		split(rows[k], kv, "=")
		line = "| " kv[2] " |"
		for (i = 0; i < nsc; i++)
			line = line " " scale_cell(kv[1], i) " |"
		print line
	}
	line = "\nTime per operation in each tenth of the run (µs), the curve in the " \
	    "chart:\n\n| endpoints |"
	for (i = 0; i < nsc; i++)
		line = line " create, " SC[i, "label"] " | open + write + close, " SC[i, "label"] " |"
	line = line "\n|---:|"
	for (i = 0; i < nsc; i++)
		line = line "---:|---:|"
	print line
	for (st = 0; st < steps; st++) {
		line = "| " int((st + 1) * target / steps) " |"
		for (i = 0; i < nsc; i++)
			line = line (st < SC[i, "steps"] ? sprintf(" %.1f | %.1f |", CU[i, st],
			    OU[i, st]) : " — | — |")
		print line
	}
	print ""
}
function write_remote(    i) {
	print "## Remote path: two mailslotd vs raw UDP\n\nA writer on host A writes to " \
	    "`\\\\<B>\\mailslot\\x`: its library hands each message to A's mailslotd " \
	    "(through the local outbox mailslot), which sends a NetBIOS datagram from port " \
	    "138 to B's mailslotd, which delivers it into the local mailslot that the " \
	    "reader on B reads.  Raw UDP is one socket on A sending to one socket on B with " \
	    "the same 4 MiB receive buffer.  The hosts are two network namespaces on a veth " \
	    "pair (bench/remote_setup.sh); all five processes share this machine's CPUs.  " \
	    "Rates are what arrived; then raw UDP is paced down until it loses nothing, and " \
	    "the mailslot path runs paced at that rate.\n"
	if (RSTATE != "done") {
		print "Not measured in this run: " RWHY ".\n"
		return
	}
	print "| size | mailslot via two mailslotd | raw UDP | ratio | lost (mailslot / UDP) " \
	    "| lossless UDP rate | mailslot lost at that rate |\n" \
	    "|---:|---:|---:|---:|---:|---:|---:|"
	for (i = 0; i < nr; i++)
		printf "| %d B | %s/s | %s/s | %s | %d / %d | %s/s%s | %d of %d |\n", RSZ[i],
		    rate(RM[i]), rate(RU[i]), ratio(RM[i], RU[i]), RML[i], RUL[i], rate(RPR[i]),
		    RPF[i] ? "" : " (UDP still lost some)", RPL[i], RCOUNT
	printf "\n%d messages per run, median of %s.\n\n", RCOUNT, plural(P["runs"], "run")
}
# tput_notes gives one line per throughput cell that needs a word in
# `pass`: 1 n/a, failed or lossy; 3 spread wide; 4 refused "full".
function tput_notes(pass,    m, w, s, k, what, out) {
	for (m = 0; m < nm; m++)
		for (w = 0; w < nw; w++)
			for (s = 0; s < ns; s++) {
				k = ID[m] SUBSEP SZ[s] SUBSEP WR[w]
				what = "- " LABEL[ID[m]] ", " SZ[s] " B, " plural(WR[w], "writer") ": "
				if (pass == 1 && (TS[k] == "na" || TS[k] == "failed"))
					out = out what (TS[k] == "failed" ? "**failed**: " : "n/a: ") \
					    TW[k] "\n"
				else if (pass == 1 && TS[k] == "done" && TL[k] > 0)
					out = out what TL[k] " of " COUNT[SZ[s]] " messages lost in the " \
					    "worst run (the rate counts delivered ones)\n"
				else if (pass == 3 && TS[k] == "done" && TSP[k] > 0.2)
					out = out what sprintf("the runs spread over %.0f%% of the " \
					    "median\n", TSP[k] * 100)
				else if (pass == 4 && TF[k] > 0)
					out = out what "writers were refused \"full\" " TF[k] " times " \
					    "and retried after " P["full_backoff_ns"] / 1000 " µs\n"
			}
	return out
}
function write_na(    out, m, s, mode, k) {
	print "## Not applicable, failed and lossy cells\n"
	out = tput_notes(1)
	for (m = 0; m < nm; m++)
		for (s = 0; s < ns; s++)
			for (mode = 0; mode < 2; mode++) {
				k = ID[m] SUBSEP SZ[s] SUBSEP mode
				if (LS[k] == "failed")
					out = out "- latency on " plural(2 - mode, "CPU") ", " \
					    LABEL[ID[m]] ", " SZ[s] " B: **failed**: " LW[k] "\n"
			}
	out = out tput_notes(3) tput_notes(4)
	printf "%s\n", out == "" ? "None.\n" : out
}
function write_method(    s, counts) {
	for (s = 0; s < ns; s++)
		counts = counts (s ? ", " : "") COUNT[SZ[s]] " for " SZ[s] " B"
	printf "## Method\n\n" \
	    "- **Processes.** Every reader and every writer is its own process (fork); the " \
	    "harness only starts them, releases the writers and collects results over " \
	    "pipes.  Throughput runs are not pinned: reader and writers share the " \
	    "machine's %d CPUs as an application's would.\n" \
	    "- **Throughput.** The reader creates its endpoint, the writers open it and " \
	    "report ready; the clock (CLOCK_MONOTONIC) starts just before they are released " \
	    "and stops when the reader has received the last message, so every message is " \
	    "counted from send to receive and set-up is not.  Each writer sends the total " \
	    "divided by the number of writers.  Messages per run: %s.  Every received size " \
	    "is checked.  %s\n", P["nproc"], counts,
	    P["quick"] ? "" : "A warm-up run of a tenth of the messages precedes each point."
	printf "- **Latency.** Ping-pong halved rather than timestamps in the message: a " \
	    "0-byte message has no room for a timestamp, and one clock in one process avoids " \
	    "comparing clocks across CPUs.  It measures an idle reader being woken, the " \
	    "latency an application sees when traffic is light; under load, queueing " \
	    "dominates and the throughput tables apply.  Each process is pinned with " \
	    "sched_setaffinity before it creates its endpoint, so threads a library starts " \
	    "run on the same CPU.\n" \
	    "- **Runs.** %d measured %s per point, the median reported%s.\n" \
	    "- **Stalls.** A throughput reader gets %g s plus %g µs a message (a quarter of " \
	    "the slowest healthy peer's rate) before it is killed; the cell then says how " \
	    "many messages arrived in that time.  A ping-pong in which a written message is " \
	    "not read within %g s stops, and the cell says after how many round trips.  " \
	    "Either is a defect of the mechanism, never a figure to average.\n" \
	    "- **Mailslot.** Created with the library defaults (any message size, default " \
	    "quota).  A write refused with \"full\" (MAILSLOT_E_FULL, or " \
	    "ERROR_NOT_ENOUGH_QUOTA through Win32) is retried after %g µs and counted " \
	    "below.\n", P["runs"], P["runs"] == 1 ? "run" : "runs",
	    (P["runs"] > 1 ? " (latency: the median of each percentile)" : ""),
	    P["watchdog_ms"] / 1000, P["watchdog_us_per_msg"], P["recv_timeout_ms"] / 1000,
	    P["full_backoff_ns"] / 1000
	printf "- **AF_UNIX.** Abstract-namespace addresses; dgram writers connect() then " \
	    "send(); seqpacket has one connection per writer and the reader polls them; " \
	    "default buffers (max_dgram_qlen 10).\n" \
	    "- **POSIX mq.** As large as the limits allow an unprivileged creator: " \
	    "mq_maxmsg = fs.mqueue.msg_max, mq_msgsize = msgsize_max, so sizes above 8192 B " \
	    "are n/a.\n" \
	    "- **FIFO.** Every message is one record of exactly the run's size, read with " \
	    "one read() per record; only records up to PIPE_BUF are atomic, so more than one " \
	    "writer above 4096 B is n/a, as is a 0-byte record.\n" \
	    "- **UDP.** 127.0.0.1, writers connect(); the reader asks for a 4 MiB " \
	    "SO_RCVBUF.  Datagrams that are dropped are reported, and the run ends %d ms " \
	    "after the last arrival.  65,536 B exceeds the largest UDP payload (65,507 " \
	    "B).\n\n", P["udp_idle_ms"]
}
function write_machine(    lib) {
	lib = P["libmailslot"] == "" ? "not built: peers only" : P["libmailslot"] \
	    (P["have_win32"] ? ", native and Win32 APIs" : ", native API only")
	print "## Machine\n\n| | |\n|---|---|"
	print "| date | " P["date"] " |\n| CPUs (nproc) | " P["nproc"] " |"
	print "| CPU model | " P["cpu"] " |\n| kernel | " P["kernel"] " |"
	print "| memory | " bytes(P["memory"]) " |"
	printf "| load average (1 min), start / end | %.2f / %.2f |\n", P["load_start"],
	    P["load_end"]
	print "| compiler | " P["compiler"] " |"
	printf "| kernel limits | net.unix.max_dgram_qlen %d, fs.mqueue.msg_max %d, " \
	    "fs.mqueue.msgsize_max %d, net.core.rmem_max %d |\n", P["max_dgram_qlen"],
	    P["msg_max"], P["msgsize_max"], P["rmem_max"]
	print "| libmailslot | " lib " |"
	printf "| run | %s, %s per point (median), %.0f s in all |\n\n",
	    P["quick"] ? "**--quick (smoke test: counts too small to compare)**" : "full",
	    plural(P["runs"], "run"), P["seconds"]
}

# ---- Chart data -------------------------------------------------------------

function write_dat(    w, file, line, s, m, i, st, k) {
	for (w = 0; w < nw; w++) {
		file = dat "/tput" WR[w] ".dat"
		line = "idx size"
		for (m = 0; m < nm; m++)
			line = line " \"" LABEL[ID[m]] "\""
		print line > file
		for (s = 0; s < ns; s++) {
			line = s " " SZ[s]
			for (m = 0; m < nm; m++) {
				k = ID[m] SUBSEP SZ[s] SUBSEP WR[w]
				line = line (TS[k] == "done" ? sprintf(" %.0f", TM[k]) : " ?")
			}
			print line > file
		}
		close(file)
	}
	# One block per mechanism, each with its own header, since a capped
	# run ends short of the others.
	file = dat "/scale.dat"
	printf "" > file
	for (i = 0; i < nsc; i++) {
		printf "%sendpoints \"create, %s\" \"open + write + close, %s\"\n",
		    i ? "\n\n" : "", SC[i, "label"], SC[i, "label"] > file
		for (st = 0; st < SC[i, "steps"]; st++) {
			x = (st + 1) * int(SC[i, "target"] / P["scale_steps"])
			printf "%d %.3f %.3f\n", x < SC[i, "created"] ? x : SC[i, "created"],
			    CU[i, st], OU[i, st] > file
		}
	}
	close(file)
	# Zero rates when the remote part did not run, so its panel stays empty.
	file = dat "/remote.dat"
	print "size \"mailslot via two mailslotd\" \"raw UDP\"" > file
	for (i = 0; i < nr; i++)
		printf "%d %.0f %.0f\n", RSZ[i], RSTATE == "done" ? RM[i] : 0,
		    RSTATE == "done" ? RU[i] : 0 > file
	close(file)
}

END {
	print "# Benchmarks\n\nWritten by `make bench` (bench/run.sh runs msl_bench): do not " \
	    "edit by hand, run it again.  The local mailslot is measured against the kernel " \
	    "mechanisms an application would otherwise use, in the same run on the same " \
	    "machine; read the ratios, since absolute figures move between machines.\n"
	print "![Throughput by message size, and time per operation while " \
	    P["scale_target"] " endpoints accumulate](benchmarks.png)\n"
	write_machine()
	if (int(P["parts"] / 1) % 2)
		write_headline()
	if (int(P["parts"] / 1) % 2)
		write_tput()
	if (int(P["parts"] / 2) % 2)
		write_lat()
	if (int(P["parts"] / 4) % 2)
		write_scale()
	if (int(P["parts"] / 8) % 2)
		write_remote()
	write_na()
	write_method()
	if (dat != "")
		write_dat()
}
