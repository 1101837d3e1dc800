#!/usr/bin/awk -f
# report.awk - docs/benchmarks.md from the results.tsv that msl_bench
# writes (bench/report.c describes its records) and the template
# bench/report.md.in, which holds the report's prose.  With -v dat=DIR it
# also writes the chart data that bench/benchmarks.gp draws into DIR
# (tput<writers>.dat, scale.dat, remote.dat, and chart.gp naming the
# writer counts).
#
#   awk -f bench/report.awk docs/benchmarks.tsv bench/report.md.in > docs/benchmarks.md
#
# In the template, @name@ is a value of the run, a line @@name@@ is a table
# built here, and @@if part@@ ... @@end@@ keeps its lines only when that
# part of the run happened.  Sizes, writer counts, mechanisms and settings
# all come from the data, so nothing here restates them.  Lines of the data
# file that start with "#" are comments.
BEGIN {
	FS = "\t"
	ns = nw = nm = nsc = nr = nch = 0
	# The size and the mechanisms the headline compares.
	HS = 64; MS = "mailslot"; W32 = "win32"; MQ = "mq"; DG = "dgram"
	ZMQ = "zmq"; RING = "ring"
	# The kernel peers "the fastest kernel peer" is chosen among.
	NKP = split("dgram seqpacket mq fifo", KP, " ")
	KPN["dgram"] = "dgram"; KPN["seqpacket"] = "seqpacket"; KPN["mq"] = "mq"; KPN["fifo"] = "FIFO"
	# Stalls with at least this many round trips show their p50, marked.
	PARTIAL_MIN = 100
	NA["na"] = "n/a"; NA["failed"] = "failed"; NA["notrun"] = "—"
}
NR != FNR { template(); next }
/^#/ { next }
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
$1 == "churn" { CHID[nch++] = $2; CHS[$2] = $3; CHM[$2] = $4; CHSP[$2] = $5; CHN = $6; CHW[$2] = $7; next }
$1 == "remote" { RSTATE = $2; RCOUNT = $3; RWHY = $4; next }
# The remote datagrams spread over many mailslots (remote.c).
$1 == "rspread" {
	nsp += 0
	SPN[nsp] = $2; SPC = $3; SPM[nsp] = $4; SPL[nsp] = $5; nsp++
	next
}
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
# thousands writes an integer with commas between groups of three digits.
function thousands(n,    s) {
	for (s = ""; n >= 1000; n = int(n / 1000))
		s = sprintf(",%03d", n % 1000) s
	return n s
}
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

# ---- Tables -----------------------------------------------------------------

# headline prints a row comparing a with b (rates, or `unit` figures); a
# target "op goal" (">= 1", "<= 2") is shown and judged when given.
function headline(what, a, b, unit, target, why,    x, y) {
	x = unit == "" ? rate(a) "/s" : sprintf("%.1f %s", a, unit)
	y = unit == "" ? rate(b) "/s" : sprintf("%.1f %s", b, unit)
	printf "| %s | %s | %s vs %s | %s |\n", what, ratio(a, b), (a > 0 ? x : "—"),
	    (b > 0 ? y : why != "" ? why : "—"), goal(a > 0 && b > 0, a / (b > 0 ? b : 1), target, "×")
}
# goal shows target "op value" and whether figure v (known: have) meets it.
function goal(have, v, target, unit,    t, met) {
	if (target == "")
		return ""
	split(target, t, " ")
	met = t[1] == ">=" ? v >= t[2] : t[1] == "<=" ? v <= t[2] : v == t[2]
	return (t[1] == ">=" ? "≥ " : t[1] == "<=" ? "≤ " : "all ") t[2] unit \
	    (!have ? "" : met ? ": met" : ": **not met**")
}
# fastest returns the kernel peer with the highest rate at size, w writers.
function fastest(size, w,    i, best) {
	best = ""
	for (i = 1; i <= NKP; i++)
		if (mps(KP[i], size, w) > 0 && (best == "" || mps(KP[i], size, w) > mps(best, size, w)))
			best = KP[i]
	return best
}
# worst_size returns the size at which the mailslot does worst against the
# fastest kernel peer with w writers ("" when nothing compares).
function worst_size(w,    s, r, best, worst, wr) {
	worst = ""
	for (s = 0; s < ns; s++) {
		best = fastest(SZ[s], w)
		if (best == "" || mps(MS, SZ[s], w) <= 0)
			continue
		r = mps(MS, SZ[s], w) / mps(best, SZ[s], w)
		if (worst == "" || r < wr) {
			worst = SZ[s]; wr = r
		}
	}
	return worst
}
# churn_us is the µs one open + write + close took through id (0: none).
function churn_us(id) { return CHS[id] == "done" && CHM[id] > 0 ? 1e6 / CHM[id] : 0 }
function churn_headline() {
	if (ON["churn"])
		headline("open + write + close of one " P["scale_msg"] " B message ÷ AF_UNIX dgram " \
		    "(socket, connect, send, close)", churn_us(MS), churn_us(DG), "µs", "<= 2")
}
# scale_index returns the scale run whose label starts with prefix, or -1.
function scale_index(prefix,    i) {
	for (i = 0; i < nsc; i++)
		if (index(SC[i, "label"], prefix) == 1)
			return i
	return -1
}
function scale_headlines(    i, d, yard) {
	i = scale_index("mailslot"); d = scale_index("AF_UNIX")
	if (!ON["scale"] || i < 0)
		return
	yard = d < 0 ? "" : "a bound AF_UNIX dgram socket: "
	figure_row("mailslot descriptors per idle endpoint (/proc/self/fd before and after creating " \
	    SC[i, "created"] ")", sprintf("%.2f", SC[i, "owner_fds_per"]),
	    yard == "" ? "" : yard sprintf("%.2f", SC[d, "owner_fds_per"]), SC[i, "created"] > 0,
	    SC[i, "owner_fds_per"], "<= 1", "")
	figure_row("mailslot owner memory per idle endpoint (RSS delta of /proc/self/statm)",
	    bytes(SC[i, "owner_rss_per"]), yard == "" ? "" : yard bytes(SC[d, "owner_rss_per"]),
	    SC[i, "created"] > 0, SC[i, "owner_rss_per"] / 1024, "<= 1.2", " KiB")
	figure_row("mailslots created / written once of " SC[i, "target"] ", RLIMIT_NOFILE " \
	    SC[i, "nofile"], SC[i, "created"] " / " SC[i, "written"], "", 1,
	    SC[i, "written"] < SC[i, "created"] ? SC[i, "written"] : SC[i, "created"],
	    "= " SC[i, "target"], "")
}
# kernel_best is the table of the mailslot against the fastest kernel peer
# at each size, with that peer and its rate.
function kernel_best(    w, s, line, best) {
	size_header("writers")
	for (w = 0; w < nw; w++) {
		line = "| " plural(WR[w], "writer") " |"
		for (s = 0; s < ns; s++) {
			best = fastest(SZ[s], WR[w])
			line = line " " (best == "" ? "—" : ratio(mps(MS, SZ[s], WR[w]),
			    mps(best, SZ[s], WR[w])) " vs " KPN[best] " " rate(mps(best, SZ[s], WR[w]))) " |"
		}
		print line
	}
}
function churn_table(    i, id) {
	print "| mechanism | µs per open + write + close | cycles per second | ÷ " lab(DG) " |"
	print "|---|---:|---:|---:|"
	for (i = 0; i < nch; i++) {
		id = CHID[i]
		printf "| %s | %s | %s | %s |\n", lab(id),
		    CHS[id] == "done" ? sprintf("%.1f", churn_us(id)) : NA[CHS[id]],
		    CHS[id] == "done" ? rate(CHM[id]) : "—", ratio(churn_us(id), churn_us(DG))
	}
}
# A row that states a figure against a target, without a ratio.
function figure_row(what, fig, vs, have, v, target, unit) {
	printf "| %s | %s | %s | %s |\n", what, have ? fig : "—", vs, goal(have, v, target, unit)
}
function headlines(    w1, w8, i, mode, p, mine, partial, peer, w, ws, best) {
	w1 = V["one"]; w8 = V["many"]
	if (!P["have_mailslot"])
		print "| mailslot (library not built in this run) | — | — | |"
	headline("mailslot " HS " B, " w1 " ÷ " lab(ZMQ), mps(MS, HS, WR[0]), mps(ZMQ, HS, WR[0]),
	    "", ">= 1.0", TW[ZMQ, HS, WR[0]])
	headline("mailslot " HS " B, " w1 " ÷ " lab(RING), mps(MS, HS, WR[0]),
	    mps(RING, HS, WR[0]), "", ">= 0.5", TW[RING, HS, WR[0]])
	headline("mailslot " HS " B, " w8 " ÷ " w1, mps(MS, HS, WR[1]), mps(MS, HS, WR[0]), "",
	    ">= 1.0")
	for (w = 0; w < nw; w++) {
		ws = worst_size(WR[w])
		best = ws == "" ? "" : fastest(ws, WR[w])
		headline("mailslot ÷ the fastest kernel peer, " plural(WR[w], "writer") ", worst size" \
		    (ws == "" ? "" : " (" ws " B, " lab(best) ")"), ws == "" ? 0 : mps(MS, ws, WR[w]),
		    ws == "" ? 0 : mps(best, ws, WR[w]), "", ">= 1.0")
	}
	churn_headline()
	scale_headlines()
	headline("mailslot " HS " B, " w1 " ÷ " lab(MQ), mps(MS, HS, WR[0]), mps(MQ, HS, WR[0]))
	headline("mailslot " HS " B, " w1 " ÷ " lab(DG), mps(MS, HS, WR[0]), mps(DG, HS, WR[0]))
	headline("mailslot " HS " B, " w8 " ÷ " lab(DG), mps(MS, HS, WR[1]), mps(DG, HS, WR[1]))
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
			headline("mailslot p50 latency " HS " B ÷ " lab(peer[p]) ", " \
			    (mode == 0 ? "two CPUs" : "one CPU") \
			    (partial ? " (**partial**: until the mailslot stalled)" : ""),
			    mine, p50(peer[p], HS, mode), "µs", peer[p] == DG ? "<= 1.2" : "")
		}
}
# mechanisms prints one row of table `kind` per mechanism but `except`.
function mechanisms(kind, b, except,    m) {
	for (m = 0; m < nm; m++)
		if (ID[m] != except)
			row(LABEL[ID[m]], kind, ID[m], b)
}
function throughput(    w) {
	for (w = 0; w < nw; w++) {
		printf "## Throughput, %s → 1 reader\n\nMessages per second (and MB/s, " \
		    "MB = 10⁶ bytes of payload), median of %s.\n\n", plural(WR[w], "writer"),
		    V["runs_text"]
		size_header("mechanism")
		mechanisms("tput", WR[w])
		print ""
	}
}
function peers(    m, w) {
	size_header("peer, writers")
	for (m = 0; m < nm; m++)
		for (w = 0; w < nw && ID[m] != MS; w++)
			row(LABEL[ID[m]] ", " WR[w], "vs", ID[m], WR[w])
}
function latency(    title, mode) {
	title[0] = "the two processes on two CPUs"; title[1] = "both processes on one CPU"
	for (mode = 0; mode < 2; mode++) {
		print "### " toupper(substr(title[mode], 1, 1)) substr(title[mode], 2) "\n"
		size_header("mechanism")
		mechanisms("lat", mode)
		print ""
		if (!P["have_mailslot"])
			continue
		print "Mailslot p50 ÷ peer p50, " title[mode] " (below 1: the mailslot is quicker):\n"
		size_header("peer")
		mechanisms("latvs", mode, MS)
		print ""
	}
}
# scale prints a note per run the descriptor limit cut short, then the
# scale table: one row per figure, each a key of scale_cell and a label.
function scale(    i, r, k, rows, kv, line) {
	for (i = 0; i < nsc; i++)
		if (SC[i, "capped"])
			printf "**%s: %d of %d created.**  Each idle one holds %.0f descriptor%s " \
			    "and the scale part runs under RLIMIT_NOFILE = %d, so creation stopped " \
			    "where %d descriptors were still free for writers' connections.\n\n",
			    SC[i, "label"],
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
}
function steps(    i, st, line) {
	line = "| endpoints |"
	for (i = 0; i < nsc; i++)
		line = line " create, " SC[i, "label"] " | open + write + close, " SC[i, "label"] " |"
	line = line "\n|---:|"
	for (i = 0; i < nsc; i++)
		line = line "---:|---:|"
	print line
	for (st = 0; st < P["scale_steps"]; st++) {
		line = "| " int((st + 1) * V["scale_shown"] / P["scale_steps"]) " |"
		for (i = 0; i < nsc; i++)
			line = line (st < SC[i, "steps"] ? sprintf(" %.1f | %.1f |", CU[i, st],
			    OU[i, st]) : " — | — |")
		print line
	}
}
function remote(    i) {
	for (i = 0; i < nr; i++)
		printf "| %d B | %s/s | %s/s | %s | %d / %d | %s/s%s | %d of %d |\n", RSZ[i],
		    rate(RM[i]), rate(RU[i]), ratio(RM[i], RU[i]), RML[i], RUL[i], rate(RPR[i]),
		    RPF[i] ? "" : " (UDP still lost some)", RPL[i], RCOUNT
}
# spread is the table of remote datagrams spread over many mailslots.
function spread(    i) {
	for (i = 0; i < nsp; i++)
		if (SPL[i] < 0)
			printf "| %s | **failed** (msl_bench's log says why) | | |\n", SPN[i]
		else
			printf "| %s | %s/s | %d of %d | %s |\n", SPN[i], rate(SPM[i]), SPL[i], SPC,
			    ratio(SPM[i], SPM[0])
}
function notes(    out, m, s, mode, k) {
	out = tput_notes("state")
	for (m = 0; m < nm; m++)
		for (s = 0; s < ns; s++)
			for (mode = 0; mode < 2; mode++) {
				k = ID[m] SUBSEP SZ[s] SUBSEP mode
				if (LS[k] == "failed")
					out = out "- latency on " plural(2 - mode, "CPU") ", " \
					    LABEL[ID[m]] ", " SZ[s] " B: **failed**: " LW[k] "\n"
			}
	for (m = 0; m < nch; m++)
		if (CHS[CHID[m]] != "done")
			out = out "- open + write + close, " lab(CHID[m]) ": **" NA[CHS[CHID[m]]] "**: " \
			    CHW[CHID[m]] "\n"
	out = out tput_notes("spread") tput_notes("full")
	printf "%s", out == "" ? "None.\n" : out
}

# ---- The template -------------------------------------------------------------

# values fills V, the @name@ values of the template, once the data is read.
function values(    s) {
	for (s in P)
		V[s] = P[s]
	V["one"] = plural(WR[0], "writer"); V["many"] = plural(WR[1], "writer")
	V["runs_text"] = plural(P["runs"], "run")
	V["runs_measured"] = P["runs"] " measured " (P["runs"] == 1 ? "run" : "runs")
	V["runs_median"] = P["runs"] > 1 ? " (latency: the median of each percentile)" : ""
	V["memory_text"] = bytes(P["memory"])
	V["load_text"] = sprintf("%.2f / %.2f", P["load_start"], P["load_end"])
	V["lib_text"] = P["libmailslot"] == "" ? "not built: peers only" : P["libmailslot"] \
	    (P["have_win32"] ? ", native and Win32 APIs" : ", native API only")
	V["zmq_text"] = P["libzmq"] == "" ? "not built: the ZeroMQ peer is not measured" \
	    : "libzmq " P["libzmq"]
	V["run_text"] = P["quick"] ? "**--quick (smoke test: counts too small to compare)**" \
	    : "full"
	V["seconds_text"] = sprintf("%.0f", P["seconds"])
	V["lat_warmup"] = int(P["lat_rounds"] / 10)
	V["scale_shown"] = nsc > 0 ? SC[0, "target"] : P["scale_target"]
	V["remote_count"] = RCOUNT; V["remote_why"] = RWHY
	for (s = 0; s < ns; s++)
		V["counts_text"] = V["counts_text"] (s ? ", " : "") COUNT[SZ[s]] " for " SZ[s] " B"
	V["warmup_text"] = P["quick"] ? "" \
	    : "A warm-up run of a tenth of the messages precedes each point."
	V["watchdog_s"] = P["watchdog_ms"] / 1000
	V["recv_timeout_s"] = P["recv_timeout_ms"] / 1000
	V["backoff_us"] = P["full_backoff_ns"] / 1000
	V["udp_rcvbuf_mib"] = P["udp_rcvbuf"] / (1024 * 1024)
	if (SZ[ns - 1] > P["udp_max_payload"])
		V["udp_note"] = thousands(SZ[ns - 1]) " B exceeds the largest UDP payload (" \
		    thousands(P["udp_max_payload"]) " B)."
	# The parts of the run that @@if@@ can name.
	ON["tput"] = int(P["parts"]) % 2; ON["lat"] = int(P["parts"] / 2) % 2
	ON["scale"] = int(P["parts"] / 4) % 2; ON["remote"] = int(P["parts"] / 8) % 2
	ON["churn"] = int(P["parts"] / 16) % 2; V["churn_count"] = CHN
	ON["mailslot"] = P["have_mailslot"] + 0
	ON["remote_done"] = RSTATE == "done"; ON["remote_missing"] = RSTATE != "done"
	ON["spread_done"] = RSTATE == "done" && nsp > 0; ON["spread_missing"] = !ON["spread_done"]
	if (dat != "")
		write_dat()
}
# subst replaces each @name@ of line by its value.
function subst(line,    out, i, j) {
	while ((i = index(line, "@")) > 0 && (j = index(substr(line, i + 1), "@")) > 0) {
		out = out substr(line, 1, i - 1) V[substr(line, i + 1, j - 1)]
		line = substr(line, i + j + 1)
	}
	return out line
}
function template(    what) {
	if (FNR == 1)
		values()
	if ($0 !~ /^@@.*@@$/) {
		if (!skip)
			print subst($0)
		return
	}
	what = substr($0, 3, length($0) - 4)
	if (what ~ /^if /)
		skip += skip || !ON[substr(what, 4)]
	else if (what == "end")
		skip -= skip > 0
	else if (!skip)
		table(what)
}
# table prints the table a @@name@@ line stands for.
function table(what) {
	if (what == "headline") headlines()
	else if (what == "throughput") throughput()
	else if (what == "peers") peers()
	else if (what == "contention") { size_header("mechanism"); mechanisms("contention") }
	else if (what == "latency") latency()
	else if (what == "scale") scale()
	else if (what == "steps") steps()
	else if (what == "remote") remote()
	else if (what == "kernel_best") kernel_best()
	else if (what == "churn") churn_table()
	else if (what == "spread") spread()
	else if (what == "notes") notes()
	else printf "report.awk: no table %s\n", what > "/dev/stderr"
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
# tput_notes gives one line per throughput cell that needs a word of
# `kind`: "state" (n/a, failed or lossy), "spread" (the runs spread wide)
# or "full" (writers were refused "full").
function tput_notes(kind,    m, w, s, k, what, out) {
	for (m = 0; m < nm; m++) {
		if (kind == "state" && all_na(ID[m]) != "") {
			out = out "- " LABEL[ID[m]] ": n/a at every size: " all_na(ID[m]) "\n"
			continue
		}
		for (w = 0; w < nw; w++)
			for (s = 0; s < ns; s++) {
				k = ID[m] SUBSEP SZ[s] SUBSEP WR[w]
				what = "- " LABEL[ID[m]] ", " SZ[s] " B, " plural(WR[w], "writer") ": "
				if (kind == "state" && (TS[k] == "na" || TS[k] == "failed"))
					out = out what (TS[k] == "failed" ? "**failed**: " : "n/a: ") \
					    TW[k] "\n"
				else if (kind == "state" && TS[k] == "done" && TL[k] > 0)
					out = out what TL[k] " of " COUNT[SZ[s]] " messages lost in the " \
					    "worst run (the rate counts delivered ones)\n"
				else if (kind == "spread" && TS[k] == "done" && TSP[k] > 0.2)
					out = out what sprintf("the runs spread over %.0f%% of the " \
					    "median\n", TSP[k] * 100)
				else if (kind == "full" && TF[k] > 0)
					out = out what "writers were refused \"full\" " TF[k] " times " \
					    "and retried after " V["backoff_us"] " µs\n"
			}
	}
	return out
}
# all_na returns the reason when every throughput cell of id is n/a for the
# same one (a peer this build could not measure), else "".
function all_na(id,    w, s, k, why) {
	why = ""
	for (w = 0; w < nw; w++)
		for (s = 0; s < ns; s++) {
			k = id SUBSEP SZ[s] SUBSEP WR[w]
			if (TS[k] != "na" || (why != "" && TW[k] != why))
				return ""
			why = TW[k]
		}
	return why
}
# ---- Chart data -------------------------------------------------------------

function write_dat(    w, file, line, s, m, i, st, k, x) {
	# The chart script learns the writer counts here, so that it names
	# neither them nor their files.
	file = dat "/chart.gp"
	line = ""
	for (w = 0; w < nw; w++)
		line = line (w ? " " : "") WR[w]
	print "tput_writers = \"" line "\"" > file
	close(file)
	for (w = 0; w < nw; w++) {
		file = dat "/tput" WR[w] ".dat"
		# A peer this build could not measure has no line to draw.
		line = "idx size"
		for (m = 0; m < nm; m++)
			if (all_na(ID[m]) == "")
				line = line " \"" LABEL[ID[m]] "\""
		print line > file
		for (s = 0; s < ns; s++) {
			line = s " " SZ[s]
			for (m = 0; m < nm; m++) {
				k = ID[m] SUBSEP SZ[s] SUBSEP WR[w]
				if (all_na(ID[m]) == "")
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

