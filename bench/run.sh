#!/usr/bin/env bash
# Server benchmark (issue 8; BENCHMARKS.md): bench/run.sh [--quick]
#
# Builds the release server and the examples, generates stores of 1,000, 1,000,000 and
# 100,000 users, measures the baselines (the actix floor, examples/floor.rs, raw SQLite
# single-row transactions, examples/sqlite_floor.rs, and GetUser's lookup on raw SQLite,
# examples/lookup_floor.rs), then drives the server with wrk (bench/lua/*.lua), the
# million-user one beside a second 1,000-user server, then worlds (docs/worlds.md) on a
# server seeded from the fixtures: GetUser in a world against the same in `default`, the
# first request to each of 200 new worlds, and what the 200 idle worlds add to the
# resident set; and writes Markdown tables to stdout and target/bench/results.md.
# It reports; it never fails on a target. Exit status 1 means a workload answered errors
# (its figures are invalid) or the harness itself broke.
#
# --quick         3 s per workload instead of 8 (for working on the harness)
# Environment:
#   SERVER_BIN    server binary to measure (default: the release build of this tree)
#   DURATION      seconds per wrk workload        CONNS       wrk connections (64)
#   SERVER_CPUS   cores for the server and the baselines (default 0)
#   WRK_CPUS      cores for wrk (default 1; 0 as well on a one-core machine)
#   WORKERS       HTTP workers of the server and the floor (default: one per server core)
#   BIG_USERS     users of the big store (1000000)  BENCH_PORT  first of 3 ports (18480)
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
QUICK=0
for arg in "$@"; do
    case $arg in
        --quick) QUICK=1 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "bench/run.sh: unknown argument $arg" >&2; usage >&2; exit 2 ;;
    esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
OUT=$TARGET_DIR/bench
if ((QUICK)); then DURATION=${DURATION:-3}; SQLITE_SECONDS=1; else DURATION=${DURATION:-8}; SQLITE_SECONDS=3; fi
CONNS=${CONNS:-64}
NPROC=$(nproc)
SERVER_CPUS=${SERVER_CPUS:-0}
if ((NPROC >= 2)); then WRK_CPUS=${WRK_CPUS:-1}; else WRK_CPUS=${WRK_CPUS:-0}; fi
# One worker per core the server may use, as the server's own default does for the
# whole machine.
WORKERS=${WORKERS:-$(taskset -c "$SERVER_CPUS" nproc)}
SMALL_USERS=1000
BIG_USERS=${BIG_USERS:-1000000}
LIST_USERS=100000
PORT=${BENCH_PORT:-18480}
BASE="http://127.0.0.1:$PORT"
FLOOR_PORT=$((PORT + 1))
FLOOR_BASE="http://127.0.0.1:$FLOOR_PORT"
# A second 1,000-user server, beside the million-user one (see `small_side`).
SIDE_PORT=$((PORT + 2))
SIDE_BASE="http://127.0.0.1:$SIDE_PORT"
# The read workloads and their floors alternate in this many rounds (see `paired`).
ROUNDS=3
ROUND_SECONDS=$(((DURATION + ROUNDS - 1) / ROUNDS))
export BENCH_LUA=$ROOT/bench/lua

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

SERVER_PID=
FLOOR_PID=
SIDE_PID=
WORK=
stop_server() {
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 100; i++)); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.05
        done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
# SIGTERM → exit of an idle server, in ms (polled every millisecond, at most 5 s).
timed_stop() {
    local started=$EPOCHREALTIME i
    kill "$SERVER_PID" 2>/dev/null || true
    for ((i = 0; i < 5000; i++)); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.001
    done
    awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }'
}
stop_floor() {
    if [[ -n $FLOOR_PID ]]; then
        kill "$FLOOR_PID" 2>/dev/null || true
        wait "$FLOOR_PID" 2>/dev/null || true
        FLOOR_PID=
    fi
}
stop_side() {
    if [[ -n $SIDE_PID ]]; then
        kill "$SIDE_PID" 2>/dev/null || true
        wait "$SIDE_PID" 2>/dev/null || true
        SIDE_PID=
    fi
}
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    stop_server
    stop_floor
    stop_side
    if [[ -n $WORK && -d $WORK ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in "$PORT" "$FLOOR_PORT" "$SIDE_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        die "port $port is already in use (set BENCH_PORT)"
    fi
done

# --- tools -----------------------------------------------------------------------------
for tool in curl taskset cargo; do
    command -v "$tool" >/dev/null || die "$tool is required"
done
if ! command -v wrk >/dev/null; then
    command -v apt-get >/dev/null || die "wrk is required (no apt-get to install it)"
    SUDO=
    if ((EUID != 0)); then SUDO=sudo; fi
    log "installing wrk"
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq wrk >&2
fi

# --- build -----------------------------------------------------------------------------
BUILD=(cargo build --release --examples)
if [[ -z ${SERVER_BIN:-} ]]; then
    BUILD+=(--bin asmx-emulator)
    SERVER_BIN=$TARGET_DIR/release/asmx-emulator
    SERVER_LABEL="release build of this tree"
else
    SERVER_LABEL="SERVER_BIN=$(basename "$SERVER_BIN")"
fi
log "building: ${BUILD[*]}"
(cd "$ROOT" && "${BUILD[@]}" >&2)
[[ -x $SERVER_BIN ]] || die "no server binary at $SERVER_BIN"
EX=$TARGET_DIR/release/examples

mkdir -p "$OUT"
WORK=$(mktemp -d "$OUT/work.XXXXXX")

# --- stores ----------------------------------------------------------------------------
declare -A GEN_SECONDS GENERATED FIRST_ID
gen() { # name users
    local started=$EPOCHREALTIME out
    out=$("$EX/gen_users" "$WORK/$1.db" "$2" "$ROOT/fixtures" 2>>"$WORK/gen.log")
    GENERATED[$1]=${out% *}
    FIRST_ID[$1]=${out#* }
    GEN_SECONDS[$1]=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    log "store $1: $2 users in ${GEN_SECONDS[$1]} s"
}
gen small "$SMALL_USERS"
gen big "$BIG_USERS"
gen list "$LIST_USERS"

# --- servers ---------------------------------------------------------------------------
STARTED_AT=
start_server() { # db log [flags...]
    STARTED_AT=$EPOCHREALTIME
    taskset -c "$SERVER_CPUS" "$SERVER_BIN" --db "$1" --fixtures "$ROOT/fixtures" \
        --bind "127.0.0.1:$PORT" --workers "$WORKERS" "${@:3}" >"$2" 2>&1 &
    SERVER_PID=$!
}

# 0 when GET $1 answers 200 with a body containing $2. Bash's /dev/tcp: no process per
# poll. Sets ANSWERED_AT when the server answered anything at all.
ANSWERED_AT=
probe() {
    local resp=
    { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null || return 1
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$1" "$PORT" >&3 2>/dev/null ||
        { exec 3>&-; return 1; }
    IFS= read -r -d '' -t 5 resp <&3 || true
    exec 3>&-
    if [[ -z $ANSWERED_AT && $resp == HTTP/* ]]; then ANSWERED_AT=$EPOCHREALTIME; fi
    [[ $resp == "HTTP/1.1 200"* && $resp == *"$2"* ]]
}

# Polls GET $1 every 2 ms until it succeeds (at most 30 s); prints ms since start_server.
wait_ready() {
    local deadline=$((${EPOCHREALTIME%.*} + 30))
    ANSWERED_AT=
    until probe "$1" "$2"; do
        kill -0 "$SERVER_PID" 2>/dev/null || die "server exited; log: $(tail -5 "$WORK"/*.log)"
        ((${EPOCHREALTIME%.*} < deadline)) || die "server not answering $1 after 30 s"
        sleep 0.002
    done
    awk -v a="$STARTED_AT" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }'
}

# Polls a helper process until it answers (at most 30 s).
await_answer() { # base name log
    local i
    for ((i = 0; ; i++)); do
        curl -sf -o /dev/null "$1/srv.asmx" && return
        ((i < 300)) || die "$2 is not answering; log: $(tail -5 "$3")"
        sleep 0.1
    done
}

proc_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SERVER_PID/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# Logs in as admin on a first start of the store, so the timed start can poll GetUser.
declare -A TICKET IDLE_STOP
login() { # name
    start_server "$WORK/$1.db" "$WORK/$1-login.log"
    wait_ready /srv.asmx "" >/dev/null
    TICKET[$1]=$(curl -sf "$BASE/srv.asmx/AuthenticateUser?UID=admin&PWD=admin" |
        sed -n 's/.*ticket="\([^"]*\)".*/\1/p')
    [[ -n ${TICKET[$1]} ]] || die "login on store $1 failed"
    # Its one login answered, the server stands idle: no request in flight.
    IDLE_STOP[$1]=$(timed_stop)
    stop_server
}

declare -A STARTUP_MS ANSWER_MS RSS_IDLE RSS_PEAK STOP_OF
# Timed start: spawn → first successful GetUser (and → first answer of any kind); then
# the idle resident set. Not in a subshell, so ANSWERED_AT survives.
timed_start() { # name
    start_server "$WORK/$1.db" "$WORK/$1.log"
    wait_ready "/srv.asmx/GetUser?authenticationTicket=${TICKET[$1]}&UserName=user0000001" 'success="true"' >"$WORK/ready"
    STARTUP_MS[$1]=$(<"$WORK/ready")
    ANSWER_MS[$1]=$(awk -v a="$STARTED_AT" -v b="$ANSWERED_AT" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
    RSS_IDLE[$1]=$(proc_kb VmRSS)
    log "server on store $1: first answer after ${ANSWER_MS[$1]} ms, first GetUser after ${STARTUP_MS[$1]} ms, RSS $(mb "${RSS_IDLE[$1]}") MB"
}
# Right after its last workload the server is stopped with SIGTERM and the time to its
# exit kept: wrk leaves its last requests in flight, which the server finishes first.
end_server() { # name
    RSS_PEAK[$1]=$(proc_kb VmHWM)
    STOP_OF[$1]=$(timed_stop)
    log "server on store $1: SIGTERM to exit after ${STOP_OF[$1]} ms"
    stop_server
}

# --- wrk -------------------------------------------------------------------------------
declare -A RPS P50 P99 BAD SOCK FIRST_BAD
INVALID=0
# wrk_out SCRIPT EXPECT CONNS: wrk's output, with BENCH_* set by the caller's environment.
wrk_out() {
    BENCH_EXPECT=$2 taskset -c "$WRK_CPUS" wrk -t1 -c"$3" -d"${DURATION}s" \
        --timeout 10s -s "$BENCH_LUA/$1.lua" "$BASE" 2>&1
}
# run KEY SCRIPT EXPECT [CONNS]
run() {
    local key=$1 script=$2 expect=$3 conns=${4:-$CONNS} out
    out=$(wrk_out "$script" "$expect" "$conns") || die "wrk failed on $key: $out"
    record "$key" "$out"
}
# together KEY SCRIPT KEY2 SCRIPT2 EXPECT: two workloads at once, half the connections
# each, as a load test mixes reads and writes.
together() {
    local half=$((CONNS / 2)) a b
    wrk_out "$2" "$5" "$half" >"$WORK/together.1" &
    a=$!
    wrk_out "$4" "$5" "$half" >"$WORK/together.2" &
    b=$!
    wait "$a" || die "wrk failed on $1: $(cat "$WORK/together.1")"
    wait "$b" || die "wrk failed on $3: $(cat "$WORK/together.2")"
    record "$1" "$(cat "$WORK/together.1")"
    record "$3" "$(cat "$WORK/together.2")"
}
# record KEY OUTPUT: a wrk run's figures, under KEY.
record() {
    local key=$1 out=$2 line
    line=$(grep '^BENCH_RESULT' <<<"$out") || die "no result from wrk on $key: $out"
    IFS=$'\t' read -r _ "RPS[$key]" "P50[$key]" "P99[$key]" _ "BAD[$key]" "SOCK[$key]" timeouts <<<"$line"
    SOCK[$key]=$((SOCK[$key] + timeouts))
    FIRST_BAD[$key]=$(grep '^BENCH_FIRST_BAD' <<<"$out" | cut -f2- | cut -c1-200 || true)
    if ((BAD[$key] + SOCK[$key] > 0)); then
        INVALID=1
        log "$key: INVALID, ${BAD[$key]} bad responses, ${SOCK[$key]} socket errors ${FIRST_BAD[$key]}"
    else
        log "$key: ${RPS[$key]} req/s, p50 ${P50[$key]} ms, p99 ${P99[$key]} ms"
    fi
}

# paired KEY OTHER_KEY SIDE SCRIPT EXPECT OTHER_EXPECT: the workload on the server and,
# through SIDE (floor_side or small_side), on another server in ROUNDS alternating rounds
# of ROUND_SECONDS, so both meet the machine in the same state (a 138 KB answer's rate
# swung 2.5 times between minutes); each figure is its median round, and a bad answer in
# any round marks the workload.
paired() {
    local key=$1 other=$2 side=$3 script=$4 expect=$5 other_expect=$6 r
    for ((r = 1; r <= ROUNDS; r++)); do
        DURATION=$ROUND_SECONDS run "$key.$r" "$script" "$expect"
        DURATION=$ROUND_SECONDS "$side" "$other.$r" "$script" "$other_expect"
    done
    median_round "$key"
    median_round "$other"
}
# The actix floor, answering fixed bytes.
floor_side() { BASE=$FLOOR_BASE run "$@"; }
# The second 1,000-user server, with the small store's ticket and users.
small_side() {
    BASE=$SIDE_BASE BENCH_TICKET=${TICKET[small]} BENCH_USERS=${GENERATED[small]} \
        BENCH_FIRST_ID=${FIRST_ID[small]} BENCH_HOT= run "$@"
}
median_round() { # key
    local i r mid=$(((ROUNDS + 1) / 2))
    r=$(for ((i = 1; i <= ROUNDS; i++)); do echo "${RPS[$1.$i]} $i"; done | sort -g | sed -n "${mid}p" | cut -d' ' -f2)
    RPS[$1]=${RPS[$1.$r]} P50[$1]=${P50[$1.$r]} P99[$1]=${P99[$1.$r]} BAD[$1]=0 SOCK[$1]=0 FIRST_BAD[$1]=
    for ((i = 1; i <= ROUNDS; i++)); do
        BAD[$1]=$((BAD[$1] + BAD[$1.$i])) SOCK[$1]=$((SOCK[$1] + SOCK[$1.$i]))
        FIRST_BAD[$1]=${FIRST_BAD[$1]:-${FIRST_BAD[$1.$i]}}
    done
}

# Body markers of a successful answer.
OK_ASMX='success="true"'
OK_CHATBOT='updated successfully'
OK_CONSCENT='"userData"'
OK_COMMBOX='Operation successful'
OK_WEBAPI='"ResultCode":'
OK_WSDL='</wsdl:definitions>'
OK_HELP='</html>'

for name in small big list; do login "$name"; done

# Response sizes of the real server, for the floor.
start_server "$WORK/small.db" "$WORK/sizes.log"
wait_ready /srv.asmx "" >/dev/null
size() { curl -sf -o /dev/null -w '%{size_download}' "$@"; }
T=${TICKET[small]}
SOAP_BYTES=$(size -H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: "http://tempuri.org/GetUser"' \
    --data "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><GetUser xmlns=\"http://tempuri.org/\"><authenticationTicket>$T</authenticationTicket><UserName>user0000001</UserName></GetUser></soap:Body></soap:Envelope>" \
    "$BASE/srv.asmx")
GET_BYTES=$(size "$BASE/srv.asmx/GetUser?authenticationTicket=$T&UserName=user0000001")
WSDL_BYTES=$(size "$BASE/srv.asmx?WSDL")
HELP_BYTES=$(size "$BASE/srv.asmx")
stop_server

# --- baselines -------------------------------------------------------------------------
# The floor runs beside the servers on the same core, idle unless driven: its workloads
# alternate with the server's (`paired`).
log "actix floor: $WORKERS worker(s) on cpu $SERVER_CPUS; bytes: soap $SOAP_BYTES, get $GET_BYTES, wsdl $WSDL_BYTES, help $HELP_BYTES"
taskset -c "$SERVER_CPUS" "$EX/floor" "127.0.0.1:$FLOOR_PORT" "$WORKERS" \
    "$SOAP_BYTES" "$GET_BYTES" "$WSDL_BYTES" "$HELP_BYTES" >"$WORK/floor.log" 2>&1 &
FLOOR_PID=$!
await_answer "$FLOOR_BASE" "the floor" "$WORK/floor.log"

# fsync latency swings widely on a shared disk, so the raw SQLite rate is measured three
# times, spread over the run (before, between and after the servers' write workloads);
# the median run is the baseline.
# Each run measures synchronous=FULL (the server's mode, key sqliteN) and NORMAL (syncs
# only at checkpoints: SQLite's rate when the disk is not the limit, key sqlite_normalN).
sqlite_baseline() { # run number
    local key line mode
    for mode in FULL NORMAL; do
        key=sqlite$1
        if [[ $mode == NORMAL ]]; then key=sqlite_normal$1; fi
        line=$(taskset -c "$SERVER_CPUS" "$EX/sqlite_floor" "$WORK/sqlite-floor.db" "$SQLITE_SECONDS" "$mode")
        IFS=$'\t' read -r _ "RPS[$key]" "P50[$key]" "P99[$key]" _ <<<"$line"
        BAD[$key]=0 SOCK[$key]=0
        log "raw SQLite run $1, $mode: ${RPS[$key]} tx/s, p50 ${P50[$key]} ms, p99 ${P99[$key]} ms (${SQLITE_SECONDS} s, 1 thread on cpu $SERVER_CPUS)"
    done
}
sqlite_baseline 1

# The server's GetUser lookup straight on SQLite, on the 1,000-user and the million-user
# store: what the size of the store adds to a lookup before any HTTP, XML or allocation.
# Run twice on each and the faster run kept: the first read of a freshly written store
# may still wait for its pages.
lookup_baseline() { # name
    local key=lookup_$1 line best=0 r
    for r in 1 2; do
        line=$(taskset -c "$SERVER_CPUS" "$EX/lookup_floor" "$WORK/$1.db" "${GENERATED[$1]}" "$SQLITE_SECONDS")
        if awk -v a="$(cut -f2 <<<"$line")" -v b="$best" 'BEGIN { exit !(a > b) }'; then
            best=$(cut -f2 <<<"$line")
            IFS=$'\t' read -r _ "RPS[$key]" "P50[$key]" "P99[$key]" _ <<<"$line"
        fi
    done
    BAD[$key]=0 SOCK[$key]=0
    log "raw SQLite lookup on store $1: ${RPS[$key]} lookups/s, p50 ${P50[$key]} ms (best of 2)"
}
lookup_baseline small
lookup_baseline big

# --- the server --------------------------------------------------------------------------
export BENCH_TICKET=$T BENCH_USERS=${GENERATED[small]} BENCH_VENDOR_USERS=1000 BENCH_FIRST_ID=${FIRST_ID[small]}
timed_start small
paired soap_getuser_small floor_soap floor_side soap_getuser "$OK_ASMX" ""
paired get_getuser_small floor_get floor_side get_getuser "$OK_ASMX" ""
run form_update_small form_update "$OK_ASMX"
run soap_update_small soap_update "$OK_ASMX"
together mixed_getuser_small soap_getuser mixed_update_small soap_update "$OK_ASMX"
# Logins: one user over and over (SOAP and GET), then sessions over the 1,000 users
# (session.lua: GetUser, UpdateUserContactInfo, LogOut, AuthenticateUser, pipelined), then
# a wrong password: each pays a full argon2 verification, the resident set stays bounded.
BENCH_USER=user0000001 run soap_login_small soap_login "$OK_ASMX"
BENCH_USER=user0000001 run get_login_small get_login "$OK_ASMX"
SESSIONS=
for ((i = 1; i <= 2 * CONNS; i++)); do
    u=$(printf 'user%07d' "$i")
    t=$(curl -sf "$BASE/srv.asmx/AuthenticateUser?UID=$u&PWD=bench" | sed -n 's/.*ticket="\([^"]*\)".*/\1/p')
    [[ -n $t ]] || die "login of $u failed"
    SESSIONS+="$u:$t,"
done
BENCH_SESSIONS=$SESSIONS run session_small session "$OK_ASMX"
BENCH_USER=user0000001 BENCH_PASSWORD=wrong run badlogin_small get_login '[900] Authentication failed'
run chatbot_small vendor_chatbot "$OK_CHATBOT"
run conscent_small vendor_conscent "$OK_CONSCENT"
run commbox_small vendor_commbox "$OK_COMMBOX"
run webapi_small vendor_webapi "$OK_WEBAPI"
# wsdl.lua leaves the body unchecked under load (see there): one answer is checked here.
WSDL_TEXT=$(curl -sf "$BASE/srv.asmx?WSDL") && [[ $WSDL_TEXT == *"$OK_WSDL"* ]] ||
    die "the server's WSDL does not end with $OK_WSDL"
paired wsdl_small floor_wsdl floor_side wsdl "" ""
paired help_small floor_help floor_side help "$OK_HELP" ""
end_server small
stop_floor
sqlite_baseline 2

timed_start big
export BENCH_TICKET=${TICKET[big]} BENCH_USERS=${GENERATED[big]} BENCH_FIRST_ID=${FIRST_ID[big]}
# Each workload alternates with the same workload on a second server on the 1,000-user
# store, started now beside this one (the same core, idle unless driven): 1M and 1k are
# compared within the same minutes, as the floor is with the small server.
taskset -c "$SERVER_CPUS" "$SERVER_BIN" --db "$WORK/small.db" --fixtures "$ROOT/fixtures" \
    --bind "127.0.0.1:$SIDE_PORT" --workers "$WORKERS" >"$WORK/side.log" 2>&1 &
SIDE_PID=$!
await_answer "$SIDE_BASE" "the second 1,000-user server" "$WORK/side.log"
paired soap_getuser_big soap_getuser_big_1k small_side soap_getuser "$OK_ASMX" "$OK_ASMX"
paired get_getuser_big get_getuser_big_1k small_side get_getuser "$OK_ASMX" "$OK_ASMX"
paired form_update_big form_update_big_1k small_side form_update "$OK_ASMX" "$OK_ASMX"
paired soap_update_big soap_update_big_1k small_side soap_update "$OK_ASMX" "$OK_ASMX"
# As many users as the small store's workloads pick from, spread over the million: what
# the size of the store costs with the working set held (`BENCH_HOT`, common.lua).
export BENCH_HOT=$SMALL_USERS
paired soap_getuser_hot soap_getuser_hot_1k small_side soap_getuser "$OK_ASMX" "$OK_ASMX"
paired get_getuser_hot get_getuser_hot_1k small_side get_getuser "$OK_ASMX" "$OK_ASMX"
paired form_update_hot form_update_hot_1k small_side form_update "$OK_ASMX" "$OK_ASMX"
paired soap_update_hot soap_update_hot_1k small_side soap_update "$OK_ASMX" "$OK_ASMX"
unset BENCH_HOT
stop_side
end_server big

timed_start list
export BENCH_TICKET=${TICKET[list]} BENCH_USERS=${GENERATED[list]} BENCH_FIRST_ID=${FIRST_ID[list]}
BENCH_METHOD=GetAllUsers2 BENCH_START=0 BENCH_ROWS=25 run list2_first listing "$OK_ASMX"
BENCH_METHOD=GetAllUsers1 BENCH_START=$((LIST_USERS - 25)) BENCH_ROWS=25 run list1_last listing "$OK_ASMX"
BENCH_METHOD=GetAllUsersWithoutDetails BENCH_START=0 BENCH_ROWS=25 run listwd_first listing "$OK_ASMX"
# Every user with details: tens of megabytes and seconds per answer, so 1 connection.
BENCH_METHOD=GetAllUsers run listall listing "$OK_ASMX" 1
end_server list

# --- worlds ------------------------------------------------------------------------------
# A fresh database, seeded by the server from the fixtures, as every world is: GetUser of
# one fixture user in `default` alternates with the same in the world `bench` (`paired`).
# Then NEW_WORLDS worlds are made one at a time by their first request, each timed by
# curl (the template was made with `bench`), and left idle: the resident set before and
# after is what they add.
NEW_WORLDS=200
# Its start is the first start on an empty database: seeding the fixtures, then the first
# answered login.
start_server "$WORK/worlds.db" "$WORK/worlds.log" --max-worlds $((NEW_WORLDS + 1))
FRESH_MS=$(wait_ready "/srv.asmx/AuthenticateUser?UID=admin&PWD=admin" 'success="true"')
log "first start on an empty database: first answered login after $FRESH_MS ms"
fixture_login() { # path prefix
    curl -sf "$BASE$1/srv.asmx/AuthenticateUser?UID=admin&PWD=admin" | sed -n 's/.*ticket="\([^"]*\)".*/\1/p'
}
DEFAULT_TICKET=$(fixture_login "")
WORLD_TICKET=$(fixture_login /worlds/bench)
[[ -n $DEFAULT_TICKET && -n $WORLD_TICKET ]] || die "login in default or the world bench failed"
world_side() { BENCH_PREFIX=/worlds/bench BENCH_TICKET=$WORLD_TICKET run "$@"; }
BENCH_TICKET=$DEFAULT_TICKET BENCH_USER=jdoe \
    paired soap_getuser_default soap_getuser_world world_side soap_getuser "$OK_ASMX" "$OK_ASMX"
RSS_WORLDS_BEFORE=$(proc_kb VmRSS)
NEW_BAD=0
: >"$WORK/new-worlds.txt"
for ((i = 1; i <= NEW_WORLDS; i++)); do
    answer=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$BASE/worlds/new-$i/srv.asmx/ServerInfo") || answer="000 0"
    if [[ $answer != "200 "* ]]; then NEW_BAD=$((NEW_BAD + 1)); fi
    echo "${answer#* }" >>"$WORK/new-worlds.txt"
done
RSS_WORLDS_AFTER=$(proc_kb VmRSS)
# Milliseconds at the given percentile of the timed first requests.
new_world_ms() { sort -g "$WORK/new-worlds.txt" | awk -v p="$1" '{ v[NR] = $1 }
    END { i = int((NR * p + 99) / 100); if (i < 1) i = 1; printf "%.1f", v[i] * 1000 }'; }
NEW_P50=$(new_world_ms 50) NEW_P99=$(new_world_ms 99) NEW_MAX=$(new_world_ms 100)
if ((NEW_BAD > 0)); then INVALID=1; fi
log "first request to $NEW_WORLDS new worlds: p50 $NEW_P50 ms, p99 $NEW_P99 ms, max $NEW_MAX ms, $NEW_BAD bad; RSS $(mb "$RSS_WORLDS_BEFORE") → $(mb "$RSS_WORLDS_AFTER") MB"
STOP_MS=$(timed_stop)
log "SIGTERM to exit with $NEW_WORLDS idle worlds open: $STOP_MS ms"
stop_server
sqlite_baseline 3
for key in sqlite sqlite_normal; do
    median=$(for i in 1 2 3; do echo "${RPS[$key$i]} $i"; done | sort -g | sed -n 2p | cut -d' ' -f2)
    RPS[$key]=${RPS[$key$median]} P50[$key]=${P50[$key$median]} P99[$key]=${P99[$key$median]}
    BAD[$key]=0 SOCK[$key]=0
done

# --- report ----------------------------------------------------------------------------
disk_kind() {
    local dev rot
    dev=$(basename "$(df "$WORK" | awk 'NR == 2 { print $1 }')")
    rot=$(cat "/sys/class/block/$dev/queue/rotational" 2>/dev/null || echo '?')
    case $rot in 0) echo "$dev, non-rotational" ;; 1) echo "$dev, reported rotational" ;; *) echo "$dev" ;; esac
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "—" }'; }
verdict() { # value target op(ge|le|lt) [invalid]; a value that is no number has none
    if [[ ${4:-0} != 0 ]]; then echo "INVALID"; return; fi
    awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {
        if (v !~ /^[0-9]+(\.[0-9]*)?$/) { print "—"; exit }
        ok = (op == "ge") ? (v >= t) : (op == "le") ? (v <= t) : (v < t); print (ok ? "PASS" : "FAIL") }'
}
# A ratio target is judged on A / B itself, not on the two decimals shown: 0.196 is no 0.2.
ratio_verdict() { # a b target invalid
    if [[ $4 != 0 ]]; then echo "INVALID"; return; fi
    awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { if (b > 0) print (a / b >= t ? "PASS" : "FAIL"); else print "—" }'
}
fmt() { awk -v v="$1" 'BEGIN { printf (v >= 100 ? "%.0f" : "%.2f"), v }'; }

{
    echo "### Results"
    echo
    echo "- When: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' + local changes'); server: $SERVER_LABEL"
    echo "- Machine: $NPROC cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r); stores on $(df -T "$WORK" | awk 'NR == 2 { print $2 }') ($(disk_kind))"
    echo "- Pinning: server and baselines on cpu $SERVER_CPUS ($WORKERS HTTP worker(s)), wrk on cpu $WRK_CPUS; wrk -t1 -c$CONNS -d${DURATION}s"
    echo "- Stores generated: 1k users ${GEN_SECONDS[small]} s, $BIG_USERS users ${GEN_SECONDS[big]} s, $LIST_USERS users ${GEN_SECONDS[list]} s"
    echo
    echo "| workload | users | req/s | p50 ms | p99 ms | baseline | × baseline | target | result |"
    echo "|---|---|---|---|---|---|---|---|---|"
    row() { # key label users baseline_key baseline_label target
        local key=$1 r t="${6:-}" res="" invalid=0
        if ((BAD[$key] + SOCK[$key] > 0)); then invalid=1; fi
        if [[ -n $4 ]]; then r=$(ratio "${RPS[$key]}" "${RPS[$4]}"); else r="—"; fi
        if [[ -n $t ]]; then
            if [[ -n $4 ]]; then
                res=$(ratio_verdict "${RPS[$key]}" "${RPS[$4]}" "$t" "$invalid")
            else
                res=$(verdict — "$t" ge "$invalid")
            fi
            t="≥ $t"
        elif ((invalid)); then
            res=INVALID
        fi
        if ((invalid)); then res="$res (${BAD[$key]} bad, ${SOCK[$key]} socket errors)"; fi
        echo "| $2 | $3 | $(fmt "${RPS[$key]}") | ${P50[$key]} | ${P99[$key]} | ${5:-—} | $r | ${t:-—} | $res |"
    }
    row floor_soap "actix floor: \`POST /srv.asmx\`, $SOAP_BYTES bytes" — "" "" ""
    row floor_get "actix floor: \`GET\`, $GET_BYTES bytes" — "" "" ""
    row floor_wsdl "actix floor: \`GET\`, $WSDL_BYTES bytes (WSDL size)" — "" "" ""
    row floor_help "actix floor: \`GET\`, $HELP_BYTES bytes (help page size)" — "" "" ""
    row sqlite "raw SQLite: single-row UPDATE tx/s, 1 thread (median of $(fmt "${RPS[sqlite1]}") / $(fmt "${RPS[sqlite2]}") / $(fmt "${RPS[sqlite3]}"))" — "" "" ""
    row sqlite_normal "raw SQLite, \`synchronous=NORMAL\`: single-row UPDATE tx/s, 1 thread (median of $(fmt "${RPS[sqlite_normal1]}") / $(fmt "${RPS[sqlite_normal2]}") / $(fmt "${RPS[sqlite_normal3]}"))" — "" "" ""
    row lookup_small "raw SQLite: GetUser's lookup by name, 1 thread" 1k "" "" ""
    row lookup_big "raw SQLite: GetUser's lookup by name, 1 thread" "$BIG_USERS" lookup_small "same, 1k users" ""
    row soap_getuser_small "SOAP 1.1 GetUser" 1k floor_soap "floor POST" 0.5
    row get_getuser_small "HTTP GET GetUser" 1k floor_get "floor GET" 0.6
    row soap_update_small "SOAP UpdateUserContactInfo" 1k sqlite "SQLite tx/s" 0.5
    row form_update_small "form POST UpdateUserContactInfo" 1k sqlite "SQLite tx/s" 0.5
    row soap_update_small "SOAP UpdateUserContactInfo" 1k sqlite_normal "SQLite NORMAL tx/s" 0.2
    row form_update_small "form POST UpdateUserContactInfo" 1k sqlite_normal "SQLite NORMAL tx/s" 0.2
    row mixed_getuser_small "mixed: SOAP GetUser, $((CONNS / 2)) connections, at once with the update below" 1k soap_getuser_small "GetUser alone" ""
    row mixed_update_small "mixed: SOAP UpdateUserContactInfo, $((CONNS / 2)) connections, at once with the GetUser above" 1k soap_update_small "update alone" ""
    row soap_login_small "SOAP AuthenticateUser, one user" 1k soap_update_small "SOAP update" 0.5
    row get_login_small "HTTP GET AuthenticateUser, one user" 1k soap_update_small "SOAP update" 0.5
    row session_small "session: login, GetUser, update, LogOut (iterations/s)" 1k soap_update_small "SOAP update" 0.3
    row badlogin_small "HTTP GET AuthenticateUser, wrong password" 1k "" "" ""
    row chatbot_small "chatbot updateUserContactDetails" 1k sqlite "SQLite tx/s" ""
    row conscent_small "Conscent PATCH update-user" 1k sqlite "SQLite tx/s" ""
    row commbox_small "CommBox POST /users/{id}" 1k sqlite "SQLite tx/s" ""
    row webapi_small "Web API PUT UserContactItem" 1k sqlite "SQLite tx/s" ""
    row wsdl_small "\`GET ?WSDL\`" 1k floor_wsdl "floor, same size" 0.8
    row help_small "help page \`GET /srv.asmx\`" 1k floor_help "floor, same size" 0.8
    row soap_getuser_big "SOAP 1.1 GetUser, spread over all" "$BIG_USERS" soap_getuser_big_1k "same, 1k users beside it" 0.5
    row get_getuser_big "HTTP GET GetUser, spread over all" "$BIG_USERS" get_getuser_big_1k "same, 1k users beside it" 0.5
    row soap_update_big "SOAP UpdateUserContactInfo, spread over all" "$BIG_USERS" soap_update_big_1k "same, 1k users beside it" 0.5
    row form_update_big "form POST UpdateUserContactInfo, spread over all" "$BIG_USERS" form_update_big_1k "same, 1k users beside it" 0.5
    row soap_getuser_hot "SOAP 1.1 GetUser, held set: 1,000 of them" "$BIG_USERS" soap_getuser_hot_1k "same, 1k users beside it" 0.9
    row get_getuser_hot "HTTP GET GetUser, held set: 1,000 of them" "$BIG_USERS" get_getuser_hot_1k "same, 1k users beside it" 0.9
    row soap_update_hot "SOAP UpdateUserContactInfo, held set: 1,000 of them" "$BIG_USERS" soap_update_hot_1k "same, 1k users beside it" 0.8
    row form_update_hot "form POST UpdateUserContactInfo, held set: 1,000 of them" "$BIG_USERS" form_update_hot_1k "same, 1k users beside it" 0.8
    row list2_first "GetAllUsers2, first page of 25" "$LIST_USERS" floor_soap "floor POST" ""
    row list1_last "GetAllUsers1, last page of 25" "$LIST_USERS" floor_soap "floor POST" ""
    row listwd_first "GetAllUsersWithoutDetails, first page of 25" "$LIST_USERS" floor_soap "floor POST" ""
    row listall "GetAllUsers, all users (1 connection)" "$LIST_USERS" floor_soap "floor POST" ""
    row soap_getuser_default "SOAP 1.1 GetUser of jdoe, in \`default\`" fixtures "" "" ""
    row soap_getuser_world "SOAP 1.1 GetUser of jdoe, in a world" fixtures soap_getuser_default "same in \`default\`, same server" 0.9
    echo
    echo "| server | users | start → first answer | start → first GetUser | target | RSS idle | RSS peak (after load) | target |"
    echo "|---|---|---|---|---|---|---|---|"
    for name in small big list; do
        case $name in small) users=1k ;; big) users=$BIG_USERS ;; list) users=$LIST_USERS ;; esac
        st="—"
        if [[ $name == big ]]; then st="< 500 ms: $(verdict "${STARTUP_MS[$name]}" 500 lt)"; fi
        echo "| $name | $users | ${ANSWER_MS[$name]} ms | ${STARTUP_MS[$name]} ms | $st | $(mb "${RSS_IDLE[$name]}") MB | $(mb "${RSS_PEAK[$name]}") MB | < 100 MB: $(verdict "${RSS_PEAK[$name]}" 102400 lt) |"
    done
    echo
    echo "| latency and time | figure | target | result |"
    echo "|---|---|---|---|"
    for key in soap_update_small form_update_small; do
        echo "| p99 of \`$key\`, $CONNS connections | ${P99[$key]} ms | ≤ 10 ms | $(verdict "${P99[$key]}" 10 le) |"
    done
    echo "| first start on an empty database (seeding the fixtures) → first answered login | $FRESH_MS ms | ≤ 100 ms | $(verdict "$FRESH_MS" 100 le) |"
    echo "| SIGTERM → exit, no request in flight (the 1k-user server after a login) | ${IDLE_STOP[small]} ms | ≤ 50 ms | $(verdict "${IDLE_STOP[small]}" 50 le) |"
    echo "| SIGTERM → exit right after the 1k-user server's last workload (wrk leaves up to $CONNS requests in flight) | ${STOP_OF[small]} ms | — | |"
    echo
    echo "| worlds | figure | target | result |"
    echo "|---|---|---|---|"
    echo "| first request to a new world, creation included ($NEW_WORLDS, one at a time, \`GET ServerInfo\`) | p50 $NEW_P50 ms, p99 $NEW_P99 ms, max $NEW_MAX ms | p99 ≤ 20 ms | $(verdict "$NEW_P99" 20 le "$NEW_BAD") |"
    echo "| SIGTERM → exit with $NEW_WORLDS idle worlds open (each world's file is checkpointed and unlocked) | $STOP_MS ms | — | |"
    echo "| resident set added by $NEW_WORLDS idle worlds | $(mb $((RSS_WORLDS_AFTER - RSS_WORLDS_BEFORE))) MB ($(mb "$RSS_WORLDS_BEFORE") → $(mb "$RSS_WORLDS_AFTER") MB) | ≤ 50 MB | $(verdict $((RSS_WORLDS_AFTER - RSS_WORLDS_BEFORE)) 51200 le) |"
    echo
    echo "Bad responses (non-200, or a body without the success marker) and socket errors make a workload INVALID."
    for key in "${!FIRST_BAD[@]}"; do
        if [[ -n ${FIRST_BAD[$key]} ]]; then echo "- $key, first bad response: \`${FIRST_BAD[$key]//\`/\'}\`"; fi
    done
} | tee "$OUT/results.md"
log "written to ${OUT#"$ROOT"/}/results.md"
exit "$INVALID"
