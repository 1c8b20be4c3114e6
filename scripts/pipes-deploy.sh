#!/usr/bin/env bash
# Compiles each Yahoo pipe into its own Azure solution and builds it (about a minute per pipe), printing one line per
# pipe: built, refused at compile time (a module whose service is gone, FLX4201) or FAILED. The test suite builds one
# solution holding every deployable pipe instead (PipesDeployTests); this is the per-pipe campaign.
#   bash scripts/pipes-deploy.sh [PIPE.json ...]     # default: tests/data/pipes/corpus/*.json samples/pipes/*.json
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Fluxo.Cli -c Release -m:1 -v q -nologo > /dev/null
fluxo() { dotnet src/Fluxo.Cli/bin/Release/net10.0/fluxo.dll "$@"; }
pipes=("$@")
[ ${#pipes[@]} -gt 0 ] || pipes=(tests/data/pipes/corpus/*.json samples/pipes/*.json)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
built=0; refused=0; failed=0
for p in "${pipes[@]}"; do
  out="$work/$(basename "$p" .json)"
  if ! fluxo compile "$p" -o "$out" > "$work/compile.log" 2>&1; then
    if grep -q "error FLX4201" "$work/compile.log"; then
      echo "refused  $p: $(grep -m1 -o 'error FLX4201: .*' "$work/compile.log")"; refused=$((refused + 1))
    else
      echo "FAILED   $p (compile):"; cat "$work/compile.log"; failed=$((failed + 1))
    fi
    continue
  fi
  if dotnet build "$out" -m:1 -v q -nologo > "$work/build.log" 2>&1; then
    echo "built    $p"; built=$((built + 1))
  else
    echo "FAILED   $p (build):"; grep -E "error" "$work/build.log" | head -5; failed=$((failed + 1))
  fi
  rm -rf "$out"
done
echo "pipes: ${#pipes[@]}; built: $built; refused: $refused; failed: $failed"
[ "$failed" -eq 0 ]
