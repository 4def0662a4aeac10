#!/usr/bin/env bash
# Scoring cost: rows/s for feature extraction, Isolation Forest scoring (one row at a time and in batches) and the
# heuristics, on the project's own generated captures. Usage: scripts/bench-scoring.sh [sessions] [repetitions]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
argus_find_jdk
[ -f target/argus-fat.jar ] || mvn -B -q -ntp -DskipTests package
java -Xmx256m -cp target/argus-fat.jar org.argus.bench.ScoringBench "$@"
