#!/usr/bin/env bash
# The production loop on one sample, on loopback only: compile without a policy, run the generated service on
# Azurite + redis-server + extern stand-ins that answer with the bindings' latencies, drive it with `fluxo load`,
# pull the traces it wrote, optimize, recompile with the policy, restart on fresh storage, drive the same requests
# again, and print the measured before/after latencies beside the optimizer's prediction.
# Usage: bash scripts/loop.sh [SAMPLE] (weather by default; any folder of samples/ with a workload)
# Environment: LOOP_REQUESTS (2000), LOOP_CONCURRENCY (32), LOOP_WORKLOAD (the sample's first workload),
#              LOOP_OUT (out/loop/SAMPLE), LOOP_SAMPLE_RATE (1: trace every request),
#              LOOP_FLUXO (a built fluxo.dll to use instead of building src/Fluxo.Cli).
set -euo pipefail
# Everything here is on loopback: a proxy from the environment must not sit between the service and its stand-ins.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
sample="${1:-weather}"
service="samples/$sample/$sample.flimp"
[ -f "$service" ] || { echo "loop.sh: no service $service" >&2; exit 1; }
workload="${LOOP_WORKLOAD:-}"
if [ -z "$workload" ]; then
  case "$sample" in
    weather) workload="samples/weather/workload-hot-ips.json" ;;
    *) workload="$(ls samples/"$sample"/workload-*.json | head -1)" ;;
  esac
fi
requests="${LOOP_REQUESTS:-2000}"
concurrency="${LOOP_CONCURRENCY:-32}"
rate="${LOOP_SAMPLE_RATE:-1}"
out="$(mkdir -p "${LOOP_OUT:-out/loop/$sample}" && cd "${LOOP_OUT:-out/loop/$sample}" && pwd)"
budget="$(sed -n 's/.*"cacheBudgetBytes": *\([0-9]*\).*/\1/p' "$workload" | head -1)"
budget="${budget:-65536}"

bash scripts/install-deps.sh >/dev/null
fluxo_dll="${LOOP_FLUXO:-$root/src/Fluxo.Cli/bin/Release/net10.0/fluxo.dll}"
if [ -z "${LOOP_FLUXO:-}${LOOP_NO_BUILD:-}" ]; then dotnet build src/Fluxo.Cli -c Release -v q -nologo >/dev/null; fi
fluxo() { dotnet "$fluxo_dll" "$@"; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "loop.sh: port $1 never opened" >&2; return 1; }
wait_http() { for _ in $(seq 1 600); do curl -sf "$1/healthz" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "loop.sh: $1 never became healthy" >&2; return 1; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

start_storage() {
  redis_port="$(port)"; blob="$(port)"; queue="$(port)"; table="$(port)"
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --maxmemory 256mb --maxmemory-policy allkeys-lru >"$out/redis.log" 2>&1 &
  redis_pid=$!; pids+=("$redis_pid")
  azdir="$(mktemp -d)"
  (cd "$azdir" && exec "$root/tools/node_modules/.bin/azurite" --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" --inMemoryPersistence --skipApiVersionCheck --loose --disableTelemetry --silent) >"$out/azurite.log" 2>&1 &
  azurite_pid=$!; pids+=("$azurite_pid")
  wait_port "$redis_port"; wait_port "$blob"; wait_port "$queue"; wait_port "$table"
  storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
}

stop_storage() { kill "$redis_pid" "$azurite_pid" 2>/dev/null || true; wait "$redis_pid" "$azurite_pid" 2>/dev/null || true; }

# The generated service's deployables, configured by environment as on Azure.
start_service() { # $1 = solution folder, $2 = label
  local env=(ConnectionStrings__Storage="$storage" ConnectionStrings__Redis="127.0.0.1:$redis_port,abortConnect=false"
    Fluxo__Trace__SampleRate="$rate" Fluxo__Trace__FlushSeconds=1 ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning)
  for e in $externs; do env+=("Externs__$e=http://127.0.0.1:$standins_port/$e"); done
  front_port="$(port)"
  local fe; fe="$(ls "$1"/src/*.FrontEnd/bin/Release/net10.0/*.FrontEnd.dll)"
  env "${env[@]}" dotnet "$fe" --urls "http://127.0.0.1:$front_port" >"$out/$2-frontend.log" 2>&1 &
  front_pid=$!; pids+=("$front_pid")
  worker_pid=""
  if ls "$1"/src/*.Worker/bin/Release/net10.0/*.Worker.dll >/dev/null 2>&1; then
    local wk; wk="$(ls "$1"/src/*.Worker/bin/Release/net10.0/*.Worker.dll)"
    local worker_port; worker_port="$(port)"
    env "${env[@]}" dotnet "$wk" --urls "http://127.0.0.1:$worker_port" >"$out/$2-worker.log" 2>&1 &
    worker_pid=$!; pids+=("$worker_pid")
    wait_http "http://127.0.0.1:$worker_port"
  fi
  wait_http "http://127.0.0.1:$front_port"
}

# SIGTERM, as a platform stops an app: the trace sinks write what they hold and close their blobs.
stop_service() { kill -TERM "$front_pid" $worker_pid 2>/dev/null || true; wait "$front_pid" $worker_pid 2>/dev/null || true; }

mean_of() { awk '$1 == "all" { print $4 }' "$1"; }

externs="$(python3 -c 'import json,sys; print(" ".join(e["name"] for e in json.load(open(sys.argv[1]))["externs"]))' "samples/$sample/$sample.ir.json")"
standins_port="$(port)"
dotnet "$fluxo_dll" standins "$service" --port "$standins_port" >"$out/standins.log" 2>&1 &
standins_pid=$!; pids+=("$standins_pid")
# The port being open is not enough (another process may hold it): the stand-ins announce that they listen on it.
for _ in $(seq 1 600); do grep -q "^stand-ins for" "$out/standins.log" 2>/dev/null && break; kill -0 "$standins_pid" 2>/dev/null || break; sleep 0.1; done
grep -q "^stand-ins for" "$out/standins.log" || { echo "loop.sh: the stand-ins did not start:" >&2; cat "$out/standins.log" >&2; exit 1; }

# A load with failed requests measures nothing: say why they failed, from the answers and the logs, and stop.
check_load() { # $1 = label
  local errors; errors="$(awk '$1 == "all" { gsub(",", "", $3); print $3 }' "$out/$1-load.txt")"
  [ "${errors:-1}" = "0" ] && return 0
  echo "loop.sh: $errors requests failed in the $1 run; the first answers:" >&2
  grep -v '"status":200' "$out/$1.jsonl" | head -3 >&2 || true
  kill -0 "$standins_pid" 2>/dev/null || echo "loop.sh: the stand-ins process is gone" >&2
  echo "-- stand-ins log (tail):" >&2; tail -20 "$out/standins.log" >&2 || true
  echo "-- front end log (tail):" >&2; tail -30 "$out/$1-frontend.log" >&2 || true
  exit 1
}

echo "== compile $service without a policy, build"
fluxo compile "$service" -o "$out/before" >/dev/null
dotnet build "$out/before" -c Release -v q -nologo >"$out/before-build.log"

echo "== run it, drive it: $requests requests of $workload, $concurrency connections"
start_storage
start_service "$out/before" before
fluxo load "http://127.0.0.1:$front_port" --workload "$workload" --requests "$requests" --concurrency "$concurrency" --output "$out/before.jsonl" | tee "$out/before-load.txt"
stop_service
check_load before

echo "== pull the traces it wrote"
fluxo traces pull "$service" --storage "$storage" -o "$out/trace.bin" | tee "$out/pull.txt"
stop_storage

echo "== optimize under ${budget} B"
fluxo optimize "$service" --trace "$out/trace.bin" --budget "${budget}B" -o "$out/policy.json" > "$out/optimize.txt"
grep -E '^(policy|chosen|no cache)' "$out/optimize.txt"

echo "== recompile with the policy, build, run on fresh storage, drive the same requests"
fluxo compile "$service" --policy "$out/policy.json" -o "$out/after" >/dev/null
dotnet build "$out/after" -c Release -v q -nologo >"$out/after-build.log"
start_storage
start_service "$out/after" after
fluxo load "http://127.0.0.1:$front_port" --workload "$workload" --requests "$requests" --concurrency "$concurrency" --output "$out/after.jsonl" | tee "$out/after-load.txt"
stop_service
check_load after
stop_storage

predicted_before="$(awk '/^no cache/ { print $6 }' "$out/optimize.txt")"
predicted_after="$(awk '/^chosen/ { print $6 }' "$out/optimize.txt")"
measured_before="$(mean_of "$out/before-load.txt")"
measured_after="$(mean_of "$out/after-load.txt")"
same="$(python3 "$root/scripts/same-answers.py" "$out/before.jsonl" "$out/after.jsonl")"
echo
echo "== $sample: mean latency (ms), before -> after"
printf '%-10s %10s %10s %10s\n' "" before after gain
printf '%-10s %10s %10s %10s\n' predicted "$predicted_before" "$predicted_after" "$(python3 -c "print(f'{$predicted_before-$predicted_after:.2f}')")"
printf '%-10s %10s %10s %10s\n' measured "$measured_before" "$measured_after" "$(python3 -c "print(f'{$measured_before-$measured_after:.2f}')")"
echo "identical answers: $same"
echo "loop: predicted_gain=$(python3 -c "print(f'{$predicted_before-$predicted_after:.3f}')") measured_gain=$(python3 -c "print(f'{$measured_before-$measured_after:.3f}')") identical=$same" > "$out/summary.txt"
