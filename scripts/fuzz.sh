#!/usr/bin/env bash
# Fuzz campaign: the harness of tests/Fluxo.Cli.Tests/Fuzzing with many inputs per format.
#   scripts/fuzz.sh [inputs-per-format] [seed] [report] [format]
# Every format (Flimp, IR JSON, Pipes JSON, text and binary traces, policies, workloads, bindings) is mutated and
# fed to the commands that read it (check, graph, compile, run, simulate, optimize, traces convert/sample), in-process
# through the CLI's entry point; every FLUXO_FUZZ_PROCESS_EVERY-th input (default 500) also runs as a real `fluxo`
# process, which must exit the same way, and up to FLUXO_FUZZ_BUILDS (default 100) distinct solutions that accepted
# inputs compile to are built with `dotnet build` alongside. The report lists, per format, inputs, crashes, hangs,
# compiles accepted, outputs built, build failures, process runs and seconds, then each finding with the kept input
# that reproduces it. A fourth argument runs one format only (flimp, ir-json, pipes-json, trace-text, trace-binary,
# policy, workload, bindings), so a long campaign can be run in chunks with different seeds and its figures summed;
# FLUXO_FUZZ_SECONDS stops each format after that many seconds (the report then gives the inputs reached). The
# campaign runs from a copy of the test build (.fuzz/bin), so rebuilding the repository does not disturb it.
set -euo pipefail
cd "$(dirname "$0")/.."
inputs="${1:-100000}"
seed="${2:-$RANDOM}"
report="$(realpath -m "${3:-fuzz-report.tsv}")"
filter="FullyQualifiedName~Fuzzing.FuzzTests"
if [ -n "${4:-}" ]; then filter="$filter&DisplayName~$4"; fi
[ -f "$report" ] || printf 'format\tinputs\tcrashes\thangs\tcompiled\tbuilt\tbuild-failures\tprocess-runs\tseconds\n' > "$report"
if [ -z "${FUZZ_NO_BUILD:-}" ]; then dotnet build tests/Fluxo.Cli.Tests -c Release -v q -nologo >/dev/null; fi
snapshot=".fuzz/bin-$$"
mkdir -p .fuzz && rm -rf "$snapshot" && cp -r tests/Fluxo.Cli.Tests/bin/Release/net10.0 "$snapshot"
trap 'rm -rf "$snapshot"' EXIT
# Mutants are written and deleted thousands of times a minute: a memory file system keeps that off the disk.
work_root="${FUZZ_TMP:-$( [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}"
TMPDIR="$work_root" FLUXO_FUZZ_INPUTS="$inputs" FLUXO_FUZZ_SEED="$seed" FLUXO_FUZZ_REPORT="$report" FLUXO_FUZZ_KEEP=1 \
  FLUXO_FUZZ_PROCESS_EVERY="${FLUXO_FUZZ_PROCESS_EVERY:-500}" FLUXO_FUZZ_BUILDS="${FLUXO_FUZZ_BUILDS:-100}" \
  dotnet test "$snapshot/Fluxo.Cli.Tests.dll" --filter "$filter" -- xUnit.MaxParallelThreads=1 || true
echo "seed $seed (findings kept under $work_root/fluxo-fuzz-*/Findings)"
cat "$report"
