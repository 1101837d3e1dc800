# SPDX-License-Identifier: MIT
# netlib.sh: helpers for the multi-host daemon tests, sourced by them.
#
# Each test builds its own small LAN out of network namespaces: a "switch"
# namespace holding a bridge, and one namespace per host, each joined to
# the bridge by a veth pair (eth0 on the host side) and numbered
# 10.R.0.X/24, R derived from the test's pid (each LAN has its own bridge,
# so even an equal R would not mix two runs).  Nothing is added to the root
# namespace, and the names carry the pid, so parallel runs never collide.
# An EXIT trap kills what the test started and deletes the namespaces,
# whatever happens; what a SIGKILLed run left is swept by the next one.
#
#   nl_init                      skip (exit 77) unless root with `ip netns`;
#                                sets NL_TMP (a private temp dir) and the trap
#   nl_host NAME X               create host NAME as 10.R.0.X; sets IP_NAME
#   nl_ns NAME                   the namespace name of host NAME
#   nl_run NAME CMD...           run CMD in host NAME, in the foreground
#   nl_bg NAME LOG CMD...        run CMD in host NAME in the background,
#                                stdout+stderr to LOG; NL_LAST_PID is its pid
#   nl_kill PID                  stop one background process (TERM, then KILL)
#   wait_until TIMEOUT_S CMD...  poll CMD until it succeeds; 1 on timeout
#   check NAME CMD...            count a pass or a failure
#   nl_summary                   print "N passed, N failed"; status 0 if none failed
#
# Daemon helpers (MAILSLOTD and MAILSLOT must name the binaries):
#   nl_conf                      write an empty configuration file, NL_CONF,
#                                that every daemon (-c) and CLI
#                                ($MAILSLOT_CONFIG) reads, so that no
#                                /etc/mailslot/mailslotd.conf leaks in
#   start_daemon HOST NBNAME [-o KEY=VALUE]...   start mailslotd (workgroup WG,
#                                log level debug), wait until `mailslot
#                                stats` answers; DPID_HOST is its pid
#   counter HOST COUNTER         one counter from `mailslot stats` (empty if none)
#   start_recv HOST NAME OUTFILE [ARGS...]  `mailslot recv NAME --json ARGS` in
#                                the background, waits until the mailslot exists
#   has_msg FILE DATA            FILE has a JSON line whose data is DATA
#   finish_daemons HOST...       check that each daemon is still running,
#                                stops on SIGTERM with status 0 and logged no
#                                sanitizer report

# Every test takes the same arguments (see CMakeLists.txt); a sourced file
# sees the sourcing script's positional parameters.
MAILSLOTD=${1:?usage: TEST MAILSLOTD MAILSLOT NBTOOL}
MAILSLOT=${2:?usage: TEST MAILSLOTD MAILSLOT NBTOOL}
NBTOOL=${3:?usage: TEST MAILSLOTD MAILSLOT NBTOOL}

NL_PFX="msl$$"
NL_R=$(( ($$ % 200) + 20 ))
NL_HOSTS=()
NL_PIDS=()
NL_SWITCH=""
NL_TMP=""
NL_CONF=""
NL_PASS=0
NL_FAIL=0

nl_log() { echo "[$(date +%T)] $*"; }

nl_skip() { echo "SKIP: $*"; exit 77; }

nl_cleanup() {
  local rc=$? pid ns p
  trap - EXIT INT TERM
  for pid in "${NL_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 20); do
    local alive=0
    for pid in "${NL_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for pid in "${NL_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  # Anything else still inside our namespaces was started by this test
  # (a forked child, a stray helper): end it by pid, then the namespace.
  for ns in "${NL_HOSTS[@]}" $NL_SWITCH; do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  done
  for ns in "${NL_HOSTS[@]}" $NL_SWITCH; do
    ip netns del "$ns" 2>/dev/null
  done
  if [ -n "$NL_TMP" ]; then
    if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ -z "${NL_KEEP:-}" ]; then
      nl_dump_logs
    fi
    [ -z "${NL_KEEP:-}" ] && rm -rf "$NL_TMP"
  fi
  exit $rc
}

# nl_dump_logs prints the tail of every log a failed test left, to help
# whoever reads the CTest output.
nl_dump_logs() {
  local f
  for f in "$NL_TMP"/*.log; do
    [ -f "$f" ] || continue
    echo "---- $(basename "$f") (last 40 lines) ----"
    tail -n 40 "$f"
  done
}

nl_init() {
  [ "$(id -u)" = 0 ] || nl_skip "needs root (network namespaces)"
  command -v ip >/dev/null 2>&1 || nl_skip "iproute2 (ip) is not installed"
  ip netns list >/dev/null 2>&1 || nl_skip "ip netns is unavailable"
  NL_TMP=$(mktemp -d "${TMPDIR:-/tmp}/msl-nettest.$$.XXXXXX")
  chmod 755 "$NL_TMP"
  trap nl_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  nl_sweep
  NL_SWITCH="${NL_PFX}sw"
  ip netns add "$NL_SWITCH" || nl_skip "cannot create a network namespace"
  ip -n "$NL_SWITCH" link set lo up
  ip -n "$NL_SWITCH" link add br0 type bridge || { echo "cannot create a bridge"; exit 1; }
  ip -n "$NL_SWITCH" link set br0 up
  nl_log "LAN 10.$NL_R.0.0/24 in namespaces ${NL_PFX}*"
}

# nl_sweep deletes what an earlier run of these tests left behind when it
# was killed before its trap ran (a CTest timeout sends SIGKILL): only our
# own namespaces, msl<pid>sw and msl<pid><HOST>, whose test pid is gone.
nl_sweep() {
  local ns owner p d
  for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep -E '^msl[0-9]+(sw|[A-Z])$'); do
    owner=${ns#msl}
    owner=${owner%sw}
    owner=${owner%[A-Z]}
    [ "$owner" = "$$" ] || ! kill -0 "$owner" 2>/dev/null || continue
    echo "removing stale namespace $ns"
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  for d in "${TMPDIR:-/tmp}"/msl-nettest.*.*; do
    [ -d "$d" ] || continue
    owner=${d##*/msl-nettest.}
    owner=${owner%%.*}
    case $owner in ''|*[!0-9]*) continue ;; esac
    kill -0 "$owner" 2>/dev/null || rm -rf "$d"
  done
}

nl_ns() { echo "${NL_PFX}$1"; }

nl_host() {
  local name=$1 x=$2 ns
  ns=$(nl_ns "$name")
  ip netns add "$ns" || return 1
  NL_HOSTS+=("$ns")
  ip -n "$NL_SWITCH" link add "v$name" type veth peer name eth0 netns "$ns" || return 1
  ip -n "$NL_SWITCH" link set "v$name" master br0 up
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "10.$NL_R.0.$x/24" brd + dev eth0
  ip -n "$ns" link set eth0 up
  printf -v "IP_$name" '%s' "10.$NL_R.0.$x"
}

nl_run() {
  local ns
  ns=$(nl_ns "$1"); shift
  ip netns exec "$ns" "$@"
}

nl_bg() {
  local ns log=$2
  ns=$(nl_ns "$1"); shift 2
  ip netns exec "$ns" "$@" >"$log" 2>&1 &
  NL_LAST_PID=$!
  NL_PIDS+=("$NL_LAST_PID")
}

nl_kill() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

# wait_until TIMEOUT_S CMD...: bounded polling, every 0.1 s.
wait_until() {
  local t=$1 end
  shift
  end=$(( $(date +%s%N) / 1000000 + t * 1000 ))
  while :; do
    "$@" >/dev/null 2>&1 && return 0
    [ $(( $(date +%s%N) / 1000000 )) -ge $end ] && return 1
    sleep 0.1
  done
}

check() {
  local name=$1
  shift
  if "$@"; then
    NL_PASS=$((NL_PASS + 1))
    echo "ok: $name"
  else
    NL_FAIL=$((NL_FAIL + 1))
    echo "FAILED: $name"
  fi
}

nl_summary() {
  echo "$NL_PASS passed, $NL_FAIL failed"
  [ "$NL_FAIL" -eq 0 ]
}

# ---- mailslotd ---------------------------------------------------------

nl_conf() {
  NL_CONF="$NL_TMP/mailslotd.conf"
  echo "# empty: the tests set everything with -o" >"$NL_CONF"
  chmod 644 "$NL_CONF"
  export MAILSLOT_CONFIG="$NL_CONF"
}

# The daemon's default user, mailslotd, is created by the package; a
# test host may not have it, so the tests run the daemon as nobody.
NL_USER=nobody
start_daemon() {
  local host=$1 name=$2
  shift 2
  nl_bg "$host" "$NL_TMP/mailslotd-$host.log" "$MAILSLOTD" ${NL_CONF:+-c "$NL_CONF"} \
    -o "netbios name = $name" -o "workgroup = WG" -o "log level = debug" -o "user = $NL_USER" "$@"
  printf -v "DPID_$host" '%s' "$NL_LAST_PID"
  if ! wait_until 15 nl_run "$host" "$MAILSLOT" stats; then
    echo "mailslotd on $host did not become ready; its log:"
    cat "$NL_TMP/mailslotd-$host.log"
    return 1
  fi
}

counter() {
  nl_run "$1" "$MAILSLOT" stats 2>/dev/null | awk -v k="$2" '$1 == k { print $2 }'
}

start_recv() {
  local host=$1 name=$2 out=$3
  shift 3
  nl_bg "$host" "$out" "$MAILSLOT" recv "$name" --json "$@"
  wait_until 10 mailslot_listed "$host" "$name"
}

mailslot_listed() {
  nl_run "$1" "$MAILSLOT" list | grep -qiF "mailslot\\$2 "
}

has_msg() {
  grep -qF "\"data\":\"$2\"}" "$1"
}

stop_daemon() {
  local pv="DPID_$1" pid
  pid=${!pv}
  kill -TERM "$pid" 2>/dev/null || return 1
  if ! wait_until 10 bash -c "! kill -0 $pid"; then
    kill -KILL "$pid" 2>/dev/null
    return 1
  fi
  wait "$pid"
}

finish_daemons() {
  local h pv
  for h in "$@"; do
    pv="DPID_$h"
    check "mailslotd on $h still running at the end" kill -0 "${!pv}"
    check "mailslotd on $h exits 0 on SIGTERM" stop_daemon "$h"
    check "mailslotd on $h logged no sanitizer report" \
      bash -c "! grep -qE 'Sanitizer|runtime error:' '$NL_TMP/mailslotd-$h.log'"
  done
}

# ---- names (issue 13) --------------------------------------------------
#   counter_is HOST COUNTER VALUE  the counter has VALUE now (for wait_until)
#   counter_ge HOST COUNTER N      the counter is at least N now
#   nl_nmbd HOST NBNAME [LINE]...  start Samba's nmbd on HOST as NBNAME in
#                                workgroup WG with a private smb.conf (more
#                                [global] LINEs may follow); sets
#                                NMBD_CONF_HOST, NMBD_LOG_HOST, NMBD_PID_HOST

counter_is() { [ "$(counter "$1" "$2")" = "$3" ]; }

counter_ge() {
  local v
  v=$(counter "$1" "$2")
  [ -n "$v" ] && [ "$v" -ge "$3" ]
}

nl_nmbd() {
  local host=$1 name=$2 sd="$NL_TMP/samba-$1"
  shift 2
  nl_samba_conf "$sd" "$name" "local master = no" "wins support = no" "$@"
  nl_nmbd_bg "$host" "$sd" "$NL_TMP/nmbd-$host.log"
  printf -v "NMBD_CONF_$host" '%s' "$sd/smb.conf"
  printf -v "NMBD_LOG_$host" '%s' "$NL_TMP/nmbd-$host.log"
  printf -v "NMBD_PID_$host" '%s' "$NL_LAST_PID"
  wait_until 10 test -S "$sd/sock/unexpected"
}

# ---- a routed LAN: two subnets and a router ------------------------------
# Broadcasts end at a router; the tests of WINS, remote broadcast targets
# and browsing across subnets need one.  The switch namespace gets two more
# bridges, brA (subnet A, 10.R.1.0/24) and brB (subnet B, 10.R.2.0/24), and
# a router host with eth0 on A (10.R.1.254) and eth1 on B (10.R.2.254)
# that forwards between them.  Hosts on either subnet route everything
# else through it.  Host names stay one capital letter, as nl_sweep wants.
#
#   nl_routed ROUTER             make both bridges and the router host
#                                (IP_ROUTER_A, IP_ROUTER_B); NL_BCAST_A and
#                                NL_BCAST_B are the subnets' broadcasts
#   nl_host_on SUBNET NAME X     host NAME as 10.R.1.X (A) or 10.R.2.X (B),
#                                default route via the router; sets IP_NAME
#   nl_router_forward_bcast      let the router forward directed broadcasts
#                                (bc_forwarding, as "ip directed-broadcast"
#                                does on a hardware router)

NL_ROUTER=""

nl_subnet_net() { case $1 in A) echo "10.$NL_R.1" ;; B) echo "10.$NL_R.2" ;; *) return 1 ;; esac; }

nl_routed() {
  local r=$1 ns s dev
  NL_ROUTER=$r
  for s in A B; do
    ip -n "$NL_SWITCH" link add "br$s" type bridge || return 1
    ip -n "$NL_SWITCH" link set "br$s" up
  done
  ns=$(nl_ns "$r")
  ip netns add "$ns" || return 1
  NL_HOSTS+=("$ns")
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
  ip -n "$ns" link set lo up
  for s in A B; do
    dev=eth0
    [ "$s" = B ] && dev=eth1
    ip -n "$NL_SWITCH" link add "v$r$s" type veth peer name "$dev" netns "$ns" || return 1
    ip -n "$NL_SWITCH" link set "v$r$s" master "br$s" up
    ip -n "$ns" addr add "$(nl_subnet_net "$s").254/24" brd + dev "$dev"
    ip -n "$ns" link set "$dev" up
    printf -v "IP_ROUTER_$s" '%s' "$(nl_subnet_net "$s").254"
  done
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 || return 1
  NL_BCAST_A="$(nl_subnet_net A).255"
  NL_BCAST_B="$(nl_subnet_net B).255"
  nl_log "routed LAN: subnet A $(nl_subnet_net A).0/24, subnet B $(nl_subnet_net B).0/24, router $r"
}

nl_host_on() {
  local s=$1 name=$2 x=$3 ns net
  net=$(nl_subnet_net "$s") || return 1
  ns=$(nl_ns "$name")
  ip netns add "$ns" || return 1
  NL_HOSTS+=("$ns")
  ip -n "$NL_SWITCH" link add "v$name" type veth peer name eth0 netns "$ns" || return 1
  ip -n "$NL_SWITCH" link set "v$name" master "br$s" up
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$net.$x/24" brd + dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via "$net.254" || return 1
  printf -v "IP_$name" '%s' "$net.$x"
}

nl_router_forward_bcast() {
  local ns
  ns=$(nl_ns "$NL_ROUTER")
  ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.bc_forwarding=1 \
    net.ipv4.conf.eth0.bc_forwarding=1 net.ipv4.conf.eth1.bc_forwarding=1
}

# ---- Samba's nmbd in a test host -----------------------------------------
#   nl_need_samba                skip unless nmbd and nmblookup are installed
#                                (a failure in CI, which installs samba)
#   nl_samba_conf DIR NAME [LINE]...  make DIR and DIR/smb.conf for one nmbd:
#                                netbios name NAME, workgroup WG, eth0 only,
#                                every file (and its unexpected packet
#                                socket, DIR/sock/unexpected) inside DIR,
#                                then the smb.conf LINEs given
nl_need_samba() {
  if ! command -v nmbd >/dev/null 2>&1 || ! command -v nmblookup >/dev/null 2>&1; then
    # CI installs samba (scripts/deps.sh --net): there, a missing nmbd is a failure.
    [ -n "${CI:-}" ] && [ "$(id -u)" = 0 ] && { echo "nmbd/nmblookup missing (samba not installed)"; exit 1; }
    nl_skip "samba (nmbd, nmblookup) is not installed: scripts/deps.sh --net"
  fi
}

nl_samba_conf() {
  local sd=$1 name=$2 l
  shift 2
  mkdir -p "$sd"/{lock,state,cache,pid,private,log,ncalrpc,sock}
  {
    printf '[global]\n'
    for l in "workgroup = WG" "netbios name = $name" "interfaces = eth0" \
      "bind interfaces only = yes" "server role = standalone server" "dns proxy = no" \
      "lock directory = $sd/lock" "state directory = $sd/state" \
      "cache directory = $sd/cache" "pid directory = $sd/pid" "private dir = $sd/private" \
      "ncalrpc dir = $sd/ncalrpc" "nmbd:socket dir = $sd/sock" "log file = $sd/log/log.%m" "$@"; do
      printf '  %s\n' "$l"
    done
  } >"$sd/smb.conf"
}

# ---- one LAN, one nmbd ---------------------------------------------------
#   nl_lan HOST...               nl_init and nl_conf, then each HOST on the
#                                LAN as 10.R.0.N, N its place in the list
#                                (the first is 1); bcast is the LAN's
#                                broadcast address
#   nl_nmbd_bg HOST DIR LOG [LEVEL]  Samba's nmbd on HOST in the background
#                                with DIR's files (nl_samba_conf made them),
#                                its output in LOG, debug LEVEL (default 4);
#                                NL_LAST_PID is its pid
nl_lan() {
  local i=0 h
  nl_init
  nl_conf
  for h in "$@"; do
    i=$((i + 1))
    nl_host "$h" "$i"
  done
  # shellcheck disable=SC2034 # the tests read it
  bcast="10.$NL_R.0.255"
}

nl_nmbd_bg() {
  nl_bg "$1" "$3" nmbd -F --no-process-group --debug-stdout -d "${4:-4}" -l "$2/log" -s "$2/smb.conf"
}

# ---- Samba's host S beside host B ----------------------------------------
#   nl_samba_lan                 the opening of the tests that run nmbd on
#                                S with B beside it: skips without Samba,
#                                makes the LAN S B, and sets sd to the
#                                directory for nl_samba_conf
nl_samba_lan() {
  nl_need_samba
  nl_lan S B
  # shellcheck disable=SC2034 # the tests read it
  sd="$NL_TMP/samba"
}
