#!/usr/bin/env bash
# What tracing costs `fluxo run` at two builds, measured in one run: the child-process half of `Fluxo.Bench.Optimizer
# run-tracing` (the Weather sample's hot-IP workload, untraced and traced to a binary file, on the CPU seconds `fluxo run`
# prints for the workload alone), with the four runs of a round (two builds, two modes) in an order that rotates from
# round to round, so a change of load favours none. Prints every run, then per build and size the median CPU of each
# mode and tracing's cost, 1 - untraced / traced (target <= 10%). The two builds' traces of the last round must be
# byte for byte the same. Usage: [REV_NEW=rev] bash bench/run-tracing-two-builds.sh REV_OLD [ROUNDS=6] [SIZES="100000 1000000"]
set -euo pipefail
rounds="${2:-6}"
sizes="${3:-100000 1000000}"
source "$(dirname "$0")/two-builds.sh"
two_builds run-tracing-two-builds "${1:?REV_OLD}" src/Fluxo.Cli
sample="$root/samples/weather"
roots=("$old_root" "$new_root"); names=("$old" "$new")

# run BUILD SIZE TRACED: the workload's CPU seconds as `fluxo run` prints them
run() {
  local out
  out="$(dotnet "${roots[$1]}/src/Fluxo.Cli/bin/Release/net10.0/fluxo.dll" run "$sample/weather.flimp" -w "$sample/workload-hot-ips.json" \
    -n "$2" ${3:+--trace "$work/$1.trace"})"
  grep -oE '[0-9.]+ s CPU' <<<"$out" | cut -d' ' -f1
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "fluxo run, weather hot-IP workload, $rounds rounds; load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A cpu
configs=("0 " "0 t" "1 " "1 t")
for size in $sizes; do
  for r in $(seq 0 $((rounds - 1))); do
    for i in 0 1 2 3; do
      read -r b t <<<"${configs[$(((i + r) % 4))]}"
      c="$(run "$b" "$size" "$t")"
      cpu[$b,$size,${t:-u}]+="$c "
      echo "$size ${names[$b]} $([ -n "$t" ] && echo traced || echo untraced): $c s CPU (load $(cut -d' ' -f1 /proc/loadavg))"
    done
  done
  cmp -s "$work/0.trace" "$work/1.trace" || echo "TRACES DIFFER at $size requests"
  for b in 0 1; do
    # shellcheck disable=SC2086
    u="$(median ${cpu[$b,$size,u]})"; t="$(median ${cpu[$b,$size,t]})"
    echo "$size requests, ${names[$b]}: untraced $u s, traced $t s CPU (medians); tracing costs $(awk -v u="$u" -v t="$t" 'BEGIN { printf "%.1f%%", 100 * (1 - u / t) }')"
  done
done
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
