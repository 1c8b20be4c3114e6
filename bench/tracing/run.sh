#!/usr/bin/env bash
# Tracing overhead of the generated front end: one build of bench/tracing/echo.flimp, run twice side by side on
# one Azurite (tracing on, every request; tracing off), driven in alternating rounds by `fluxo load` with the same
# requests. Prints each round's requests/s and the ratio on/off; the target is >= 0.90.
# Usage: bash bench/tracing/run.sh [ROUNDS=5] [REQUESTS=20000] [CONCURRENCY=32]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
rounds="${1:-5}"; requests="${2:-20000}"; concurrency="${3:-32}"
out="$root/out/bench-tracing"; mkdir -p "$out"
bash scripts/install-deps.sh >/dev/null
[ -n "${BENCH_NO_BUILD:-}" ] || dotnet build src/Fluxo.Cli -c Release -v q -nologo >/dev/null
fluxo() { dotnet "$root/src/Fluxo.Cli/bin/Release/net10.0/fluxo.dll" "$@"; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }
wait_http() { for _ in $(seq 1 600); do curl -sf "$1/healthz" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "never healthy: $1" >&2; return 1; }
pids=(); trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT

fluxo compile bench/tracing/echo.flimp -o "$out/echo" >/dev/null
dotnet build "$out/echo" -c Release -v q -nologo >"$out/build.log"
blob="$(port)"; queue="$(port)"; table="$(port)"; az="$(mktemp -d)"
(cd "$az" && exec "$root/tools/node_modules/.bin/azurite" --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
  --tableHost 127.0.0.1 --tablePort "$table" --inMemoryPersistence --skipApiVersionCheck --loose --disableTelemetry --silent) >/dev/null 2>&1 &
pids+=("$!")
wait_port "$blob"; wait_port "$queue"; wait_port "$table"
storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
dll="$out/echo/src/Echo.FrontEnd/bin/Release/net10.0/Echo.FrontEnd.dll"
on="$(port)"; off="$(port)"
ConnectionStrings__Storage="$storage" Fluxo__Trace__Enabled=true Logging__LogLevel__Default=Warning dotnet "$dll" --urls "http://127.0.0.1:$on" >"$out/on.log" 2>&1 &
on_pid=$!; pids+=("$on_pid")
ConnectionStrings__Storage="$storage" Fluxo__Trace__Enabled=false Logging__LogLevel__Default=Warning dotnet "$dll" --urls "http://127.0.0.1:$off" >"$out/off.log" 2>&1 &
off_pid=$!; pids+=("$off_pid")
wait_http "http://127.0.0.1:$on"; wait_http "http://127.0.0.1:$off"

# CPU ticks (user + system) a process has used: on a machine shared with other work, CPU per request is a steadier
# measure of what tracing costs than requests per second, which also moves with everything else running.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz="$(getconf CLK_TCK)"
rps() { fluxo load "http://127.0.0.1:$1" --workload bench/tracing/workload.json --service bench/tracing/echo.flimp --requests "$requests" --concurrency "$concurrency" | awk '$1 == "all" { print $8 }'; }
# Warm both up (JIT, connection pools) before measuring.
rps "$on" >/dev/null; rps "$off" >/dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "round  tracing-on req/s  tracing-off req/s  on/off  on CPU us/req  off CPU us/req  CPU off/on"
ratios=(); cpus=()
measure() { # $1 = port, $2 = pid; prints "req/s cpu-us-per-request"
  local t0 r t1; t0="$(ticks "$2")"; r="$(rps "$1")"; t1="$(ticks "$2")"
  echo "$r $(python3 -c "print(f'{($t1-$t0)*1e6/$hz/$requests:.1f}')")"
}
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then read -r a ca < <(measure "$on" "$on_pid"); read -r b cb < <(measure "$off" "$off_pid")
  else read -r b cb < <(measure "$off" "$off_pid"); read -r a ca < <(measure "$on" "$on_pid"); fi
  ratio="$(python3 -c "print(f'{$a/$b:.3f}')")"; ratios+=("$ratio")
  cpu="$(python3 -c "print(f'{$cb/$ca:.3f}')")"; cpus+=("$cpu")
  printf '%5s  %16s  %17s  %6s  %13s  %14s  %10s\n' "$r" "$a" "$b" "$ratio" "$ca" "$cb" "$cpu"
done
python3 -c "import statistics,sys; print(f'median on/off ratio: {statistics.median(map(float, sys.argv[1:])):.3f} (target >= 0.90)')" "${ratios[@]}"
python3 -c "import statistics,sys; print(f'median front-end CPU per request, off/on: {statistics.median(map(float, sys.argv[1:])):.3f} (the throughput ratio a CPU-bound front end would reach)')" "${cpus[@]}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
