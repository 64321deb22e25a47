#!/usr/bin/env bash
# CPU time per request, Edgeshop vs Vendure: the load-independent companion of the shared side-by-side
# recipe (../shared/peers/vendure/side-by-side.sh). On a shared 2-core machine req/s swing with other
# work, but the CPU a server spends per request hardly does, and on a CPU-bound machine throughput is
# cores / CPU per request: "Vendure's CPU per request / Edgeshop's" estimates the req/s ratio a quiet
# machine would show (latency ratios need the side-by-side run itself).
#
# Usage: bash bench/peer-cpu.sh <edgeshop checkout> [<checkout> ...]   (npm ci done in each, or a
#        node_modules link). Each checkout is served like the recipe: wrangler dev, production mode,
#        fresh local D1, demo seed, per-client limits raised (still in the path). Vendure 3.7.3 comes
#        from $PEER_ROOT (default /tmp/peer-vendure, installed by the side-by-side script).
# Env: BASE_PORT (8852; checkout i serves on BASE_PORT+2i, its inspector on +1), VPORT (8859),
#      ROUNDS (3), DUR (8 s measured after 2 s warm-up), OUT (/tmp/peer-cpu/<time>), SCENARIOS.
# CPU per request = utime+stime of the server's whole process group (for wrangler dev: the proxy and
# the user workerd with its Durable Objects and the local D1 and Cache simulators; for Vendure: its
# node process with SQLite in it) over the requests wrk completed, wrk itself not counted.
set -euo pipefail
[ $# -ge 1 ] || { sed -n 2,17p "$0"; exit 2; }
command -v wrk >/dev/null || { echo "peer-cpu: wrk not installed (apt-get install -y wrk); skipped"; exit 0; }
VAPP=${PEER_ROOT:-/tmp/peer-vendure}/app
[ -f "$VAPP/vendure.sqlite" ] || { echo "peer-cpu: no Vendure install at $VAPP (run the side-by-side script once); skipped"; exit 0; }
BASE_PORT=${BASE_PORT:-8852} VPORT=${VPORT:-8859} ROUNDS=${ROUNDS:-3} DUR=${DUR:-8}
SCENARIOS=${SCENARIOS:-"floor gql origin cached"}
OUT=${OUT:-/tmp/peer-cpu/$(date +%Y%m%d-%H%M%S)}
KEY=esk_admin_perf_0000000000000000000000000000
TCK=$(getconf CLK_TCK)
export WRANGLER_SEND_METRICS=false CI=true
mkdir -p "$OUT"
PGIDS=()
cleanup() { for p in "${PGIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# The recipe's requests (side-by-side.sh): the storefront's first page of 20 products.
VQ='{ products(options:{take:20}) { items { id name slug variants { id sku priceWithTax stockLevel } } } }'
EQ='{ products(first:20) { edges { node { id title slug variants { id sku price { amount currency } availability { available } } } } } }'
lua() { printf 'wrk.method="%s"\nwrk.headers["Content-Type"]="application/json"\n%s\n' "$1" "$2" >"$OUT/$3.lua"; }
lua POST "wrk.body=[[{\"query\":\"$VQ\"}]]" vendure
lua POST "wrk.body=[[{\"query\":\"$EQ\"}]]" gql
lua GET 'wrk.headers["Cache-Control"]="no-cache"' origin
lua GET '' cached
lua GET '' floor

NAMES=()
i=0
for checkout in "$@"; do
  dir=$(readlink -f "$checkout")
  port=$((BASE_PORT + 2 * i))
  name=$(basename "$dir")@$(git -C "$dir" rev-parse --short HEAD 2>/dev/null || cat "$dir/.commit" 2>/dev/null || echo "?")
  state=$OUT/state-$i
  (cd "$dir" && npx wrangler d1 migrations apply DB --local --persist-to "$state" >"$OUT/migrate-$i.log" 2>&1)
  (cd "$dir" && exec setsid npx wrangler dev --port $port --ip 127.0.0.1 --inspector-port $((port + 1)) --persist-to "$state" \
    --log-level warn --show-interactive-dev-session=false --var ENVIRONMENT:production --var ADMIN_API_KEY:$KEY \
    --var RATE_LIMIT_IP:100000000/60 --var RATE_LIMIT_ADMIN_KEY:100000000/60 \
    --var GRAPHQL_COST_MAXIMUM:1000000000 --var GRAPHQL_COST_RESTORE_RATE:1000000 >"$OUT/server-$i.log" 2>&1 </dev/null) &
  PGIDS+=($!)
  for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.5; done
  (cd "$dir" && SEED_URL=http://127.0.0.1:$port ADMIN_API_KEY=$KEY npm run --silent seed >"$OUT/seed-$i.log" 2>&1)
  NAMES+=("$name")
  echo "$i $name $port ${PGIDS[-1]}" >>"$OUT/servers.txt"
  i=$((i + 1))
done
(cd "$VAPP" && VENDURE_DISABLE_TELEMETRY=true NODE_ENV=production VENDURE_PORT=$VPORT exec setsid node server.js >"$OUT/vendure.log" 2>&1 </dev/null) &
PGIDS+=($!)
VPG=$!
for _ in $(seq 1 240); do curl -s -o /dev/null "http://127.0.0.1:$VPORT/health" && break; sleep 0.25; done

url() { case $2 in floor) echo "http://127.0.0.1:$1/healthz";; gql) echo "http://127.0.0.1:$1/graphql";; *) echo "http://127.0.0.1:$1/v1/products?limit=20";; esac; }
# Every scenario must answer without errors before it is measured.
for ((k = 0; k < i; k++)); do
  port=$((BASE_PORT + 2 * k))
  curl -s -X POST "$(url $port gql)" -H 'content-type: application/json' -d "{\"query\":\"$EQ\"}" | grep -q '"edges"' || { echo "checkout $k: GraphQL listing fails"; exit 1; }
  curl -sf "$(url $port origin)" | grep -q '"variants"' || { echo "checkout $k: REST listing fails"; exit 1; }
done
curl -s -X POST "http://127.0.0.1:$VPORT/shop-api" -H 'content-type: application/json' -d "{\"query\":\"$VQ\"}" | grep -q '"items"' || { echo "Vendure listing fails"; exit 1; }

cpu() { local t=0 p; for p in $(pgrep -g "$1"); do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done; echo $t; }
measure() { # label pgid url lua
  wrk -t1 -c16 --timeout 10s -d2s -s "$4" "$3" >/dev/null
  local a b out
  a=$(cpu "$2"); out=$(wrk -t1 -c16 --timeout 10s -d${DUR}s --latency -s "$4" "$3"); b=$(cpu "$2")
  local n rps p99 bad
  n=$(awk '/requests in/{print $1}' <<<"$out"); rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out"); bad=$(awk '/Non-2xx/{print $5}' <<<"$out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$(echo "($b-$a)*1000/$TCK/$n" | bc -l)" "$rps" "$p99" "${bad:-0}" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/samples.tsv"
}
for r in $(seq 1 "$ROUNDS"); do
  measure vendure "$VPG" "http://127.0.0.1:$VPORT/shop-api" "$OUT/vendure.lua"
  for ((k = 0; k < i; k++)); do
    for s in $SCENARIOS; do measure "$k:$s" "${PGIDS[$k]}" "$(url $((BASE_PORT + 2 * k)) "$s")" "$OUT/$s.lua"; done
  done
done

python3 - "$OUT" "${NAMES[@]}" <<'PY'
import sys, statistics as st, re
out, names = sys.argv[1], sys.argv[2:]
def ms(s):
    m = re.match(r"([\d.]+)(us|ms|s)", s); v = float(m.group(1))
    return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
rows = {}
for line in open(out + "/samples.tsv"):
    label, cpu, rps, p99, bad, load = line.rstrip("\n").split("\t")
    rows.setdefault(label, []).append((float(cpu), float(rps), ms(p99), int(bad), float(load)))
med = lambda xs, i: st.median(x[i] for x in xs)
v = rows.pop("vendure"); vcpu = med(v, 0)
loads = [x[4] for xs in list(rows.values()) + [v] for x in xs]
print(f"load average during the samples: {min(loads):.1f}-{max(loads):.1f}; medians of {len(v)} rounds")
print()
print("| server | scenario | CPU ms/request | Vendure CPU/req ÷ this | req/s | p99 ms | non-2xx |")
print("|---|---|---:|---:|---:|---:|---:|")
print(f"| Vendure 3.7.3 | shop-api listing | {vcpu:.2f} | 1.00x | {med(v,1):.0f} | {med(v,2):.0f} | {sum(x[3] for x in v)} |")
for label, xs in rows.items():
    k, s = label.split(":")
    print(f"| {names[int(k)]} | {s} | {med(xs,0):.2f} | {vcpu/med(xs,0):.2f}x | {med(xs,1):.0f} | {med(xs,2):.0f} | {sum(x[3] for x in xs)} |")
PY
echo "raw: $OUT"
