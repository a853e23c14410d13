#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing (run by `npm test` through `pretest`,
# and therefore by .ci/run): Chromium for the browser tests, iproute2 for tests that make hosts in namespaces,
# redis-server for tests that start Redis processes of their own.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
((${#missing[@]} == 0)) && exit 0
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need these Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing test dependencies: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
