#!/usr/bin/env bash
# What tracing costs `fluxo run` per request, in instructions counted by valgrind (callgrind), which the shared
# machine's load does not move: the Weather sample's hot-IP workload runs at SMALL and at LARGE requests, untraced and
# with `--trace FILE` (binary), without tiered compilation (so the code is the same each run); the difference of the
# two lengths' counts over the requests between them is a request's instructions in steady state, start-up cancelled.
# With REV_OLD, that revision is measured too (REV_NEW as in two-builds.sh) and the two builds' traces of LARGE
# requests must be byte for byte the same (the virtual clock makes a run deterministic). KEEP=DIR keeps the callgrind
# files (for callgrind_annotate). Slow: about 10 minutes per build.
# Under valgrind this runtime's JIT compiles most methods with MinOpts (no inlining; `DOTNET_JitDisasmSummary=1`
# shows it), so the counts weigh calls more heavily than the optimized code of a real run does.
# Usage: [KEEP=dir] [REV_NEW=rev] bash bench/tracing-instructions.sh [REV_OLD] [SMALL=20000] [LARGE=60000]
set -euo pipefail
small="${2:-20000}"
large="${3:-60000}"
if [ -n "${1:-}" ]; then
  source "$(dirname "$0")/two-builds.sh"
  two_builds tracing-instructions "$1" src/Fluxo.Cli
  builds=("$old_root" "$new_root"); names=("$old" "$new")
else
  root="$(cd "$(dirname "$0")/.." && pwd)"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  dotnet build "$root/src/Fluxo.Cli" -c Release -v q -nologo -m:1 -p:UseSharedCompilation=false >"$work/build.log" 2>&1 \
    || { echo "tracing-instructions: src/Fluxo.Cli does not build" >&2; cat "$work/build.log" >&2; exit 2; }
  builds=("$root"); names=("current")
fi
sample="$(cd "$(dirname "$0")/.." && pwd)/samples/weather"

# count BUILD NAME REQUESTS [trace]: instructions of one whole `fluxo run`
count() {
  local out name="$2-$3${4:+-traced}"
  out="$(cd "$work" && DOTNET_TieredCompilation=0 DOTNET_EnableWriteXorExecute=0 valgrind --tool=callgrind --smc-check=all-non-file \
    --callgrind-out-file="$work/$name.cg" dotnet "$1/src/Fluxo.Cli/bin/Release/net10.0/fluxo.dll" run "$sample/weather.flimp" \
    -w "$sample/workload-hot-ips.json" -n "$3" ${4:+--trace "$work/$name.trace"} 2>&1)"
  [ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp "$work/$name.cg" "$KEEP/"
  grep -oE 'Collected : [0-9]+' <<<"$out" | grep -oE '[0-9]+'
}

echo "instructions per request of fluxo run (weather, workload-hot-ips), $small and $large requests; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for k in "${!builds[@]}"; do
  b="${builds[$k]}"; n="${names[$k]}"
  # The four runs at once: each counts its own instructions, whatever else runs beside it.
  count "$b" "$n" "$small" >"$work/u1" & count "$b" "$n" "$large" >"$work/u2" &
  count "$b" "$n" "$small" traced >"$work/t1" & count "$b" "$n" "$large" traced >"$work/t2" &
  wait
  u1="$(<"$work/u1")"; u2="$(<"$work/u2")"; t1="$(<"$work/t1")"; t2="$(<"$work/t2")"
  u=$(( (u2 - u1) / (large - small) )); t=$(( (t2 - t1) / (large - small) ))
  echo "$n: untraced $u, traced $t instructions per request: tracing +$(awk -v t="$t" -v u="$u" 'BEGIN { printf "%.1f", 100 * (t - u) / u }')% ($(( t - u )) a request)"
done
if [ "${#builds[@]}" = 2 ]; then
  if cmp -s "$work/${names[0]}-$large-traced.trace" "$work/${names[1]}-$large-traced.trace"; then
    echo "traces of $large requests: byte for byte the same"
  else
    echo "TRACES DIFFER"
  fi
fi
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
