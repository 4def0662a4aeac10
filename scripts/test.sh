#!/usr/bin/env bash
# Runs every Argus test (unit, ground truth on ../shared/pcaps, sensor and live-capture integration tests).
# Installs what it needs when run as root on Debian; the live-capture test needs root (network namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
argus_ensure_packages "${ARGUS_TEST_PACKAGES[@]}"
argus_find_jdk
echo "argus: JDK $JAVA_HOME" >&2
exec mvn -B -ntp verify "$@"
