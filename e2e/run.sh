#!/usr/bin/env bash
# End-to-end: real hosts from the lab, then service tests and Playwright specs
# run inside the lab's network namespace so no traffic leaves loopback + lab.
set -euo pipefail
cd "$(dirname "$0")/.."

bash e2e/lab/lab.sh up
bash e2e/lab/lab-check.sh

echo "== service tests against the lab (real sshd + libvirtd)"
ip netns exec lab npx vitest run -c vitest.lab.config.ts --passWithNoTests

echo "== UI end to end (Chromium)"
ip netns exec lab npx playwright test -c e2e/playwright.config.ts "$@"
