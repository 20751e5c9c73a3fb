#!/usr/bin/env bash
# The consumers' integration tests (`make test-integrations`): what needs a tool from outside the Python packages.
#   1. Node.js, npm, Chromium and chromedriver from the Debian packages if missing (as root); Stoplight Prism from
#      npm, pinned by tests/contracts/package-lock.json (`npm ci`: the lock's exact versions, install scripts not
#      run); Apache Superset into .venv-bi (scripts/superset.sh venv, pinned by bi/requirements.lock)
#   2. pytest -m integration: the HubSpot sync through Prism, every request and answer checked against
#      tests/contracts/hubspot/crm-contacts-v3.openapi.yaml (tests/python/test_hubspot_contract.py), and the Dagster
#      definitions materialized in-process (tests/python/test_dagster.py), and the Superset dashboard in headless
#      Chromium (tests/python/test_superset.py); the Makefile installed the orchestration and bi extras first
# Knobs (environment): BIN (the venv's bin folder, default .venv/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}

missing=()
command -v npm > /dev/null && command -v node > /dev/null || missing+=(nodejs npm)
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || missing+=(chromium chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "Needed and missing: ${missing[*]} (apt-get install -y ${missing[*]}, as root), then run this again" >&2
        exit 2
    fi
    echo "Installing ${missing[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
    echo "Prism needs Node.js 18 or later; found $(node --version)" >&2
    exit 2
fi
if [ ! -x tests/contracts/node_modules/.bin/prism ] || [ tests/contracts/package-lock.json -nt tests/contracts/node_modules/.package-lock.json ]; then
    echo "Installing Stoplight Prism (npm ci in tests/contracts)"
    SCARF_ANALYTICS=false npm ci --prefix tests/contracts --no-audit --no-fund --ignore-scripts --loglevel error
fi
scripts/superset.sh venv
"$BIN/python" -m pytest -m integration -n 2 --dist loadfile tests/python/test_superset.py tests/python/test_dagster.py \
    tests/python/test_hubspot_contract.py
