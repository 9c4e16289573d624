#!/usr/bin/env bash
# Instructions per request (BENCHMARKS.md, "Writes: the written user kept…"):
# bench/instructions.sh [workload]
#
# Runs the release server under valgrind's callgrind on a fresh 1,000-user store, drives
# one wrk workload (bench/lua/<workload>.lua, default soap_update; session logs in 128
# users first, as run.sh does) for WARMUP seconds, then counts COUNT seconds more, and
# prints each server thread's user-space instructions per request (per iteration of
# four calls for session). Unlike req/s, the count hardly moves with a noisy host (the
# same binary twice: 0.2 % apart), so it tells small changes apart; the kernel's share
# (WAL writes, fsyncs, sockets) is not in it.
# Environment:
#   SERVER_BIN    server binary to measure (default: the release build of this tree)
#   WARMUP        seconds before counting (10)   COUNT   seconds counted (15)
#   BENCH_PORT    port (18490)
set -euo pipefail

WORKLOAD=${1:-soap_update}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
WARMUP=${WARMUP:-10}
COUNT=${COUNT:-15}
PORT=${BENCH_PORT:-18490}
BASE="http://127.0.0.1:$PORT"
[[ -f $ROOT/bench/lua/$WORKLOAD.lua ]] || { echo "no workload bench/lua/$WORKLOAD.lua" >&2; exit 2; }

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v valgrind >/dev/null || missing+=(valgrind)
if ((${#missing[@]})); then
    SUDO=
    if ((EUID != 0)); then SUDO=sudo; fi
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi

BUILD=(cargo build --release --examples)
if [[ -z ${SERVER_BIN:-} ]]; then
    BUILD+=(--bin asmx-emulator)
    SERVER_BIN=$TARGET_DIR/release/asmx-emulator
fi
(cd "$ROOT" && "${BUILD[@]}" >&2)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/instructions.XXXXXX")
SERVER_PID=
cleanup() {
    [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

read -r USERS FIRST_ID < <("$TARGET_DIR/release/examples/gen_users" "$WORK/small.db" 1000 "$ROOT/fixtures")
valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$WORK/cg.out" \
    "$SERVER_BIN" --db "$WORK/small.db" --fixtures "$ROOT/fixtures" --bind "127.0.0.1:$PORT" \
    --workers 1 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 600); do
    curl -sf -o /dev/null "$BASE/srv.asmx" && break
    sleep 0.1
done
TICKET=$(curl -sf "$BASE/srv.asmx/AuthenticateUser?UID=admin&PWD=admin" |
    sed -n 's/.*ticket="\([^"]*\)".*/\1/p')
[[ -n $TICKET ]] || { echo "the server under valgrind did not answer" >&2; exit 1; }
# The session workload takes its first tickets from logins made here, as run.sh does,
# before each drive: the one before logged the last ones out.
SESSIONS=
log_in() {
    SESSIONS=
    [[ $WORKLOAD == session ]] || return 0
    for ((i = 1; i <= 128; i++)); do
        u=$(printf 'user%07d' "$i")
        t=$(curl -sf "$BASE/srv.asmx/AuthenticateUser?UID=$u&PWD=bench" |
            sed -n 's/.*ticket="\([^"]*\)".*/\1/p')
        [[ -n $t ]] || { echo "login of $u failed" >&2; exit 1; }
        SESSIONS+="$u:$t,"
    done
}

drive() { # seconds
    case $WORKLOAD in vendor_*) expect='"' ;; *) expect='success="true"' ;; esac
    BENCH_LUA=$ROOT/bench/lua BENCH_TICKET=$TICKET BENCH_USERS=$USERS BENCH_FIRST_ID=$FIRST_ID \
        BENCH_VENDOR_USERS=1000 BENCH_EXPECT=$expect BENCH_SESSIONS=$SESSIONS \
        wrk -t1 -c64 -d"$1"s --timeout 30s -s "$ROOT/bench/lua/$WORKLOAD.lua" "$BASE"
}
log_in
drive "$WARMUP" >/dev/null
log_in
callgrind_control --zero "$SERVER_PID" >/dev/null 2>&1
result=$(drive "$COUNT" | grep '^BENCH_RESULT')
callgrind_control --dump "$SERVER_PID" >/dev/null 2>&1
requests=$(awk -F'\t' -v s="$COUNT" '{ printf "%d", $2 * s }' <<<"$result")
bad=$(awk -F'\t' '{ print $6 }' <<<"$result")
((requests > 0)) || { echo "no requests answered" >&2; exit 1; }

unit=request
[[ $WORKLOAD == session ]] && unit="iteration (four calls)"
echo "$WORKLOAD: $requests ${unit%% *}s counted ($bad bad), instructions per $unit by thread:"
# The dump after zeroing is part 1; a thread that ran nothing since has no events.
for file in "$WORK"/cg.out.1-*; do
    total=$(sed -n 's/^totals: //p; s/^summary: //p' "$file" | head -1)
    ((${total:-0} > 0)) || continue
    if grep -q 'WriteQueue::start' "$file"; then name=writer
    elif grep -q 'h1::dispatcher' "$file"; then name="HTTP worker"
    elif grep -q 'make_durable' "$file"; then name=syncer
    elif grep -qi 'checkpoint' "$file"; then name=checkpointer
    else name="thread ${file##*-}"; fi
    printf '  %-12s %9d\n' "$name" $((total / requests))
done
((bad == 0)) || { echo "the workload answered errors: the figures are invalid" >&2; exit 1; }
