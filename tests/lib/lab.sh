# shellcheck shell=bash disable=SC2034,SC2031,SC2015  # LAB_* arrays are public state read by callers
# lab.sh: a multi-chassis OVN/Loom lab on one machine, built from network
# namespaces.  Source it from bash (tests/system/test-*.sh, scripts/demo.sh).
#
# Design (see docs/lab.md for the hand-held tour, docs/userspace-lab.md for
# the facts and traps behind each choice):
#
#   root namespace   central: NB + SB ovsdb-server and northd, unix sockets
#                    only (unix sockets reach every namespace through the
#                    filesystem).  No link is ever created here.
#   PFX-underlay     a Linux bridge "br-ul", MTU 1600 (trap 4: Geneve adds
#                    58 bytes to a 1500-byte VM frame), one veth per chassis.
#   PFX-<chassis>    ovsdb-server + ovs-vswitchd (datapath_type=netdev) +
#                    the controller, all inside the namespace because
#                    vswitchd routes tunnels through its namespace's kernel
#                    table.  Two bridges: br-int (the controller's) and
#                    br-phy, whose internal port carries the encap IP and
#                    whose other port is the underlay veth "ul0" (native
#                    tunneling; with the IP on the veth OVS drops tunnelled
#                    packets).
#   PFX-<vm>         one veth "eth0"; its outer end "v-<vm>" is a br-int
#                    port with external_ids:iface-id=<lsp>.  IPv4, and
#                    IPv6 when asked for (no DAD, so usable at once).
#   PFX-<external>   the same, plugged into a provider bridge br-<physnet>
#                    instead (lab_add_external; ovn-bridge-mappings).
#   PFX-central      only with LAB_DB_CLUSTER=N: the Raft members of NB and
#                    SB talk TCP on 127.0.0.I:6643/6644 here, where no port
#                    can collide with anything; clients still use unix
#                    sockets.
#
# PFX is "<prefix>-<random>" taken from the run directory
# /tmp/loom-<prefix>-<random>, so every namespace and directory of a run
# starts with the caller's prefix and two runs never collide.  Links live
# only inside the lab's namespaces (names there are private), so they die
# with the namespaces.
#
# Every daemon gets its own OVS_RUNDIR/OVS_LOGDIR/OVS_DBDIR and
# OVN_RUNDIR/OVN_LOGDIR/OVN_DBDIR/OVN_SYSCONFDIR (trap 5); a controller
# shares its vswitchd's directory so that it finds br-int.mgmt.  Daemons are
# stopped by pid file only, and a zombie counts as stopped (trap 6).
#
# Any daemon can be stopped (SIGTERM, or SIGKILL as a crash) and started
# again with the same files (lab_stop/lab_start), which is how the restart,
# HA and cluster scenarios are written.
#
# Numbers: start-up of central + 3 chassis is ~1-2 s on 2 cores (central
# ~0.1 s, a chassis ~0.25 s); each ovsdb-server idles at ~7 MB RSS, each
# ovs-vswitchd at ~18 MB; a lab_* call costs 1-10 ms of shell, a waiting
# call polls every 50 ms.
#
# Knobs (environment):
#   LAB_NORTHD      ovn (default: Debian's ovn-northd) | loom ($LOOM_BUILD/bin/loom-northd)
#   LAB_CONTROLLER  ovn (default: ovn-controller)       | loom ($LOOM_BUILD/bin/loom-controller)
#   LAB_NBCTL       ovn (default: ovn-nbctl)            | loom ($LOOM_BUILD/bin/loom-nbctl)
#   LAB_SBCTL       ovn (default: ovn-sbctl)            | loom ($LOOM_BUILD/bin/loom-sbctl)
#   LAB_NORTHDS=N   start N northds (northd, northd2, ...): one active, N-1 standby
#   LAB_DB_CLUSTER=N  NB and SB as N-member Raft clusters (default 0: standalone)
#   LAB_DIR         use this fixed run directory instead of a mktemp one
#                   (the demo uses /tmp/loom-demo); it must not exist yet.
#   LAB_PERSIST=1   do not install the EXIT trap: the lab outlives the script
#                   (stop it later with lab_attach DIR && lab_cleanup).
#   LAB_KEEP=1      on cleanup, stop the daemons but keep the run directory
#                   (LOOM_KEEP_TEST_DIR=1, the test runner's knob, does the same).
#   LAB_VERBOSE=1   log each step to stderr.
#   LOOM_SRC, LOOM_BUILD  source and build trees (schemas, loom-* programs).
#
# Functions return non-zero on failure and print one line saying why on
# stderr, so callers may run under `set -euo pipefail`.

# ---------------------------------------------------------------------------
# State.  Associative arrays keyed by chassis or VM name; mirrored into
# $LAB_DIR/state.sh so that lab_attach can rebuild them (demo-down).
declare -gA LAB_CH_IP=() LAB_CH_NS=() LAB_CH_DIR=() LAB_CH_ENCAP=()
declare -gA LAB_VM_NS=() LAB_VM_CH=() LAB_VM_IP=() LAB_VM_IP6=() LAB_VM_MAC=() LAB_VM_LSP=()
declare -ga LAB_CHASSIS=() LAB_VMS=()
LAB_PREFIX=${LAB_PREFIX:-}
LAB_NSP=${LAB_NSP:-}
LAB_UL_NS=${LAB_UL_NS:-}
LAB_T0=${LAB_T0:-}
LAB_NB_REMOTE=${LAB_NB_REMOTE:-} LAB_SB_REMOTE=${LAB_SB_REMOTE:-}

LAB_UL_MTU=1600
LAB_VM_MTU=1500
LAB_VSWITCH_SCHEMA=${LAB_VSWITCH_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}

# lab__log MSG...: prints MSG on stderr when LAB_VERBOSE=1.
lab__log() {
    [[ ${LAB_VERBOSE:-0} == 1 ]] || return 0
    printf 'lab: %s\n' "$*" >&2
}

# lab__err MSG...: prints MSG on stderr, always; returns 1.
lab__err() {
    printf 'lab: error: %s\n' "$*" >&2
    return 1
}

# lab__save LINE: appends one bash statement to the state file.
lab__save() {
    printf '%s\n' "$1" >>"$LAB_DIR/state.sh"
}

# lab__need PROG...: fails naming the first PROG not on PATH.
lab__need() {
    local p
    for p in "$@"; do
        command -v "$p" >/dev/null 2>&1 || { lab__err "'$p' is not installed"; return 1; }
    done
}

# lab__check_name WHAT NAME MAXLEN: NAME must be [a-z0-9-], start with a
# letter, at most MAXLEN characters (link names are limited to 15).
lab__check_name() {
    local what=$1 name=$2 max=$3
    if [[ ! $name =~ ^[a-z][a-z0-9-]*$ ]] || (( ${#name} > max )); then
        lab__err "bad $what name '$name' (want [a-z][a-z0-9-]*, at most $max characters)"
        return 1
    fi
}

# lab__parse_ipv4 WHAT VALUE: VALUE must be a dotted-quad IPv4 address.
lab__parse_ipv4() {
    local what=$1 v=$2 o
    if [[ ! $v =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]]; then
        lab__err "bad $what '$v' (want an IPv4 address like 192.0.2.1)"
        return 1
    fi
    for o in "${BASH_REMATCH[@]:1}"; do
        (( 10#$o <= 255 )) || { lab__err "bad $what '$v' (octet $o > 255)"; return 1; }
    done
}

# lab__parse_mac WHAT VALUE: VALUE must be a colon-separated Ethernet address.
lab__parse_mac() {
    [[ $2 =~ ^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$ ]] && return 0
    lab__err "bad $1 '$2' (want a MAC like 0a:00:00:00:00:01)"
}

# lab__parse_ipv6 WHAT VALUE: VALUE must look like an IPv6 address (hex
# groups and colons, at least two colons, at most 39 characters).
lab__parse_ipv6() {
    local v=$2
    if [[ $v =~ ^[0-9a-fA-F:]+$ && $v == *:*:* ]] && (( ${#v} <= 39 )); then
        return 0
    fi
    lab__err "bad $1 '$v' (want an IPv6 address like fd00:1::11)"
}

# lab__now_ms: milliseconds since the epoch.
lab__now_ms() {
    local s=${EPOCHREALTIME/./}
    echo $(( ${s:0:-3} ))
}

# lab_elapsed: seconds (with milliseconds) since lab_init, e.g. "1.234".
lab_elapsed() {
    local ms=$(( $(lab__now_ms) - LAB_T0 ))
    printf '%d.%03d' $(( ms / 1000 )) $(( ms % 1000 ))
}

# lab__alive PID: true if PID runs and is not a zombie (trap 6).
lab__alive() {
    local pid=$1 stat
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# lab__pid_of PIDFILE: prints the pid recorded in PIDFILE if that process is
# alive and its command line mentions the lab directory (guards against a
# recycled pid after a reboot); fails otherwise.
lab__pid_of() {
    local f=$1 pid cmd
    [[ -s $f ]] || return 1
    read -r pid <"$f" || [[ -n $pid ]] || return 1    # a last line may lack its newline
    lab__alive "$pid" || return 1
    cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
    [[ $cmd == *"$LAB_DIR"* ]] || return 1
    echo "$pid"
}

# lab__starttime PID: prints PID's start time (clock ticks since boot), the
# pair (pid, start time) naming a process uniquely; fails if PID is gone.
lab__starttime() {
    local stat f
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    read -r -a f <<<"${stat##*) }"
    echo "${f[19]}"
}

# lab__reap_stale PREFIX: cleans up earlier runs with the same PREFIX whose
# owning shell is dead (killed with SIGKILL, e.g. by the test runner's
# timeout, so its EXIT trap never ran).  Persistent labs have no owner file
# and are left alone.
lab__reap_stale() {
    local d pid start
    for d in /tmp/loom-"$1"-????; do
        [[ -f $d/owner && -f $d/state.sh ]] || continue
        read -r pid start <"$d/owner" || continue
        [[ $(lab__starttime "$pid" 2>/dev/null) != "$start" ]] || continue
        printf 'lab: reaping %s, left by dead pid %s\n' "$d" "$pid" >&2
        # shellcheck disable=SC2030  # the subshell is the point: LAB_* stay ours
        ( LAB_KEEP=0 LOOM_KEEP_TEST_DIR=0; lab_attach "$d" && lab_cleanup ) || true
    done
}

# lab__stop PIDFILE...: SIGTERM to every live pid, waits up to 5 s for all
# of them, then SIGKILL to the stragglers.  Never fails.
lab__stop() {
    local f pid pids=() alive i
    for f in "$@"; do
        pid=$(lab__pid_of "$f") || continue
        kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
    done
    (( ${#pids[@]} )) || return 0
    for (( i = 0; i < 100; i++ )); do
        alive=0
        for pid in "${pids[@]}"; do lab__alive "$pid" && alive=1; done
        (( alive )) || return 0
        sleep 0.05
    done
    for pid in "${pids[@]}"; do
        lab__alive "$pid" && { lab__log "pid $pid ignored SIGTERM, killing"; kill -KILL "$pid" 2>/dev/null; }
    done
    return 0
}

# lab__wait_for SECONDS CMD...: runs CMD every 50 ms until it succeeds;
# fails after SECONDS.
lab__wait_for() {
    local secs=$1 deadline
    shift
    deadline=$(( $(lab__now_ms) + secs * 1000 ))
    while ! "$@" >/dev/null 2>&1; do
        (( $(lab__now_ms) < deadline )) || return 1
        sleep 0.05
    done
}

# lab__in_dir DIR CMD...: runs CMD with DIR as all of its OVS and OVN run,
# log, db and config directories (trap 5).  CMD may be `ip netns exec NS
# PROG ...`: the environment survives the exec.
lab__in_dir() {
    local d=$1
    shift
    env OVS_RUNDIR="$d" OVS_LOGDIR="$d" OVS_DBDIR="$d" OVS_SYSCONFDIR="$d" \
        OVN_RUNDIR="$d" OVN_LOGDIR="$d" OVN_DBDIR="$d" OVN_SYSCONFDIR="$d" "$@"
}

# lab__schema NB|SB: prints the schema path: Loom's when the tree has it,
# else Debian's.
lab__schema() {
    local base=ovn-${1,,}.ovsschema
    if [[ -n ${LOOM_SRC:-} && -f $LOOM_SRC/schemas/$base ]]; then
        echo "$LOOM_SRC/schemas/$base"
    else
        echo "/usr/share/ovn/$base"
    fi
}

# lab__prog KIND VARVALUE OVNPROG LOOMPROG: prints the program to run for a
# LAB_* knob: OVNPROG for "ovn", $LOOM_BUILD/bin/LOOMPROG for "loom".
lab__prog() {
    local knob=$1 val=$2 ovn=$3 loom=$4
    case $val in
        ovn) command -v "$ovn" || lab__err "$knob=ovn but '$ovn' is not installed" ;;
        loom)
            if [[ -n ${LOOM_BUILD:-} && -x $LOOM_BUILD/bin/$loom ]]; then
                echo "$LOOM_BUILD/bin/$loom"
            else
                lab__err "$knob=loom but ${LOOM_BUILD:-\$LOOM_BUILD}/bin/$loom is not built"
            fi ;;
        *) lab__err "bad $knob '$val' (want ovn or loom)" ;;
    esac
}

# ---------------------------------------------------------------------------
# Life cycle.

# lab_init PREFIX: makes the run directory /tmp/loom-PREFIX-XXXX (or
# $LAB_DIR), sets the names every later call uses, and, unless
# LAB_PERSIST=1, installs an EXIT trap that calls lab_cleanup (and records
# the owning shell, so that a later lab_init with the same PREFIX reaps the
# run if the shell dies by SIGKILL).  Fails if not root or a required
# program is missing (callers may turn that into a skip: see lab_require).
lab_init() {
    local prefix=${1:?usage: lab_init PREFIX}
    lab__check_name prefix "$prefix" 24 || return 1
    (( EUID == 0 )) || { lab__err "the lab needs root (namespaces, veths)"; return 1; }
    lab__need ip ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovn-nbctl ovn-sbctl || return 1
    LAB_PREFIX=$prefix
    if [[ -n ${LAB_DIR:-} ]]; then
        [[ ! -e $LAB_DIR ]] || { lab__err "run directory $LAB_DIR already exists"; return 1; }
        mkdir -p "$LAB_DIR" || return 1
        LAB_NSP=$prefix
    else
        lab__reap_stale "$prefix"
        LAB_DIR=$(mktemp -d "/tmp/loom-$prefix-XXXX") || return 1
        LAB_NSP=${LAB_DIR#/tmp/loom-}
    fi
    mkdir -p "$LAB_DIR/aux"
    LAB_UL_NS=$LAB_NSP-underlay
    LAB_T0=$(lab__now_ms)
    LAB_CH_IP=() LAB_CH_NS=() LAB_CH_DIR=() LAB_CH_ENCAP=()
    LAB_VM_NS=() LAB_VM_CH=() LAB_VM_IP=() LAB_VM_IP6=() LAB_VM_MAC=() LAB_VM_LSP=()
    LAB_CHASSIS=() LAB_VMS=()
    : >"$LAB_DIR/state.sh"
    lab__save "LAB_PREFIX=$LAB_PREFIX LAB_NSP=$LAB_NSP LAB_UL_NS=$LAB_UL_NS LAB_T0=$LAB_T0"
    if [[ ${LAB_PERSIST:-0} != 1 ]]; then
        echo "$$ $(lab__starttime $$)" >"$LAB_DIR/owner"
        trap 'lab__on_exit' EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
    fi
    lab__log "run dir $LAB_DIR, namespaces $LAB_NSP-*"
}

# lab_require: exits 77 (skip) with a reason when the lab cannot run here
# (not root, OVS or OVN missing); for tests, before lab_init.
lab_require() {
    if (( EUID != 0 )); then echo "SKIP: the lab needs root" >&2; exit 77; fi
    local p
    for p in ip ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovn-nbctl ovn-sbctl "$@"; do
        command -v "$p" >/dev/null 2>&1 || { echo "SKIP: '$p' is not installed" >&2; exit 77; }
    done
    [[ -c /dev/net/tun ]] || { echo "SKIP: no /dev/net/tun for the userspace datapath" >&2; exit 77; }
}

# lab_attach DIR: rebuilds the lab's state from DIR/state.sh (written by the
# run that made DIR), e.g. to stop a persistent lab from another shell.
lab_attach() {
    local dir=${1:?usage: lab_attach DIR}
    [[ -f $dir/state.sh ]] || { lab__err "$dir is not a lab run directory (no state.sh)"; return 1; }
    LAB_DIR=$dir
    # shellcheck disable=SC1091
    source "$dir/state.sh"
}

# lab__on_exit: the EXIT trap: dumps log tails when the script failed, then
# cleans up and keeps the script's exit status.
lab__on_exit() {
    local rc=$?
    trap - EXIT
    if (( rc != 0 && rc != 77 )) && [[ -d ${LAB_DIR:-} ]]; then
        lab_dump_logs 8 >&2 || true
    fi
    lab_cleanup || true
    exit "$rc"
}

# lab_dump_logs [LINES]: prints, for every daemon log of the run, its
# last 10 warnings and errors and its last LINES (default 8) lines; then
# whatever daemons wrote to stderr apart from INFO chatter.
lab_dump_logs() {
    local n=${1:-8} f
    [[ -d ${LAB_DIR:-} ]] || return 0
    echo "==== lab logs from $LAB_DIR"
    while IFS= read -r f; do
        echo "---- ${f#"$LAB_DIR"/}: warnings/errors"
        grep -E '\|(WARN|ERR|EMER)\|' "$f" | tail -n 10 || true
        echo "---- ${f#"$LAB_DIR"/}: last $n lines"
        tail -n "$n" "$f"
    done < <(find "$LAB_DIR" -name '*.log' | sort)
    while IFS= read -r f; do
        grep -qv '|INFO|' "$f" || continue
        echo "---- ${f#"$LAB_DIR"/}"
        grep -v '|INFO|' "$f" | tail -n "$n"
    done < <(find "$LAB_DIR" -name '*.stderr' -size +0 | sort)
}

# lab_cleanup: stops every daemon of the run by pid file (helpers, then
# controllers, northd, vswitchds, databases), deletes the run's namespaces,
# and removes the run directory unless LAB_KEEP=1.  Idempotent; never fails.
lab_cleanup() {
    [[ -n ${LAB_DIR:-} && -d $LAB_DIR ]] || return 0
    local ns
    shopt -s nullglob
    lab__stop "$LAB_DIR"/aux/*.pid
    lab__stop "$LAB_DIR"/*/controller.pid
    lab__stop "$LAB_DIR"/central/northd*.pid
    lab__stop "$LAB_DIR"/*/ovs-vswitchd.pid
    lab__stop "$LAB_DIR"/*/ovsdb-server.pid "$LAB_DIR"/central/nb*.pid "$LAB_DIR"/central/sb*.pid
    shopt -u nullglob
    if [[ -n ${LAB_NSP:-} ]]; then
        while read -r ns _; do
            [[ $ns == "$LAB_NSP"-* ]] && ip netns del "$ns" 2>/dev/null
        done < <(ip netns list 2>/dev/null)
    fi
    if [[ ${LAB_KEEP:-${LOOM_KEEP_TEST_DIR:-0}} == 1 ]]; then
        echo "lab: kept $LAB_DIR" >&2
    else
        rm -rf "$LAB_DIR"
    fi
    LAB_DIR=
    return 0
}

# ---------------------------------------------------------------------------
# Central.

# lab_start_central: creates and serves the NB and SB databases, exports
# OVN_NB_DB/OVN_SB_DB (also in LAB_NB_REMOTE/LAB_SB_REMOTE), then starts
# the northd(s) chosen by LAB_NORTHD/LAB_NORTHDS and waits (10 s) until
# northd has processed the NB once.  Standalone (default): one ovsdb-server
# per database on central/{nb,sb}.sock.  LAB_DB_CLUSTER=N (3, 5...): each
# database is a Raft cluster of N ovsdb-servers nb1..nbN, sb1..sbN, serving
# clients on central/nbI.sock and talking Raft over TCP on 127.0.0.I:6643
# (NB) and :6644 (SB) inside their own namespace PFX-central, so that no
# port can collide with anything; clients get the comma-separated list of
# unix remotes.  Fails if a database or northd does not start.
lab_start_central() {
    local d=$LAB_DIR/central db n members=${LAB_DB_CLUSTER:-0} remotes
    mkdir -p "$d"
    if [[ ! $members =~ ^[0-9]+$ ]] || (( members == 2 || members > 9 )); then
        lab__err "bad LAB_DB_CLUSTER '$members' (want 0 for standalone, or 1, 3..9 servers)"
        return 1
    fi
    if (( members )); then
        ip netns add "$LAB_NSP-central" || { lab__err "cannot create namespace $LAB_NSP-central"; return 1; }
        ip -n "$LAB_NSP-central" link set lo up
    fi
    for db in nb sb; do
        if (( members == 0 )); then
            ovsdb-tool create "$d/$db.db" "$(lab__schema "$db")" || { lab__err "cannot create the $db database"; return 1; }
            lab__start_central_db "$db" || return 1
            remotes=unix:$d/$db.sock
        else
            lab__create_cluster "$db" "$members" || return 1
            remotes=
            for (( n = 1; n <= members; n++ )); do
                lab__start_central_db "$db$n" || return 1
                remotes+="${remotes:+,}unix:$d/$db$n.sock"
            done
        fi
        if [[ $db == nb ]]; then LAB_NB_REMOTE=$remotes; else LAB_SB_REMOTE=$remotes; fi
    done
    export OVN_NB_DB=$LAB_NB_REMOTE OVN_SB_DB=$LAB_SB_REMOTE
    lab__save "LAB_DB_CLUSTER=$members LAB_NB_REMOTE=$LAB_NB_REMOTE LAB_SB_REMOTE=$LAB_SB_REMOTE"
    lab__save "export OVN_NB_DB=$OVN_NB_DB OVN_SB_DB=$OVN_SB_DB"
    for (( n = 1; n <= ${LAB_NORTHDS:-1}; n++ )); do
        lab__start_northd "$(lab__northd_name "$n")" || return 1
    done
    lab__save "LAB_NORTHDS=${LAB_NORTHDS:-1}"
    lab__ref_nbctl --timeout=10 --wait=sb sync >/dev/null \
        || { lab__err "northd did not answer within 10 s (see $d/northd.log)"; return 1; }
    lab__log "central up at $(lab_elapsed) s"
}

# lab__raft_addr nb|sb I: the Raft address of member I of a clustered DB.
lab__raft_addr() {
    if [[ $1 == nb ]]; then echo "tcp:127.0.0.$2:6643"; else echo "tcp:127.0.0.$2:6644"; fi
}

# lab__create_cluster nb|sb N: creates the database files of an N-member
# Raft cluster: member 1 creates it, the others join through member 1.
lab__create_cluster() {
    local db=$1 members=$2 d=$LAB_DIR/central schema name n
    schema=$(lab__schema "$db")
    name=$(ovsdb-tool schema-name "$schema") || { lab__err "cannot read the name of $schema"; return 1; }
    ovsdb-tool create-cluster "$d/${db}1.db" "$schema" "$(lab__raft_addr "$db" 1)" \
        || { lab__err "cannot create the $db cluster"; return 1; }
    for (( n = 2; n <= members; n++ )); do
        ovsdb-tool join-cluster "$d/$db$n.db" "$name" "$(lab__raft_addr "$db" "$n")" "$(lab__raft_addr "$db" 1)" \
            || { lab__err "cannot make $db member $n"; return 1; }
    done
}

# lab__start_central_db NAME: serves central/NAME.db on central/NAME.sock
# (NAME: nb or sb standalone; nbI or sbI, in the central namespace, for
# cluster member I).
lab__start_central_db() {
    local name=$1 d=$LAB_DIR/central in_ns=()
    [[ $name == ?b ]] || in_ns=(ip netns exec "$LAB_NSP-central")
    lab__in_dir "$d" "${in_ns[@]}" ovsdb-server --detach --no-chdir \
        --pidfile="$d/$name.pid" --log-file="$d/$name.log" \
        --unixctl="$d/$name.ctl" --remote="punix:$d/$name.sock" "$d/$name.db" \
        2>>"$d/$name.stderr" || { lab__err "ovsdb-server $name did not start (see $d/$name.log)"; return 1; }
}

# lab_db_role NAME: prints the Raft role of clustered DB member NAME (nbI or
# sbI): leader, follower or candidate.
lab_db_role() {
    local name=${1:?usage: lab_db_role nbI|sbI} db out
    case $name in nb[1-9]) db=OVN_Northbound ;; sb[1-9]) db=OVN_Southbound ;;
        *) lab__err "bad cluster member '$name' (want nbI or sbI)"; return 1 ;; esac
    out=$(ovs-appctl -t "$LAB_DIR/central/$name.ctl" cluster/status "$db" 2>&1) \
        || { lab__err "$name does not answer cluster/status: $out"; return 1; }
    [[ $out =~ Role:\ ([a-z]+) ]] && echo "${BASH_REMATCH[1]}"
}

# lab_db_leader nb|sb: prints the member that is the Raft leader of the
# database (none: fails).
lab_db_leader() {
    local db=${1:?usage: lab_db_leader nb|sb} n
    for (( n = 1; n <= ${LAB_DB_CLUSTER:-0}; n++ )); do
        [[ $(lab_db_role "$db$n" 2>/dev/null) != leader ]] || { echo "$db$n"; return 0; }
    done
    return 1
}

# lab__northd_name N: the name of the Nth northd: northd, northd2, ...
lab__northd_name() {
    if (( $1 == 1 )); then echo northd; else echo "northd$1"; fi
}

# lab__start_northd [NAME]: starts the northd chosen by LAB_NORTHD on the
# central databases as NAME (default northd): pid file central/NAME.pid,
# control socket central/NAME.ctl.  With LAB_NORTHDS=N, lab_start_central
# starts northd, northd2 ... northdN: one takes the SB lock and is active,
# the others stand by.
lab__start_northd() {
    local d=$LAB_DIR/central name=${1:-northd} northd
    northd=$(lab__prog LAB_NORTHD "${LAB_NORTHD:-ovn}" ovn-northd loom-northd) || return 1
    lab__log "$name: $northd"
    lab__in_dir "$d" "$northd" --detach --no-chdir \
        --pidfile="$d/$name.pid" --log-file="$d/$name.log" \
        --unixctl="$d/$name.ctl" \
        --ovnnb-db="$LAB_NB_REMOTE" --ovnsb-db="$LAB_SB_REMOTE" \
        2>>"$d/$name.stderr" || { lab__err "$northd did not start as $name (see $d/$name.log)"; return 1; }
}

# lab_northd_status NAME: prints what northd NAME says of itself through
# its control socket ("active", "standby" or "paused"; OVN's `status`
# command answers "Status: active").
lab_northd_status() {
    local name=${1:?usage: lab_northd_status NAME} out
    out=$(ovs-appctl -t "$LAB_DIR/central/$name.ctl" status 2>&1) \
        || { lab__err "$name does not answer 'status': $out"; return 1; }
    out=${out#Status: }
    echo "${out%%[[:space:]]*}"
}

# lab_active_northd: prints the names of the northds that say they are
# active (exactly one, in a healthy deployment).
lab_active_northd() {
    local n name
    for (( n = 1; n <= ${LAB_NORTHDS:-1}; n++ )); do
        name=$(lab__northd_name "$n")
        [[ $(lab_northd_status "$name" 2>/dev/null) != active ]] || echo "$name"
    done
}

# lab_nbctl ARGS...: runs ovn-nbctl (or loom-nbctl when LAB_NBCTL=loom)
# against the lab's NB.
lab_nbctl() {
    local p
    p=$(lab__prog LAB_NBCTL "${LAB_NBCTL:-ovn}" ovn-nbctl loom-nbctl) || return 1
    "$p" --db="$LAB_NB_REMOTE" "$@"
}

# lab_sbctl ARGS...: runs ovn-sbctl (or loom-sbctl when LAB_SBCTL=loom)
# against the lab's SB.
lab_sbctl() {
    local p
    p=$(lab__prog LAB_SBCTL "${LAB_SBCTL:-ovn}" ovn-sbctl loom-sbctl) || return 1
    "$p" --db="$LAB_SB_REMOTE" "$@"
}

# lab__ref_nbctl / lab__ref_sbctl ARGS...: Debian's ovn-nbctl/ovn-sbctl on
# the lab's databases, whatever LAB_NBCTL/LAB_SBCTL say.  The lab's own
# waits and probes use these, so that a loom-*ctl under test never decides
# whether the lab itself is ready.
lab__ref_nbctl() {
    ovn-nbctl --db="$LAB_NB_REMOTE" "$@"
}
# (see lab__ref_nbctl)
lab__ref_sbctl() {
    ovn-sbctl --db="$LAB_SB_REMOTE" "$@"
}

# lab_trace ARGS...: Debian's ovn-trace against the lab's SB,
# e.g. lab_trace ls1 'inport == "p1" && eth.src == ... && eth.dst == ...'.
lab_trace() {
    ovn-trace --db="$LAB_SB_REMOTE" "$@"
}

# lab_sync [SECONDS]: waits (default 30 s) until every chassis has caught up
# with the NB as it is now (ovn-nbctl --wait=hv sync: northd must copy
# NB_Global.nb_cfg through the SB and back as hv_cfg).
lab_sync() {
    lab__ref_nbctl --timeout="${1:-30}" --wait=hv sync >/dev/null \
        || { lab__err "chassis did not catch up with the NB within ${1:-30} s"; return 1; }
}

# ---------------------------------------------------------------------------
# Underlay and chassis.

# lab__underlay: creates the underlay namespace and its bridge once.
lab__underlay() {
    [[ ! -e /run/netns/$LAB_UL_NS ]] || return 0
    ip netns add "$LAB_UL_NS" || return 1
    ip netns exec "$LAB_UL_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$LAB_UL_NS" link set lo up
    ip -n "$LAB_UL_NS" link add br-ul mtu "$LAB_UL_MTU" type bridge
    ip -n "$LAB_UL_NS" link set br-ul up
}

# lab_vsctl CHASSIS ARGS...: ovs-vsctl against CHASSIS's own database.
lab_vsctl() {
    local ch=${1:?usage: lab_vsctl CHASSIS ARGS...}
    shift
    [[ -n ${LAB_CH_DIR[$ch]:-} ]] || { lab__err "no chassis '$ch'"; return 1; }
    ovs-vsctl --timeout=20 --db="unix:${LAB_CH_DIR[$ch]}/db.sock" "$@"
}

# lab_ofctl CHASSIS CMD BRIDGE ARGS...: ovs-ofctl CMD on CHASSIS's BRIDGE
# through its management socket, e.g. `lab_ofctl hv1 dump-flows br-int`.
lab_ofctl() {
    local usage="usage: lab_ofctl CHASSIS CMD BRIDGE ARGS..."
    local ch=${1:?$usage} cmd=${2:?$usage} br=${3:?$usage}
    shift 3
    [[ -n ${LAB_CH_DIR[$ch]:-} ]] || { lab__err "no chassis '$ch'"; return 1; }
    ovs-ofctl -O OpenFlow15 "$cmd" "unix:${LAB_CH_DIR[$ch]}/$br.mgmt" "$@"
}

# lab_appctl CHASSIS [vswitchd|controller] ARGS...: ovs-appctl to CHASSIS's
# ovs-vswitchd (default) or controller.
lab_appctl() {
    local ch=${1:?usage: lab_appctl CHASSIS [vswitchd|controller] ARGS...} target=vswitchd ctl
    shift
    [[ -n ${LAB_CH_DIR[$ch]:-} ]] || { lab__err "no chassis '$ch'"; return 1; }
    case ${1:-} in vswitchd|controller) target=$1; shift ;; esac
    if [[ $target == vswitchd ]]; then
        ctl=${LAB_CH_DIR[$ch]}/ovs-vswitchd.ctl
    else
        # ovn-controller 23.03 has no --unixctl: its socket is named by pid (trap 5).
        local pid
        pid=$(lab__pid_of "${LAB_CH_DIR[$ch]}/controller.pid") || { lab__err "controller of $ch is not running"; return 1; }
        ctl=${LAB_CH_DIR[$ch]}/ovn-controller.$pid.ctl
        if [[ ! -S $ctl ]]; then
            # loom-controller, or a controller that names its socket otherwise.
            local socks=("${LAB_CH_DIR[$ch]}"/*controller*.ctl)
            ctl=${socks[0]}
        fi
    fi
    ovs-appctl -t "$ctl" "$@"
}

# lab_exec NAME CMD...: runs CMD inside the namespace of chassis or VM NAME
# (or "underlay").
lab_exec() {
    local ns
    ns=$(lab_ns "${1:?usage: lab_exec NAME CMD...}") || return 1
    shift
    ip netns exec "$ns" "$@"
}

# lab_ns NAME: prints the namespace of chassis or VM NAME (or "underlay").
lab_ns() {
    local n=$1
    if [[ $n == underlay ]]; then echo "$LAB_UL_NS"
    elif [[ -n ${LAB_CH_NS[$n]:-} ]]; then echo "${LAB_CH_NS[$n]}"
    elif [[ -n ${LAB_VM_NS[$n]:-} ]]; then echo "${LAB_VM_NS[$n]}"
    else lab__err "no chassis or VM named '$n'"; return 1
    fi
}

# lab__ns_sysctls NS: the sysctls every lab namespace gets: no IPv6 (keeps
# captures quiet), and for chassis the ARP settings of trap 2.
lab__ns_sysctls() {
    ip netns exec "$1" sysctl -qw \
        net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
        net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.default.arp_ignore=1 \
        net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.default.arp_announce=2 \
        net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1 >/dev/null
}

# lab_add_chassis NAME IP [encap=geneve|vxlan]: builds chassis NAME with
# encap address IP/24 on the underlay (all chassis share one /24): its namespace, underlay veth,
# ovsdb-server, ovs-vswitchd with br-int and br-phy (netdev), then the
# controller chosen by LAB_CONTROLLER with the usual external_ids; finally
# warms the tunnel neighbours with every chassis added before (trap 1).
lab_add_chassis() {
    local name=${1:?usage: lab_add_chassis NAME IP [encap=geneve|vxlan]} ip=${2:?usage: lab_add_chassis NAME IP [encap=geneve|vxlan]}
    local encap=geneve ns d peer
    case ${3:-encap=geneve} in
        encap=geneve|encap=vxlan) encap=${3:-encap=geneve}; encap=${encap#encap=} ;;
        *) lab__err "bad encap '${3}' (want encap=geneve or encap=vxlan)"; return 1 ;;
    esac
    lab__check_name chassis "$name" 12 || return 1
    lab__parse_ipv4 "encap IP" "$ip" || return 1
    [[ -z ${LAB_CH_NS[$name]:-}${LAB_VM_NS[$name]:-} ]] || { lab__err "name '$name' is already used"; return 1; }
    for peer in "${LAB_CHASSIS[@]}"; do
        [[ ${LAB_CH_IP[$peer]} != "$ip" ]] || { lab__err "encap IP $ip is already used by $peer"; return 1; }
        # One flat underlay: every encap address in the first chassis' /24.
        [[ ${LAB_CH_IP[$peer]%.*} == "${ip%.*}" ]] \
            || { lab__err "encap IP $ip is not in the underlay's /24 (${LAB_CH_IP[$peer]%.*}.0/24, from $peer)"; return 1; }
    done
    lab__prog LAB_CONTROLLER "${LAB_CONTROLLER:-ovn}" ovn-controller loom-controller >/dev/null || return 1
    [[ -n ${LAB_SB_REMOTE:-} ]] || { lab__err "call lab_start_central before lab_add_chassis"; return 1; }
    lab__underlay || { lab__err "cannot create the underlay namespace"; return 1; }

    ns=$LAB_NSP-$name
    d=$LAB_DIR/$name
    mkdir -p "$d"
    ip netns add "$ns" || { lab__err "cannot create namespace $ns"; return 1; }
    LAB_CHASSIS+=("$name")
    LAB_CH_NS[$name]=$ns LAB_CH_DIR[$name]=$d LAB_CH_IP[$name]=$ip LAB_CH_ENCAP[$name]=$encap
    lab__save "LAB_CHASSIS+=($name); LAB_CH_NS[$name]=$ns LAB_CH_DIR[$name]=$d LAB_CH_IP[$name]=$ip LAB_CH_ENCAP[$name]=$encap"
    lab__ns_sysctls "$ns"
    ip -n "$ns" link set lo up

    # Underlay wire: "ul-NAME" on br-ul, "ul0" in the chassis.
    ip link add name "ul-$name" netns "$LAB_UL_NS" mtu "$LAB_UL_MTU" type veth \
        peer name ul0 netns "$ns" mtu "$LAB_UL_MTU" || { lab__err "cannot create the underlay veth of $name"; return 1; }
    ip -n "$LAB_UL_NS" link set "ul-$name" master br-ul up
    ip -n "$ns" link set ul0 up

    # The chassis' own Open vSwitch.
    ovsdb-tool create "$d/conf.db" "$LAB_VSWITCH_SCHEMA" || return 1
    lab__start_chassis_db "$name" || return 1
    lab_vsctl "$name" --no-wait init
    lab__start_vswitchd "$name" || return 1
    lab_vsctl "$name" \
        -- add-br br-int -- set Bridge br-int datapath_type=netdev fail-mode=secure \
           other-config:disable-in-band=true \
        -- add-br br-phy -- set Bridge br-phy datapath_type=netdev \
        -- add-port br-phy ul0 \
        || { lab__err "cannot create the bridges of $name (see $d/ovs-vswitchd.log)"; return 1; }
    lab__phy_up "$name" || return 1
    lab_vsctl "$name" set Open_vSwitch . \
        external_ids:system-id="$name" \
        external_ids:hostname="$name" \
        external_ids:ovn-remote="$LAB_SB_REMOTE" \
        external_ids:ovn-encap-type="$encap" \
        external_ids:ovn-encap-ip="$ip" \
        external_ids:ovn-bridge=br-int \
        external_ids:ovn-bridge-datapath-type=netdev
    lab__start_controller "$name" || return 1
    lab__warm "$name"
    lab__log "chassis $name ($ip, $encap) up at $(lab_elapsed) s"
}

# lab__start_chassis_db CH: serves CH's conf.db on CH/db.sock, inside CH's
# namespace.
lab__start_chassis_db() {
    local ch=$1 d=${LAB_CH_DIR[$1]}
    lab__in_dir "$d" ip netns exec "${LAB_CH_NS[$ch]}" ovsdb-server --detach --no-chdir \
        --pidfile="$d/ovsdb-server.pid" --log-file="$d/ovsdb-server.log" \
        --unixctl="$d/ovsdb-server.ctl" --remote="punix:$d/db.sock" "$d/conf.db" \
        2>>"$d/ovsdb-server.stderr" || { lab__err "ovsdb-server of $ch did not start (see $d/ovsdb-server.log)"; return 1; }
}

# lab__start_vswitchd CH: starts ovs-vswitchd inside CH's namespace (it reads
# tunnel routes from that namespace's kernel table).
lab__start_vswitchd() {
    local ch=$1 d=${LAB_CH_DIR[$1]}
    lab__in_dir "$d" ip netns exec "${LAB_CH_NS[$ch]}" ovs-vswitchd --detach --no-chdir \
        --pidfile="$d/ovs-vswitchd.pid" --log-file="$d/ovs-vswitchd.log" \
        --unixctl="$d/ovs-vswitchd.ctl" "unix:$d/db.sock" \
        2>>"$d/ovs-vswitchd.stderr" || { lab__err "ovs-vswitchd of $ch did not start (see $d/ovs-vswitchd.log)"; return 1; }
}

# lab__phy_up CH: puts the encap IP on br-phy's internal port (native
# tunneling), MTU 1600, up, with the ARP sysctls of trap 2.  Idempotent: a
# restarted vswitchd recreates br-phy without its address.
lab__phy_up() {
    local ch=$1 ns=${LAB_CH_NS[$1]} ip=${LAB_CH_IP[$1]}
    lab__wait_for 10 ip -n "$ns" link show br-phy \
        || { lab__err "br-phy of $ch did not appear (see ${LAB_CH_DIR[$ch]}/ovs-vswitchd.log)"; return 1; }
    ip -n "$ns" link set br-phy mtu "$LAB_UL_MTU" up
    # (no `| grep -q`: under pipefail its early exit can fail the pipeline)
    [[ $(ip -n "$ns" -4 addr show dev br-phy) == *"inet $ip/"* ]] \
        || ip -n "$ns" addr add "$ip/24" dev br-phy
    ip netns exec "$ns" sysctl -qw net.ipv4.conf.br-phy.arp_ignore=1 \
        net.ipv4.conf.ul0.arp_ignore=1 net.ipv4.conf.br-phy.arp_announce=2 >/dev/null
}

# lab__start_controller CH: starts the controller chosen by LAB_CONTROLLER
# inside CH's namespace, sharing the vswitchd's directories (it finds
# br-int.mgmt there, trap 5).
lab__start_controller() {
    local ch=$1 d=${LAB_CH_DIR[$1]} ctl
    ctl=$(lab__prog LAB_CONTROLLER "${LAB_CONTROLLER:-ovn}" ovn-controller loom-controller) || return 1
    lab__in_dir "$d" ip netns exec "${LAB_CH_NS[$ch]}" "$ctl" --detach --no-chdir \
        --pidfile="$d/controller.pid" --log-file="$d/controller.log" \
        "unix:$d/db.sock" 2>>"$d/controller.stderr" \
        || { lab__err "$ctl of $ch did not start (see $d/controller.log)"; return 1; }
}

# lab__daemon WHAT: prints "PIDFILE STARTER [ARG]" for a daemon name:
# northd | nb | sb | CHASSIS/controller | CHASSIS/vswitchd | CHASSIS/ovsdb-server.
lab__daemon() {
    local what=$1 ch=${1%%/*} part=${1#*/}
    case $what in
        northd|northd[0-9]*) echo "$LAB_DIR/central/$what.pid lab__start_northd $what" ;;
        nb|sb|nb[1-9]|sb[1-9]) echo "$LAB_DIR/central/$what.pid lab__start_central_db $what" ;;
        */controller|*/vswitchd|*/ovsdb-server)
            [[ -n ${LAB_CH_DIR[$ch]:-} ]] || { lab__err "no chassis '$ch' in '$what'"; return 1; }
            case $part in
                controller)   echo "${LAB_CH_DIR[$ch]}/controller.pid lab__start_controller $ch" ;;
                vswitchd)     echo "${LAB_CH_DIR[$ch]}/ovs-vswitchd.pid lab__start_vswitchd $ch" ;;
                ovsdb-server) echo "${LAB_CH_DIR[$ch]}/ovsdb-server.pid lab__start_chassis_db $ch" ;;
            esac ;;
        *) lab__err "bad daemon '$what' (want northd[N], nb, sb, nbI, sbI, or CHASSIS/controller|vswitchd|ovsdb-server)"; return 1 ;;
    esac
}

# lab_stop WHAT [--kill]: stops one daemon (see lab__daemon for WHAT) by
# its pid file: SIGTERM and a wait, or SIGKILL with --kill (a crash).
lab_stop() {
    local what=${1:?usage: lab_stop WHAT [--kill]} spec pid i
    spec=$(lab__daemon "$what") || return 1
    read -r -a spec <<<"$spec"
    case ${2:-} in
        "") lab__stop "${spec[0]}" ;;
        --kill)
            pid=$(lab__pid_of "${spec[0]}") || return 0
            kill -KILL "$pid" 2>/dev/null || true
            for (( i = 0; i < 100; i++ )); do lab__alive "$pid" || break; sleep 0.05; done ;;
        *) lab__err "bad lab_stop option '$2' (want --kill)"; return 1 ;;
    esac
}

# lab_start WHAT: starts a daemon stopped by lab_stop again, with the same
# options and files.  A vswitchd gets its br-phy address back and re-warms
# its tunnel neighbours.
lab_start() {
    local what=${1:?usage: lab_start WHAT} spec pid
    spec=$(lab__daemon "$what") || return 1
    read -r -a spec <<<"$spec"
    if pid=$(lab__pid_of "${spec[0]}"); then lab__err "$what is already running (pid $pid)"; return 1; fi
    "${spec[@]:1}" || return 1
    if [[ $what == */vswitchd ]]; then
        lab__phy_up "${what%%/*}" || return 1
        lab__warm "${what%%/*}"
    fi
}

# lab_restart WHAT [--kill]: lab_stop then lab_start.
lab_restart() {
    lab_stop "$@" && lab_start "$1"
}

# lab__warm NAME: pings every other chassis' encap IP from NAME and back so
# that both vswitchds have each other in their tunnel neighbour cache
# (trap 1).  Unanswered pings only log: the test itself will tell.
lab__warm() {
    local name=$1 peer
    for peer in "${LAB_CHASSIS[@]}"; do
        [[ $peer != "$name" ]] || continue
        ip netns exec "${LAB_CH_NS[$name]}" ping -c1 -W2 -q "${LAB_CH_IP[$peer]}" >/dev/null 2>&1 \
            || lab__log "warm-up ping $name -> $peer got no answer"
        ip netns exec "${LAB_CH_NS[$peer]}" ping -c1 -W2 -q "${LAB_CH_IP[$name]}" >/dev/null 2>&1 \
            || lab__log "warm-up ping $peer -> $name got no answer"
    done
}

# lab_wait_chassis [SECONDS]: waits (default 20 s) until every chassis of
# the lab has its Chassis row in the SB.
lab_wait_chassis() {
    local secs=${1:-20} ch
    for ch in "${LAB_CHASSIS[@]}"; do
        lab__wait_for "$secs" lab__chassis_registered "$ch" \
            || { lab__err "chassis $ch did not register in the SB within $secs s (see ${LAB_CH_DIR[$ch]}/controller.log)"; return 1; }
    done
}

# lab__chassis_registered NAME: true if the SB has a Chassis named NAME.
lab__chassis_registered() {
    [[ -n $(lab__ref_sbctl --bare --columns=name find Chassis name="$1" 2>/dev/null) ]]
}

# lab_set_encap CHASSIS geneve|vxlan: switches CHASSIS's tunnel type.
lab_set_encap() {
    local ch=${1:?usage: lab_set_encap CHASSIS geneve|vxlan} t=${2:?usage: lab_set_encap CHASSIS geneve|vxlan}
    [[ $t == geneve || $t == vxlan ]] || { lab__err "bad encap '$t' (want geneve or vxlan)"; return 1; }
    lab_vsctl "$ch" set Open_vSwitch . external_ids:ovn-encap-type="$t" || return 1
    LAB_CH_ENCAP[$ch]=$t
    lab__save "LAB_CH_ENCAP[$ch]=$t"
}

# ---------------------------------------------------------------------------
# VMs.

# lab_add_vm CHASSIS VMNAME LSPNAME MAC IP/PLEN [GATEWAY [IP6/PLEN [GW6]]]:
# a namespace VMNAME with interface eth0 (MAC, IP/PLEN, MTU 1500, TX
# checksum offload off: trap 3) whose peer "v-VMNAME" is a br-int port of
# CHASSIS bound to logical switch port LSPNAME; GATEWAY becomes the default
# route ("" for none).  IPv6 stays off unless IP6/PLEN is given: then eth0
# also gets that address (no DAD, so it is usable at once) and GW6 becomes
# the IPv6 default route.
lab_add_vm() {
    local usage="usage: lab_add_vm CHASSIS VMNAME LSPNAME MAC IP/PLEN [GATEWAY [IP6/PLEN [GW6]]]"
    local ch=${1:?$usage} vm=${2:?$usage} lsp=${3:?$usage} mac=${4:?$usage} cidr=${5:?$usage} gw=${6:-}
    local cidr6=${7:-} gw6=${8:-} ns chns ip plen ip6=
    [[ -n ${LAB_CH_NS[$ch]:-} ]] || { lab__err "no chassis '$ch'"; return 1; }
    lab__check_name VM "$vm" 13 || return 1
    [[ -z ${LAB_CH_NS[$vm]:-}${LAB_VM_NS[$vm]:-} ]] || { lab__err "name '$vm' is already used"; return 1; }
    lab__parse_mac MAC "$mac" || return 1
    ip=${cidr%/*} plen=${cidr#*/}
    [[ $cidr == */* && $plen =~ ^[0-9]+$ ]] && (( plen <= 32 )) \
        || { lab__err "bad VM address '$cidr' (want IP/PLEN like 10.0.1.11/24)"; return 1; }
    lab__parse_ipv4 "VM address" "$ip" || return 1
    [[ -z $gw ]] || lab__parse_ipv4 gateway "$gw" || return 1
    if [[ -n $cidr6 ]]; then
        ip6=${cidr6%/*} plen=${cidr6#*/}
        [[ $cidr6 == */* && $plen =~ ^[0-9]+$ ]] && (( plen <= 128 )) \
            || { lab__err "bad VM IPv6 address '$cidr6' (want IP6/PLEN like fd00:1::11/64)"; return 1; }
        lab__parse_ipv6 "VM IPv6 address" "$ip6" || return 1
        [[ -z $gw6 ]] || lab__parse_ipv6 "IPv6 gateway" "$gw6" || return 1
    fi
    lab__need ethtool || return 1

    ns=$LAB_NSP-$vm chns=${LAB_CH_NS[$ch]}
    ip netns add "$ns" || { lab__err "cannot create namespace $ns"; return 1; }
    LAB_VMS+=("$vm")
    LAB_VM_NS[$vm]=$ns LAB_VM_CH[$vm]=$ch LAB_VM_IP[$vm]=$ip LAB_VM_MAC[$vm]=$mac LAB_VM_LSP[$vm]=$lsp
    LAB_VM_IP6[$vm]=$ip6
    lab__save "LAB_VMS+=($vm); LAB_VM_NS[$vm]=$ns LAB_VM_CH[$vm]=$ch LAB_VM_IP[$vm]=$ip LAB_VM_MAC[$vm]=$mac LAB_VM_LSP[$vm]=$lsp LAB_VM_IP6[$vm]=$ip6"
    if [[ -z $ip6 ]]; then
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
    else
        # Before eth0 exists, so that it inherits "no DAD".
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 >/dev/null
    fi
    ip link add name "v-$vm" netns "$chns" mtu "$LAB_VM_MTU" type veth \
        peer name eth0 netns "$ns" mtu "$LAB_VM_MTU" || { lab__err "cannot create the veth of VM $vm"; return 1; }
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 address "$mac" up || { lab__err "cannot set MAC $mac on VM $vm"; return 1; }
    ip -n "$ns" addr add "$cidr" dev eth0 || { lab__err "cannot add $cidr to VM $vm"; return 1; }
    if [[ -n $gw ]]; then
        ip -n "$ns" route add default via "$gw" || { lab__err "cannot route VM $vm via $gw"; return 1; }
    fi
    if [[ -n $ip6 ]]; then
        ip -n "$ns" -6 addr add "$cidr6" dev eth0 nodad || { lab__err "cannot add $cidr6 to VM $vm"; return 1; }
        if [[ -n $gw6 ]]; then
            ip -n "$ns" -6 route add default via "$gw6" dev eth0 || { lab__err "cannot route VM $vm via $gw6"; return 1; }
        fi
    fi
    ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null 2>&1 || lab__log "ethtool -K eth0 tx off failed in $vm"
    ip netns exec "$chns" ethtool -K "v-$vm" tx off >/dev/null 2>&1 || true
    ip -n "$chns" link set "v-$vm" up
    if [[ ${LAB__BRIDGE:-br-int} == br-int ]]; then
        lab_vsctl "$ch" add-port br-int "v-$vm" \
            -- set Interface "v-$vm" external_ids:iface-id="$lsp" \
            || { lab__err "cannot plug VM $vm into br-int of $ch"; return 1; }
    else
        # An external host (lab_add_external): a plain port of a provider bridge.
        lab_vsctl "$ch" add-port "$LAB__BRIDGE" "v-$vm" \
            || { lab__err "cannot plug $vm into $LAB__BRIDGE of $ch"; return 1; }
    fi
    lab__log "VM $vm ($ip${ip6:+ $ip6}, $lsp) on $ch at $(lab_elapsed) s"
}

# lab_add_external CHASSIS NAME MAC IP/PLEN [GATEWAY] [PHYSNET]: a host
# outside the overlay: namespace NAME, like a VM, but plugged into the
# provider bridge br-PHYSNET (default PHYSNET "public") of CHASSIS, which is
# created on first use and added to the chassis' ovn-bridge-mappings
# (PHYSNET:br-PHYSNET).  A logical switch reaches it through a localnet
# port with options:network_name=PHYSNET, bound on that chassis.  lab_ping,
# lab_tcp and lab_capture work with NAME as with a VM.
lab_add_external() {
    local usage="usage: lab_add_external CHASSIS NAME MAC IP/PLEN [GATEWAY] [PHYSNET]"
    local ch=${1:?$usage} name=${2:?$usage} mac=${3:?$usage} cidr=${4:?$usage} gw=${5:-} physnet=${6:-public}
    lab__provider_bridge "$ch" "$physnet" || return 1
    LAB__BRIDGE=br-$physnet lab_add_vm "$ch" "$name" "-" "$mac" "$cidr" "$gw"
}

# lab__provider_bridge CHASSIS PHYSNET: makes sure CHASSIS has the provider
# bridge br-PHYSNET (netdev, NORMAL switching) and maps PHYSNET to it in
# ovn-bridge-mappings.
lab__provider_bridge() {
    local ch=$1 physnet=$2 br maps
    [[ -n ${LAB_CH_NS[$ch]:-} ]] || { lab__err "no chassis '$ch'"; return 1; }
    lab__check_name "physical network" "$physnet" 12 || return 1
    br=br-$physnet
    lab_vsctl "$ch" br-exists "$br" && return 0
    lab_vsctl "$ch" add-br "$br" -- set Bridge "$br" datapath_type=netdev \
        || { lab__err "cannot create $br on $ch"; return 1; }
    ip -n "${LAB_CH_NS[$ch]}" link set "$br" up
    maps=$(lab_vsctl "$ch" --if-exists get Open_vSwitch . external_ids:ovn-bridge-mappings 2>/dev/null | tr -d '"')
    lab_vsctl "$ch" set Open_vSwitch . \
        external_ids:ovn-bridge-mappings="${maps:+$maps,}$physnet:$br" \
        || { lab__err "cannot map $physnet to $br on $ch"; return 1; }
}

# lab_connect_physnet CHASSIS [PHYSNET]: wires CHASSIS's provider bridge
# br-PHYSNET (default "public"; created and mapped if need be) to the
# physical network PHYSNET: a Linux bridge "br-pn" (MTU 1600, VLAN tags pass
# through) in the namespace PFX-pn-PHYSNET, one veth per chassis ("pn-
# PHYSNET" on the chassis side, "c-CHASSIS" on the bridge).  Logical
# switches with a localnet port for PHYSNET then carry traffic between
# these chassis on it, without tunnels.  lab_capture pn-PHYSNET FILTER ...
# captures on br-pn.
lab_connect_physnet() {
    local ch=${1:?usage: lab_connect_physnet CHASSIS [PHYSNET]} physnet=${2:-public} pns
    lab__provider_bridge "$ch" "$physnet" || return 1
    pns=$LAB_NSP-pn-$physnet
    if [[ ! -e /run/netns/$pns ]]; then
        ip netns add "$pns" || { lab__err "cannot create namespace $pns"; return 1; }
        ip netns exec "$pns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
        ip -n "$pns" link set lo up
        ip -n "$pns" link add br-pn mtu "$LAB_UL_MTU" type bridge
        ip -n "$pns" link set br-pn up
    fi
    ip link add name "c-$ch" netns "$pns" mtu "$LAB_UL_MTU" type veth \
        peer name "pn-$physnet" netns "${LAB_CH_NS[$ch]}" mtu "$LAB_UL_MTU" \
        || { lab__err "cannot wire $ch to physical network $physnet"; return 1; }
    ip -n "$pns" link set "c-$ch" master br-pn up
    ip -n "${LAB_CH_NS[$ch]}" link set "pn-$physnet" up
    lab_vsctl "$ch" add-port "br-$physnet" "pn-$physnet" \
        || { lab__err "cannot plug pn-$physnet into br-$physnet of $ch"; return 1; }
}

# lab_vm_ip6 VM: prints VM's IPv6 address (empty when it has none).
lab_vm_ip6() {
    [[ -n ${LAB_VM_NS[${1:-}]:-} ]] || { lab__err "no VM '${1:-}'"; return 1; }
    echo "${LAB_VM_IP6[$1]:-}"
}

# lab_vm_ip VM: prints VM's IPv4 address.
lab_vm_ip() {
    [[ -n ${LAB_VM_IP[${1:-}]:-} ]] || { lab__err "no VM '${1:-}'"; return 1; }
    echo "${LAB_VM_IP[$1]}"
}

# lab__lsp_up LSP: true if the NB says LSP is up.
lab__lsp_up() {
    [[ $(lab__ref_nbctl get Logical_Switch_Port "$1" up 2>/dev/null) == *true* ]]
}

# lab_wait_port_up LSP [SECONDS]: waits (default 30 s) until the NB marks
# LSP up (its VIF is claimed by a chassis and flows are in place).
lab_wait_port_up() {
    local lsp=${1:?usage: lab_wait_port_up LSP [SECONDS]} secs=${2:-30}
    lab__wait_for "$secs" lab__lsp_up "$lsp" \
        || { lab__err "logical switch port $lsp is not up after $secs s"; return 1; }
}

# lab__lsp_bound LSP: true if the SB Port_Binding of LSP names a chassis.
lab__lsp_bound() {
    [[ -n $(lab__ref_sbctl --bare --columns=chassis find Port_Binding logical_port="$1" 2>/dev/null) ]]
}

# lab_wait_port_bound LSP [SECONDS]: waits (default 30 s) until a chassis
# has claimed LSP in the SB (Port_Binding.chassis set), which needs no
# feedback from northd, unlike lab_wait_port_up.
lab_wait_port_bound() {
    local lsp=${1:?usage: lab_wait_port_bound LSP [SECONDS]} secs=${2:-30}
    lab__wait_for "$secs" lab__lsp_bound "$lsp" \
        || { lab__err "no chassis claimed logical switch port $lsp within $secs s"; return 1; }
}

# ---------------------------------------------------------------------------
# Traffic.

# lab_ping VM IP [COUNT]: sends COUNT (default 3) pings 0.2 s apart from VM
# to IP and prints "RECEIVED/COUNT"; succeeds if at least one reply came
# back.  Judged by replies received, not ping's exit status (trap 7).
lab_ping() {
    local vm=${1:?usage: lab_ping VM IP [COUNT]} dst=${2:?usage: lab_ping VM IP [COUNT]} count=${3:-3}
    local out rx
    [[ -n ${LAB_VM_NS[$vm]:-} ]] || { lab__err "no VM '$vm'"; return 1; }
    out=$(ip netns exec "${LAB_VM_NS[$vm]}" ping -n -q -c "$count" -i 0.2 -W 1 "$dst" 2>&1) || true
    rx=0
    [[ $out =~ ([0-9]+)\ (packets\ )?received ]] && rx=${BASH_REMATCH[1]}
    echo "$rx/$count"
    (( rx > 0 ))
}

# lab_wait_ping VM IP [SECONDS]: pings from VM to IP every 0.1 s until a
# reply comes (default 20 s) and prints how long it took; fails if none
# does.  Each round is one ping
# run of at most 2 s, because ping counts an unreachable error as the
# awaited answer and stops early (trap 7).
lab_wait_ping() {
    local vm=${1:?usage: lab_wait_ping VM IP [SECONDS]} dst=${2:?usage: lab_wait_ping VM IP [SECONDS]} secs=${3:-20}
    local deadline out t0
    [[ -n ${LAB_VM_NS[$vm]:-} ]] || { lab__err "no VM '$vm'"; return 1; }
    t0=$(lab__now_ms)
    deadline=$(( t0 + secs * 1000 ))
    while (( $(lab__now_ms) < deadline )); do
        out=$(ip netns exec "${LAB_VM_NS[$vm]}" ping -n -q -c 1 -i 0.1 -w 2 "$dst" 2>&1) || true
        if [[ $out =~ ([1-9][0-9]*)\ (packets\ )?received ]]; then
            echo "reply after $(( $(lab__now_ms) - t0 )) ms"
            return 0
        fi
        sleep 0.05
    done
    lab__err "no ping reply from $dst to $vm within $secs s"
    return 1
}

# lab__vm_by_ip IP: prints the VM that owns IP.
lab__vm_by_ip() {
    local vm
    for vm in "${LAB_VMS[@]}"; do
        [[ ${LAB_VM_IP[$vm]} != "$1" && ${LAB_VM_IP6[$vm]:-} != "$1" ]] || { echo "$vm"; return 0; }
    done
    return 1
}

# lab_tcp VM IP PORT [SECONDS] [LISTENER]: opens a TCP connection from VM
# to IP:PORT with nc and sends a token through it.  When IP belongs to a
# lab VM -- or LISTENER names the VM that should answer, e.g. behind a NAT
# address -- a one-shot nc listener is started there first and the test
# passes only if the token arrived; otherwise a completed handshake
# (nc -z) is enough.  SECONDS (default 3) bounds the connect.  Prints "ok"
# or "fail".
lab_tcp() {
    local usage="usage: lab_tcp VM IP PORT [SECONDS] [LISTENER]"
    local vm=${1:?$usage} dst=${2:?$usage} port=${3:?$usage} secs=${4:-3} dvm=${5:-}
    local token out lpid rc=1 laddr=()
    [[ -n ${LAB_VM_NS[$vm]:-} ]] || { lab__err "no VM '$vm'"; return 1; }
    [[ $port =~ ^[0-9]+$ ]] && (( port > 0 && port < 65536 )) || { lab__err "bad TCP port '$port'"; return 1; }
    [[ -z $dvm || -n ${LAB_VM_NS[$dvm]:-} ]] || { lab__err "no VM '$dvm' to listen"; return 1; }
    lab__need nc || return 1
    if [[ -z $dvm ]] && dvm=$(lab__vm_by_ip "$dst"); then
        laddr=("$dst")
    fi
    if [[ -z $dvm ]]; then
        ip netns exec "${LAB_VM_NS[$vm]}" nc -z -w "$secs" "$dst" "$port" >/dev/null 2>&1 && rc=0
    else
        token=loom-$$-$RANDOM$RANDOM
        out=$LAB_DIR/aux/tcp-$dvm-$port.$RANDOM.out
        ip netns exec "${LAB_VM_NS[$dvm]}" timeout $(( secs + 5 )) nc -l -n "${laddr[@]}" "$port" >"$out" 2>&1 &
        lpid=$!
        if lab__wait_for 3 lab__listening "$dvm" "$port"; then
            # The token is awaited only when the client connected.
            if echo "$token" | ip netns exec "${LAB_VM_NS[$vm]}" timeout $(( secs + 2 )) \
                    nc -n -N -w "$secs" "$dst" "$port" >/dev/null 2>&1; then
                lab__wait_for 2 grep -q "$token" "$out" && rc=0
            fi
        else
            lab__err "nc listener on $dvm:$port did not start"
        fi
        kill "$lpid" 2>/dev/null || true
        wait "$lpid" 2>/dev/null || true
        rm -f "$out"
    fi
    if (( rc == 0 )); then echo ok; else echo fail; fi
    return "$rc"
}

# lab__listening VM PORT: true if VM has a TCP listener on PORT.
lab__listening() {
    [[ -n $(ip netns exec "${LAB_VM_NS[$1]}" ss -Htln "sport = :$2") ]]
}

# lab_capture_start CHASSIS FILTER: starts tcpdump on CHASSIS's underlay
# link (the "ul-CHASSIS" port of the underlay bridge) with the pcap FILTER,
# writing decoded lines to $LAB_DIR/aux/capture-CHASSIS.txt; extra tcpdump
# flags come from LAB_TCPDUMP_FLAGS.  Given a VM (or external host) instead
# of a chassis, captures on its eth0; given pn-PHYSNET, on that physical
# network's bridge (lab_connect_physnet).  Returns once tcpdump listens (5 s at
# most).
lab_capture_start() {
    local ch=${1:?usage: lab_capture_start CHASSIS|VM FILTER} filter=${2:?usage: lab_capture_start CHASSIS|VM FILTER}
    local base=$LAB_DIR/aux/capture-$ch ns iface
    if [[ -n ${LAB_CH_NS[$ch]:-} ]]; then
        ns=$LAB_UL_NS iface=ul-$ch
    elif [[ -n ${LAB_VM_NS[$ch]:-} ]]; then
        ns=${LAB_VM_NS[$ch]} iface=eth0
    elif [[ $ch == pn-* && -e /run/netns/$LAB_NSP-$ch ]]; then
        ns=$LAB_NSP-$ch iface=br-pn
    else
        lab__err "no chassis, VM or physical network (pn-PHYSNET) '$ch'"
        return 1
    fi
    lab__need tcpdump || return 1
    lab__stop "$base.pid"
    : >"$base.err"
    # The filter goes in a file so that tcpdump's command line names the run
    # directory (lab__pid_of checks it before signalling).
    printf '%s\n' "$filter" >"$base.filter"
    local flags=()
    read -r -a flags <<<"${LAB_TCPDUMP_FLAGS:-}"
    ip netns exec "$ns" tcpdump --immediate-mode -l -nn "${flags[@]}" -i "$iface" -s 256 \
        -F "$base.filter" >"$base.txt" 2>"$base.err" &
    echo $! >"$base.pid"
    lab__wait_for 5 grep -q 'listening on' "$base.err" \
        || { lab__err "tcpdump on $iface in $ns did not start: $(head -c 300 "$base.err")"; return 1; }
}

# lab_capture_stop CHASSIS: stops the capture and prints how many packets
# matched the filter; lab_capture_text CHASSIS then prints them decoded.
lab_capture_stop() {
    local ch=${1:?usage: lab_capture_stop CHASSIS} base pid i
    base=$LAB_DIR/aux/capture-$ch
    if pid=$(lab__pid_of "$base.pid"); then
        kill -INT "$pid" 2>/dev/null || true
        for (( i = 0; i < 60; i++ )); do lab__alive "$pid" || break; sleep 0.05; done
    fi
    rm -f "$base.pid"
    # One packet per line starting with its timestamp: -v/-e add indented
    # continuation lines, and tcpdump ends with an empty line when interrupted.
    if [[ -f $base.txt ]]; then grep -c '^[0-9]' "$base.txt" || true; else echo 0; fi
}

# lab_capture_text CHASSIS: prints the decoded packets of CHASSIS's last
# capture (more detail with LAB_TCPDUMP_FLAGS="-e -vvv" at the start).
lab_capture_text() {
    cat "$LAB_DIR/aux/capture-${1:?usage: lab_capture_text CHASSIS}.txt"
}

# lab_capture CHASSIS FILTER CMD...: captures on CHASSIS's underlay link
# while CMD runs and prints the number of matching packets.  CMD's own
# output goes to stderr; its failure does not fail the capture.
lab_capture() {
    local ch=${1:?usage: lab_capture CHASSIS FILTER CMD...} filter=${2:?usage: lab_capture CHASSIS FILTER CMD...}
    shift 2
    lab_capture_start "$ch" "$filter" || return 1
    "$@" >&2 || true
    sleep 0.1
    lab_capture_stop "$ch"
}
