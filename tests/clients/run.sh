#!/usr/bin/env bash
# Runs the SOAP client conformance matrix: each toolchain generates its client from the
# live WSDL and runs the same scenario (see docs/testing.md, "Verified SOAP toolchains").
#
# Usage: tests/clients/run.sh [SERVICE_URL] [TOOLCHAIN...]
#   SERVICE_URL  http://host:port/srv.asmx of a running server; every toolchain runs
#                against it in turn (each scenario sets what it checks, so they do not
#                depend on one another). Without it, each toolchain gets a server of its
#                own, started from target/{release,debug}/asmx-emulator (or $ASMX_BIN) on a
#                free loopback port with a temporary database.
#   TOOLCHAIN    any of: zeep suds node jaxws curl (default: all of them)
# Prints each toolchain's steps, then a summary with timings; exits non-zero when any
# toolchain fails or is missing. Tools are installed by .ci/run, never here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
all=(zeep suds node jaxws curl)
# Seconds one toolchain may take, server start included.
limit=${CLIENT_TIMEOUT:-300}

url=""
selected=()
for arg in "$@"; do
  case $arg in
    http://* | https://*) url=${arg%/} ;;
    zeep | suds | node | jaxws | curl) selected+=("$arg") ;;
    -h | --help)
      sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "run.sh: unknown toolchain or URL '$arg' (toolchains: ${all[*]})" >&2
      exit 2
      ;;
  esac
done
[ ${#selected[@]} -gt 0 ] || selected=("${all[@]}")

# prerequisite TOOLCHAIN: explains on stderr and fails when something it needs is missing.
prerequisite() {
  local missing=""
  case $1 in
    zeep) python3 -c 'import zeep' >/dev/null 2>&1 || missing="python3 with zeep (pip install zeep)" ;;
    suds) python3 -c 'import suds' >/dev/null 2>&1 || missing="python3 with suds (pip install suds-community)" ;;
    node)
      command -v node >/dev/null 2>&1 || missing="node (Debian package nodejs)"
      [ -n "$missing" ] || [ -f "$here/node/node_modules/soap/package.json" ] ||
        missing="tests/clients/node/node_modules (run npm ci in tests/clients/node)"
      ;;
    jaxws)
      for tool in wsimport javac java; do
        command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
      done
      [ -z "$missing" ] || missing="$missing (Debian packages jaxws and a JDK)"
      ;;
    curl) command -v curl >/dev/null 2>&1 || missing="curl (Debian package curl)" ;;
  esac
  if [ -n "$missing" ]; then
    echo "$1: FAILED: missing $missing; .ci/run installs every client toolchain" >&2
    return 1
  fi
}

# command_for TOOLCHAIN URL: the toolchain's scenario, as an argument list in $cmd.
command_for() {
  case $1 in
    zeep) cmd=(python3 "$here/zeep/roundtrip.py" "$2") ;;
    suds) cmd=(python3 "$here/suds/roundtrip.py" "$2") ;;
    node) cmd=(node "$here/node/roundtrip.js" "$2") ;;
    jaxws) cmd=(bash "$here/jaxws/run.sh" "$2") ;;
    curl) cmd=(bash "$here/curl/roundtrip.sh" "$2") ;;
  esac
}

server_pid=""
server_dir=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
  if [ -n "$server_dir" ]; then
    rm -rf "$server_dir"
    server_dir=""
  fi
}
trap stop_server EXIT

binary() {
  if [ -n "${ASMX_BIN:-}" ]; then
    echo "$ASMX_BIN"
    return
  fi
  local release=$root/target/release/asmx-emulator debug=$root/target/debug/asmx-emulator
  if [ -x "$release" ] && { [ ! -x "$debug" ] || [ "$release" -nt "$debug" ]; }; then
    echo "$release"
  elif [ -x "$debug" ]; then
    echo "$debug"
  else
    (cd "$root" && cargo build --quiet) >&2
    echo "$debug"
  fi
}

# start_server: a fresh server on 127.0.0.1 with a temporary database; sets $server_url.
start_server() {
  local bin
  bin=$(binary)
  server_dir=$(mktemp -d "${TMPDIR:-/tmp}/asmx-clients.XXXXXX")
  "$bin" --bind 127.0.0.1:0 --db "$server_dir/clients.db" --fixtures "$root/fixtures" \
    --workers 2 >"$server_dir/stdout" 2>"$server_dir/stderr" &
  server_pid=$!
  server_url=""
  for _ in $(seq 1 300); do
    server_url=$(sed -n 's/^asmx-emulator listening on \(http:[^ ]*\)$/\1/p' "$server_dir/stdout")
    [ -z "$server_url" ] || return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$server_dir/stderr" >&2
  echo "run.sh: the server ($bin) did not start" >&2
  return 1
}

results=()
failed=0
for toolchain in "${selected[@]}"; do
  echo "== $toolchain"
  started=$EPOCHREALTIME
  status=ok
  if ! prerequisite "$toolchain"; then
    status=MISSING
  else
    target=$url
    if [ -z "$target" ]; then
      if start_server; then target=$server_url; else status=FAILED; fi
    fi
    if [ "$status" = ok ]; then
      command_for "$toolchain" "$target"
      timeout --kill-after=10 "$limit" "${cmd[@]}" || status=FAILED
    fi
    stop_server
  fi
  elapsed=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  [ "$status" = ok ] || failed=1
  results+=("$(printf '%-6s %-8s %6ss' "$toolchain" "$status" "$elapsed")")
done

echo "== summary"
printf '%s\n' "${results[@]}"
exit "$failed"
