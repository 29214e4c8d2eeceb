#!/usr/bin/env bash
# End-to-end: real hosts from the lab, then service tests and Playwright specs
# run inside the lab's network namespace so no traffic leaves loopback + lab.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lab/lib.sh
. e2e/lab/lib.sh # LAB_NETNS (lab, or labK with VIRTDECK_LAB_ID=K)

bash e2e/lab/lab.sh up
bash e2e/lab/lab.sh source up # the "physical" P2V source (p2v lab test and spec)
bash e2e/lab/lab-check.sh

echo "== service tests against the lab (real sshd + libvirtd)"
ip netns exec "$LAB_NETNS" npx vitest run -c vitest.lab.config.ts

echo "== UI end to end (Chromium)"
ip netns exec "$LAB_NETNS" npx playwright test -c e2e/playwright.config.ts "$@"
