#!/usr/bin/env bash
# Fuzz campaign: the harness of tests/Fluxo.Cli.Tests/Fuzzing with many inputs per format.
#   scripts/fuzz.sh [inputs-per-format] [seed] [report] [format]
# Every format (Flimp, IR JSON, Pipes JSON, text and binary traces, policies, workloads, bindings) is mutated and
# fed to the commands that read it (check, graph, compile, run, simulate). The report lists, per format, inputs,
# crashes, hangs and seconds, then each finding with the kept input that reproduces it. A fourth argument runs one
# format only (flimp, ir-json, pipes-json, trace-text, trace-binary, policy, workload, bindings), so a long campaign
# can be run in chunks with different seeds and its figures summed.
set -euo pipefail
cd "$(dirname "$0")/.."
inputs="${1:-100000}"
seed="${2:-$RANDOM}"
report="$(realpath -m "${3:-fuzz-report.tsv}")"
filter="FullyQualifiedName~Fuzzing.FuzzTests"
if [ -n "${4:-}" ]; then filter="$filter&DisplayName~$4"; fi
[ -f "$report" ] || printf 'format\tinputs\tcrashes\thangs\tseconds\n' > "$report"
if [ -z "${FUZZ_NO_BUILD:-}" ]; then dotnet build tests/Fluxo.Cli.Tests -c Release -v q -nologo >/dev/null; fi
FLUXO_FUZZ_INPUTS="$inputs" FLUXO_FUZZ_SEED="$seed" FLUXO_FUZZ_REPORT="$report" FLUXO_FUZZ_KEEP=1 \
  dotnet test tests/Fluxo.Cli.Tests -c Release --no-build --filter "$filter" -- xUnit.MaxParallelThreads=1 || true
echo "seed $seed"
cat "$report"
