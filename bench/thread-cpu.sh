#!/usr/bin/env bash
# CPU per request of each thread of a running `wrangler dev`: which thread limits throughput.
# `wrangler dev` runs the Worker, the local D1 simulator, the Cache API simulator and miniflare's entry
# worker on one workerd thread; when that thread is saturated, req/s is the inverse of its CPU per
# request, and this is the figure to compare between two builds served side by side
# (docs/performance.md, "Third pass").
#
# Usage: bash bench/thread-cpu.sh <port> <url> [wrk lua script]   (the server on <port> must be a
#        `wrangler dev ... --port <port> ` already running; loopback URLs only)
# Env: DUR (6 s measured after a 2 s warm-up).
# Prints: total ms/request of the process group, the busiest thread's, and the next ones.
set -euo pipefail
[ $# -ge 2 ] || { sed -n 2,11p "$0"; exit 2; }
port=$1; url=$2; lua=${3:-}
case "$url" in http://127.0.0.1:*|http://localhost:*) ;; *) echo "thread-cpu: loopback URLs only" >&2; exit 2 ;; esac
pid=$(pgrep -f "wrangler dev.*--port $port " | head -1) || { echo "thread-cpu: no wrangler dev on port $port" >&2; exit 2; }
pg=$(ps -o pgid= -p "$pid" | tr -d ' ')
snap() { for p in $(pgrep -g "$pg"); do for t in /proc/"$p"/task/*; do
  [ -r "$t/stat" ] && echo "$p|$(basename "$t")|$(tr ' ' _ < "$t/comm")|$(awk '{print $14+$15}' "$t/stat" 2>/dev/null)"; done; done; }
args=(-t1 -c16 --timeout 10s); [ -n "$lua" ] && args+=(-s "$lua")
wrk "${args[@]}" -d2s "$url" >/dev/null
before=$(mktemp); after=$(mktemp); trap 'rm -f "$before" "$after"' EXIT
snap >"$before"; out=$(wrk "${args[@]}" -d"${DUR:-6}"s "$url"); snap >"$after"
n=$(awk '/requests in/{print $1}' <<<"$out")
python3 - "$n" "$url" "$before" "$after" "$(getconf CLK_TCK)" <<'PY'
import sys
n, url, tck = int(sys.argv[1]), sys.argv[2], int(sys.argv[5])
def read(path):
    d = {}
    for line in open(path):
        parts = line.strip().split("|")
        if len(parts) == 4 and parts[3]:
            d[tuple(parts[:3])] = int(parts[3])
    return d
a, b = read(sys.argv[3]), read(sys.argv[4])
rows = sorted(((b[k] - a.get(k, 0), k) for k in b), reverse=True)
ms = lambda ticks: ticks * 1000 / tck / n
total = sum(r[0] for r in rows)
top = rows[0]
rest = " ".join(f"{k[2]}:{ms(v):.2f}" for v, k in rows[1:4] if v > 0)
print(f"total {ms(total):.2f} ms/req  busiest thread {ms(top[0]):.2f} ({top[1][2]})  next {rest}  n={n}  {url}")
PY
