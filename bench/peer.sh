#!/usr/bin/env bash
# Edgeshop vs Vendure 3.7.3, side by side in one run (issue 13; docs/performance.md "Against the peer"):
# runs the shared recipe `../shared/peers/vendure/side-by-side.sh` on this checkout. The recipe is not
# part of the repository; it is looked up next to the main checkout (worktrees too) or in $VENDURE_PEER_DIR.
# Needs wrk; installs and seeds Vendure under $PEER_ROOT (default /tmp/peer-vendure) on first use.
# Ports: Edgeshop 8850, Vendure 3000 (fixed by the recipe). Skips (exit 0) when wrk or the recipe is missing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
main=$(cd "$root" && cd "$(git rev-parse --git-common-dir 2>/dev/null || echo .git)/.." && pwd)
dir=${VENDURE_PEER_DIR:-}
for candidate in "$root/../shared/peers/vendure" "$main/../shared/peers/vendure"; do
  [ -n "$dir" ] || { [ -f "$candidate/side-by-side.sh" ] && dir=$candidate; } || true
done
[ -n "$dir" ] && [ -f "$dir/side-by-side.sh" ] || { echo "bench:peer: no side-by-side.sh (set VENDURE_PEER_DIR); skipped"; exit 0; }
command -v wrk >/dev/null || { echo "bench:peer: wrk not installed (apt-get install -y wrk); skipped"; exit 0; }
# Under `npm run`, this project's node_modules/.bin (with its Node 22) leads PATH, but the recipe starts
# Vendure with `node`, and Vendure's native SQLite module was built by the Node it was installed with:
# hand the recipe the PATH without it (its `npx wrangler` still finds this project's wrangler and Node).
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/node_modules/\.bin$' | paste -sd: -)
export PATH
exec bash "$dir/side-by-side.sh" "$root"
