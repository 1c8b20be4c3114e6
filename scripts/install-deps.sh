#!/usr/bin/env bash
# Installs what the tests need on a fresh machine: redis-server (Debian), Azurite and the TextMate tokenizer (npm, into tools/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "installing redis-server"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi

# The report's charts (ScottPlot, SkiaSharp) measure and name their text in DejaVu Sans; the .NET image has it.
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  echo "installing fonts-dejavu-core"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-dejavu-core >/dev/null
fi

if [ ! -x "$root/tools/node_modules/.bin/azurite" ] || [ ! -f "$root/tools/node_modules/vscode-textmate/package.json" ] \
  || [ ! -f "$root/tools/node_modules/vscode-oniguruma/package.json" ]; then
  echo "installing azurite, vscode-textmate and vscode-oniguruma into tools/"
  (cd "$root/tools" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
# A failed or interrupted npm install can leave tools/ without the binary and still exit 0: checked here, so that the
# tests that need Azurite are not the first to find out.
if [ ! -x "$root/tools/node_modules/.bin/azurite" ]; then
  echo "install-deps: Azurite is missing from tools/node_modules after npm install (remove tools/node_modules and run again)" >&2
  exit 1
fi
echo "redis-server: $(redis-server --version | head -c 40)"
echo "azurite: $("$root/tools/node_modules/.bin/azurite" --version)"
