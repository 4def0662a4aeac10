#!/usr/bin/env bash
# Per-window cost of the heuristic detectors: the office mix, a 1 M-SYN sweep and a 1 M-SYN flood from random
# (spoofed) sources, 12 windows each. Usage: scripts/bench-detectors.sh [repetitions]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
argus_find_jdk
[ -f target/argus-fat.jar ] || mvn -B -q -ntp -DskipTests package
java -Xmx1g -cp target/argus-fat.jar org.argus.bench.DetectorBench "$@"
