#!/usr/bin/env bash
# Alternates `fluxo optimize --search mrc --budget 8KB` of two builds on one trace, ROUNDS times each, and prints each
# run's user + system CPU seconds and peak RSS, then the medians; every run's report (but the search's wall time) and
# policy must equal the first run's of build A byte for byte, or the script stops.
#   bash bench/optimize-cpu.sh A/fluxo.dll B/fluxo.dll TRACE SERVICE [ROUNDS=5]
# TRACE and SERVICE: e.g. the `perf --keep DIR` files (DIR/weather-1000000.trace, DIR/weather.ir.json).
set -euo pipefail
a="$1"; b="$2"; trace="$3"; service="$4"; rounds="${5:-5}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
run() { # build name round
  local out="$work/$2-$3"
  # One policy path for every run: the report names it.
  /usr/bin/time -f '%U %S %M' -o "$out.time" dotnet "$1" optimize "$service" --trace "$trace" --budget 8KB --search mrc \
    -o "$work/policy.json" | grep -v '^search mrc: .* exact replays in ' >"$out.report"
  mv "$work/policy.json" "$out.policy.json"
  if [ -e "$work/ref.report" ]; then
    cmp -s "$out.report" "$work/ref.report" && cmp -s "$out.policy.json" "$work/ref.policy.json" \
      || { echo "$2 round $3: output differs from A's first run" >&2; diff "$out.report" "$work/ref.report" >&2 || true; exit 1; }
  else
    cp "$out.report" "$work/ref.report"; cp "$out.policy.json" "$work/ref.policy.json"
  fi
  read -r user sys rss <"$out.time"
  echo "$2 $(echo "$user + $sys" | bc) $((rss / 1024))" >>"$work/all"
  echo "$2 round $3: $(echo "$user + $sys" | bc) s CPU, $((rss / 1024)) MB peak, load $(cut -d' ' -f1 /proc/loadavg)"
}
for i in $(seq 1 "$rounds"); do run "$a" A "$i"; run "$b" B "$i"; done
for x in A B; do
  grep "^$x " "$work/all" | awk '{print $2}' | sort -n | awk -v x="$x" '{v[NR]=$1} END {printf "%s: median %.2f s CPU (%.2f-%.2f) over %d runs\n", x, v[int((NR+1)/2)], v[1], v[NR], NR}'
  grep "^$x " "$work/all" | awk '{print $3}' | sort -n | awk -v x="$x" '{v[NR]=$1} END {printf "%s: median %d MB peak RSS (%d-%d)\n", x, v[int((NR+1)/2)], v[1], v[NR]}'
done
echo "outputs identical across all runs"
