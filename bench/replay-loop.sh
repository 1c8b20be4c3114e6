#!/usr/bin/env bash
# The paper search's replays in one process (`Fluxo.Bench.Optimizer replay-loop`) at two builds, alternated: CPU per replay
# and a digest of every replay's numbers, which must be equal. REV_OLD must hold the replay-loop command (from 9d5f3f8 on).
# Usage: [REV_NEW=rev] bash bench/replay-loop.sh REV_OLD [ALTERNATIONS=3] [REQUESTS=100000] [ROUNDS_PER_RUN=4]
set -euo pipefail
alternations="${2:-3}"
requests="${3:-100000}"
rounds="${4:-4}"
source "$(dirname "$0")/two-builds.sh"
two_builds replay-loop "${1:-}" bench/Fluxo.Bench.Optimizer
bench() { DOTNET_PROCESSOR_COUNT=1 dotnet "$1/bench/Fluxo.Bench.Optimizer/bin/Release/net10.0/Fluxo.Bench.Optimizer.dll" replay-loop --requests "$requests" --rounds "$rounds" | tail -1; }

echo "replay-loop on $requests requests, load average $(cut -d' ' -f1-3 /proc/loadavg)"
olds=(); news=()
for i in $(seq "$alternations"); do
  o="$(bench "$old_root")"; n="$(bench "$new_root")"
  echo "$old: $o"; echo "$new: $n"
  olds+=("$(grep -oE 'median [0-9.]+' <<<"$o" | cut -d' ' -f2)"); news+=("$(grep -oE 'median [0-9.]+' <<<"$n" | cut -d' ' -f2)")
  [ "$(grep -oE 'digest [0-9a-f]+' <<<"$o")" = "$(grep -oE 'digest [0-9a-f]+' <<<"$n")" ] || echo "DIGESTS DIFFER: the replays' numbers changed"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mo="$(median "${olds[@]}")"; mn="$(median "${news[@]}")"
echo "median: $old ${mo} ms, $new ${mn} ms CPU per replay = $(awk -v a="$mn" -v b="$mo" 'BEGIN { printf "%.2f", a / b }')x; load average $(cut -d' ' -f1-3 /proc/loadavg)"
