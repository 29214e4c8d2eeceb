#!/usr/bin/env bash
# Runs every benchmark against the lab and prints figures next to the baseline
# each one compares against. Results also land in bench/results/*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../e2e/lab/lib.sh
. e2e/lab/lib.sh # LAB_NETNS: lab, or labK with VIRTDECK_LAB_ID=K
mkdir -p bench/results
bash e2e/lab/lab.sh up >/dev/null

status=0
for b in bench/*/main.ts; do
  [ -e "$b" ] || continue
  echo "== $(dirname "$b" | xargs basename)"
  ip netns exec "$LAB_NETNS" npx tsx "$b" || { echo "benchmark $b failed"; status=1; }
done
exit $status
