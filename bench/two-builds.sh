# Sourced by the bench scripts that compare two builds: `two_builds TOOL REV_OLD PROJECT` checks REV_OLD out in a
# temporary worktree (removed on exit) and builds PROJECT there and in this checkout, or, with REV_NEW set, in a
# worktree of that revision, so two commits can be compared while the checkout changes. Sets root, work, old, new
# (short names to print), old_root and new_root.
two_builds() {
  local tool="$1" project="$3"
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cd "$root"
  old="$(git rev-parse --short "${2:?REV_OLD}")"
  work="$(mktemp -d)"
  trap 'git worktree remove --force "$work/old" 2>/dev/null || true; git worktree remove --force "$work/new" 2>/dev/null || true; rm -rf "$work"' EXIT
  old_root="$work/old"
  git worktree add -q --detach "$old_root" "$old"
  new_root="$root"; new="current"
  if [ -n "${REV_NEW:-}" ]; then
    new="$(git rev-parse --short "$REV_NEW")"; new_root="$work/new"
    git worktree add -q --detach "$new_root" "$new"
  fi
  local d
  for d in "$old_root" "$new_root"; do
    dotnet build "$d/$project" -c Release -v q -nologo -m:1 -p:UseSharedCompilation=false >"$work/build.log" 2>&1 \
      || { echo "$tool: $project does not build in $d" >&2; cat "$work/build.log" >&2; exit 2; }
  done
}

# Sourced after two_builds by the scripts that run `fluxo optimize --search paper` at both revisions: builds the bench,
# generates a Weather trace of REQUESTS requests in the text form both revisions read ($work/t.txt) and its service
# ($service), and sets old_cli and new_cli.
paper_trace() {
  local requests="$1"
  dotnet build "$new_root/bench/Fluxo.Bench.Optimizer" -c Release -v q -nologo -m:1 -p:UseSharedCompilation=false >"$work/build.log" 2>&1
  new_cli="$new_root/src/Fluxo.Cli/bin/Release/net10.0/fluxo.dll"
  old_cli="$old_root/src/Fluxo.Cli/bin/Release/net10.0/fluxo.dll"
  dotnet "$new_root/bench/Fluxo.Bench.Optimizer/bin/Release/net10.0/Fluxo.Bench.Optimizer.dll" generate "$work/t.bin" --requests "$requests" >/dev/null
  dotnet "$new_cli" traces convert "$work/t.bin" "$work/t.full.txt" --to text >/dev/null
  # Older readers stop at the end line; the checksum line after it came later.
  grep -v '^checksum ' "$work/t.full.txt" >"$work/t.txt"
  service="$work/t.bin.ir.json"
}
