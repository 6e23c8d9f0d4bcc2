# sandbox.sh: start real ovsdb-server / ovs-vswitchd instances for one test,
# each in a private directory, and stop them again by pid file.
#
# Source it from a bash test:
#
#   . "$LOOM_SRC/tests/lib/sandbox.sh"
#   sb_init mytest                       # $SB_DIR=/tmp/loom-mytest-XXXX, cleanup on exit
#   sb_start_ovsdb nb "$LOOM_SRC/schemas/ovn-nb.ovsschema"   # -> unix:$SB_DIR/nb/db.sock
#   sb_start_ovsdb sb "$(sb_schema sb)" ptcp:0:127.0.0.1       # extra remotes allowed
#   sb_start_vswitchd hv1                # ovsdb-server + ovs-vswitchd in $SB_DIR/hv1
#   ovs-vsctl --db=$(sb_remote hv1) add-br br-int -- set bridge br-int datapath_type=netdev
#   sb_stop nb                           # kill -9 style fault injection: sb_kill nb
#
# Each daemon NAME lives in $SB_DIR/NAME/ (db file, log, pid file, sockets),
# with OVS_RUNDIR/OVS_LOGDIR/OVS_DBDIR pointing there, so nothing touches
# /var/run/openvswitch.  Cleanup stops every daemon whose pid file is under
# $SB_DIR, deletes the network namespaces recorded with sb_track_netns, then
# removes $SB_DIR (kept when LOOM_KEEP_TEST_DIR=1, for post-mortems).
# Never uses pkill/killall: two tests may run side by side.

: "${LOOM_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${LOOM_BUILD:=$LOOM_SRC/build}"

# sb_init NAME: make the private directory and arm cleanup on exit.
sb_init() {
    SB_DIR=$(mktemp -d "/tmp/loom-$1-XXXX")
    export SB_DIR
    : >"$SB_DIR/.netns"
    trap sb_cleanup EXIT
    trap 'exit 130' INT TERM
}

# sb_schema nb|sb|vswitch: path of the schema to use.  Loom's own NB/SB
# schemas when present, Debian's otherwise (they are identical in content).
sb_schema() {
    case $1 in
        nb|sb)
            if [ -f "$LOOM_SRC/schemas/ovn-$1.ovsschema" ]; then
                echo "$LOOM_SRC/schemas/ovn-$1.ovsschema"
            else
                echo "/usr/share/ovn/ovn-$1.ovsschema"
            fi ;;
        vswitch) echo /usr/share/openvswitch/vswitch.ovsschema ;;
        *) echo "sb_schema: unknown schema '$1'" >&2; return 1 ;;
    esac
}

# sb_remote NAME: the unix: remote of daemon NAME's ovsdb-server.
sb_remote() { echo "unix:$SB_DIR/$1/db.sock"; }

# sb_env NAME: prints the env assignments that point OVS tools at NAME's dir.
sb_env() {
    echo "OVS_RUNDIR=$SB_DIR/$1 OVS_LOGDIR=$SB_DIR/$1 OVS_DBDIR=$SB_DIR/$1"
}

# sb_wait_for SECONDS CMD...: retry CMD every 0.1 s until it succeeds.
sb_wait_for() {
    local limit=$1; shift
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        if [ $SECONDS -ge "$deadline" ]; then
            echo "sb_wait_for: timed out after ${limit}s: $*" >&2
            return 1
        fi
        sleep 0.1
    done
}

# sb_start_ovsdb NAME SCHEMA [REMOTE...]: create NAME's database from SCHEMA
# (unless it exists: a restart keeps the data) and start ovsdb-server on
# unix:$SB_DIR/NAME/db.sock plus any extra REMOTEs (e.g. ptcp:0:127.0.0.1).
sb_start_ovsdb() {
    local name=$1 schema=$2; shift 2
    local d=$SB_DIR/$name
    mkdir -p "$d"
    [ -f "$d/db" ] || ovsdb-tool create "$d/db" "$schema" || return 1
    local remotes=(--remote="punix:$d/db.sock")
    local r
    for r in "$@"; do remotes+=(--remote="$r"); done
    env OVS_RUNDIR="$d" OVS_LOGDIR="$d" OVS_DBDIR="$d" \
        ovsdb-server --detach --no-chdir --pidfile="$d/ovsdb-server.pid" \
        -vconsole:off --log-file="$d/ovsdb-server.log" --unixctl="$d/ovsdb-server.ctl" \
        "${remotes[@]}" "$d/db" || return 1
    sb_wait_for 10 test -S "$d/db.sock"
}

# sb_ovsdb_tcp_port NAME: the TCP port ovsdb-server NAME bound for ptcp:0.
sb_ovsdb_tcp_port() {
    # ovsdb-server logs the port it bound as "...: listening on port N".
    sed -n 's/.*listening on port \([0-9]*\).*/\1/p' \
        "$SB_DIR/$1/ovsdb-server.log" | tail -n1
}

# sb_start_vswitchd NAME: an Open_vSwitch ovsdb-server plus ovs-vswitchd,
# both in $SB_DIR/NAME (bridges' mgmt sockets land there too).  ovs-vswitchd
# runs in its own network namespace, $(sb_netns NAME): the userspace datapath
# holds one "ovs-netdev" tap device per namespace, so two vswitchds in one
# namespace collide.  Its sockets are files, reachable from anywhere.
sb_start_vswitchd() {
    local name=$1
    local d=$SB_DIR/$name
    local ns
    ns=$(sb_netns "$name")
    sb_start_ovsdb "$name" "$(sb_schema vswitch)" || return 1
    env OVS_RUNDIR="$d" OVS_LOGDIR="$d" OVS_DBDIR="$d" \
        ovs-vsctl --db="unix:$d/db.sock" --no-wait init || return 1
    ip netns add "$ns" || return 1
    sb_track_netns "$ns"
    ip -n "$ns" link set lo up
    env OVS_RUNDIR="$d" OVS_LOGDIR="$d" OVS_DBDIR="$d" \
        ip netns exec "$ns" ovs-vswitchd --detach --no-chdir --pidfile="$d/ovs-vswitchd.pid" \
        -vconsole:off --log-file="$d/ovs-vswitchd.log" --unixctl="$d/ovs-vswitchd.ctl" \
        "unix:$d/db.sock" || return 1
    sb_wait_for 10 test -S "$d/ovs-vswitchd.ctl"
}

# sb_netns NAME: the network namespace of NAME's ovs-vswitchd.
sb_netns() { echo "$(basename "$SB_DIR")-$1"; }

# sb_vsctl NAME ARGS...: ovs-vsctl against NAME's vswitchd database.
sb_vsctl() {
    local name=$1; shift
    env OVS_RUNDIR="$SB_DIR/$name" ovs-vsctl --db="unix:$SB_DIR/$name/db.sock" "$@"
}

# sb_kill_pidfile FILE [SIGNAL]: signal the process in FILE and wait up to
# 10 s for it to go (a zombie counts as gone: detached daemons are reaped late).
sb_kill_pidfile() {
    local file=$1 sig=${2:-TERM}
    [ -f "$file" ] || return 0
    local pid
    pid=$(cat "$file" 2>/dev/null) || return 0
    [ -n "$pid" ] || return 0
    kill -"$sig" "$pid" 2>/dev/null || { rm -f "$file"; return 0; }
    local i
    for i in $(seq 100); do
        local state
        state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || break
        [ "$state" = Z ] && break
        sleep 0.1
    done
    rm -f "$file"
}

# sb_stop NAME: stop every daemon of NAME gracefully.  sb_kill NAME: kill -9.
sb_stop() { local f; for f in "$SB_DIR/$1"/*.pid; do sb_kill_pidfile "$f" TERM; done; }
sb_kill() { local f; for f in "$SB_DIR/$1"/*.pid; do sb_kill_pidfile "$f" KILL; done; }

# sb_track_netns NS: delete namespace NS at cleanup.
sb_track_netns() { echo "$1" >>"$SB_DIR/.netns"; }

# sb_cleanup: stop everything under $SB_DIR.  Safe to call twice.
sb_cleanup() {
    local rc=$?
    [ -n "${SB_DIR:-}" ] && [ -d "$SB_DIR" ] || return $rc
    local f
    while read -r f; do
        sb_kill_pidfile "$f" TERM
    done < <(find "$SB_DIR" -name '*.pid' 2>/dev/null)
    if [ -f "$SB_DIR/.netns" ]; then
        local ns
        while read -r ns; do
            [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
        done <"$SB_DIR/.netns"
    fi
    if [ "${LOOM_KEEP_TEST_DIR:-0}" = 1 ] || [ $rc -ne 0 -a "${LOOM_KEEP_FAILED:-0}" = 1 ]; then
        echo "sandbox: kept $SB_DIR" >&2
    else
        rm -rf "$SB_DIR"
    fi
    return $rc
}

# sb_fail MESSAGE: print and exit 1.  sb_skip MESSAGE: print and exit 77.
sb_fail() { echo "FAIL: $*" >&2; exit 1; }
sb_skip() { echo "SKIP: $*" >&2; exit 77; }
