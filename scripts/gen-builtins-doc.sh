#!/usr/bin/env bash
# Rewrites docs/builtins.md from BuiltinCatalog (the test BuiltinDocsTests compares them and runs every example).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
FLUXO_UPDATE_BASELINES=1 dotnet test "$root/tests/Fluxo.Samples.Tests" -c Release --filter "FullyQualifiedName~BuiltinDocsTests.DocMatchesTheCatalog"
