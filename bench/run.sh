#!/usr/bin/env bash
# Runs every benchmark against the lab and prints figures next to the baseline
# each one compares against. Results also land in bench/results/*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
bash e2e/lab/lab.sh up >/dev/null

status=0
for b in bench/*/main.ts; do
  [ -e "$b" ] || continue
  echo "== $(dirname "$b" | xargs basename)"
  ip netns exec lab npx tsx "$b" || { echo "benchmark $b failed"; status=1; }
done
exit $status
