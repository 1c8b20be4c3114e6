#!/usr/bin/env bash
# Soak of the generated messaging service (issue 18, deliverable 8), on loopback only: compile samples/messaging with
# a policy the optimizer chose from a local trace (so Redis holds its caches), build it, start the extern stand-ins,
# then bench/Fluxo.Soak runs Azurite, redis-server, the front end and a worker under a steady load for N minutes,
# kills the worker every minute (once its replacement is up), restarts Redis twice, and checks every post, answered
# or not, against the tables.
# Usage: bash scripts/soak.sh [MINUTES=30] [RATE=20 requests/s]
# Prints and writes out/soak/soak.tsv: requests sent, answered, unanswered but applied once, lost (no answer and no
# write), doubled; writes lost and doubled; memory at start, half time and end; the load average; memory.tsv has a
# row every 30 s. Exit 1 when a request or write was lost or doubled.
set -euo pipefail
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
minutes="${1:-30}"
rate="${2:-20}"
out="$(mkdir -p "${SOAK_OUT:-out/soak}" && cd "${SOAK_OUT:-out/soak}" && pwd)"
service=samples/messaging/messaging.flimp
bash scripts/install-deps.sh >/dev/null
dotnet build src/Fluxo.Cli -c Release -v q -nologo -m:1 >/dev/null
dotnet build bench/Fluxo.Soak -c Release -v q -nologo -m:1 >/dev/null
fluxo() { dotnet "$root/src/Fluxo.Cli/bin/Release/net10.0/fluxo.dll" "$@"; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "== policy from a local run of the sessions workload"
fluxo run "$service" -w samples/messaging/workload-sessions.json -n 3000 -t "$out/trace.bin" >/dev/null
fluxo optimize "$service" --trace "$out/trace.bin" --budget 64KB -o "$out/policy.json" > "$out/optimize.txt"
grep -E '^(policy|chosen|no cache)' "$out/optimize.txt" || true
rm -rf "$out/service"
fluxo compile "$service" --policy "$out/policy.json" -o "$out/service" >/dev/null
dotnet build "$out/service" -c Release -v q -nologo -m:1 >"$out/build.log"

externs="$(python3 -c 'import json,sys; print(",".join(e["name"] for e in json.load(open(sys.argv[1]))["externs"]))' samples/messaging/messaging.ir.json)"
standins_port="$(port)"
dotnet "$root/src/Fluxo.Cli/bin/Release/net10.0/fluxo.dll" standins "$service" --port "$standins_port" >"$out/standins.log" 2>&1 &
standins_pid=$!
trap 'kill "$standins_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q "^stand-ins for" "$out/standins.log" 2>/dev/null && break; sleep 0.1; done
grep -q "^stand-ins for" "$out/standins.log" || { echo "soak.sh: the stand-ins did not start" >&2; cat "$out/standins.log" >&2; exit 1; }

echo "== soak: $minutes min at $rate requests/s"
rm -f "$out/frontend.log" "$out/worker.log"
dotnet bench/Fluxo.Soak/bin/Release/net10.0/Fluxo.Soak.dll --solution "$out/service" --standins "http://127.0.0.1:$standins_port" \
  --externs "$externs" --minutes "$minutes" --rate "$rate" --out "$out"
