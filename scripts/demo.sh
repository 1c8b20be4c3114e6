#!/usr/bin/env bash
# Fluxo's main job on a bundled sample, with the embedded defaults (no cloud, no server):
# check the service, run a workload and record its trace, choose caches from the trace under the
# workload's budget, then run the same workload again with the chosen policy.
# Usage: bash scripts/demo.sh [SERVICE.flimp] [WORKLOAD.json] [REQUESTS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
service="${1:-samples/weather/weather.flimp}"
workload="${2:-samples/weather/workload-cold-tail.json}"
requests="${3:-20000}"
out="${FLUXO_DEMO_OUT:-out/demo}"
mkdir -p "$out"

dotnet build src/Fluxo.Cli -c Release -v q -nologo >/dev/null
fluxo() { dotnet "$root/src/Fluxo.Cli/bin/Release/net10.0/fluxo.dll" "$@"; }
budget="$(sed -n 's/.*"cacheBudgetBytes": *\([0-9]*\).*/\1/p' "$workload" | head -1)"
budget="${budget:-65536}"

echo "== fluxo check $service"
fluxo check "$service"
echo "== fluxo run: $requests requests of $workload, trace $out/events.log"
fluxo run "$service" --workload "$workload" --requests "$requests" --trace "$out/events.log"
echo "== fluxo optimize with a budget of ${budget} B"
fluxo optimize "$service" --trace "$out/events.log" --budget "${budget}B" -o "$out/policy.json"
echo "== fluxo run again with $out/policy.json"
fluxo run "$service" --workload "$workload" --requests "$requests" --policy "$out/policy.json"
echo "== fluxo compile with the policy: a deployable Azure solution in $out/azure"
fluxo compile "$service" --policy "$out/policy.json" -o "$out/azure"
