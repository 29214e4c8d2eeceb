#!/usr/bin/env bash
# Runs every benchmark against the lab and prints figures next to the baseline
# each one compares against. Results also land in bench/results/*.json.
# Usage: bench/run.sh [NAME...]   (default: every bench/*/main.ts)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../e2e/lab/lib.sh
. e2e/lab/lib.sh # LAB_NETNS (lab, or labK with VIRTDECK_LAB_ID=K)
mkdir -p bench/results
bash e2e/lab/lab.sh up >/dev/null
bash e2e/lab/lab.sh source up >/dev/null # the "physical" P2V source (bench/p2v)

status=0
names=("$@")
[ ${#names[@]} -gt 0 ] || for b in bench/*/main.ts; do [ -e "$b" ] && names+=("$(basename "$(dirname "$b")")"); done
for n in "${names[@]}"; do
  b=bench/$n/main.ts
  [ -e "$b" ] || { echo "no benchmark $n"; status=1; continue; }
  echo "== $n"
  ip netns exec "$LAB_NETNS" npx tsx "$b" || { echo "benchmark $b failed"; status=1; }
done
exit $status
