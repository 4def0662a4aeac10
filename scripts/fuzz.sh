#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer) for longer than `mvn verify` does: rounds over every fuzz target until
# FUZZ_MINUTES (default 30) have passed. Each round runs the five bounded fuzz executions of the pom (capture
# reader, packet decoder, HTTP control input, configuration, threat-feed parsers); the corpus they grow under target/fuzz-cwd/.cifuzz-corpus
# carries over from round to round, seeded with the start of every capture in ../shared/pcaps.
# Stops at the first finding and names its input (target/fuzz-cwd/crash-*); a finding, once fixed, belongs in
# src/test/resources/org/argus/<pkg>/<Class>Inputs/<method>/ so every test run replays it.
# Writes target/fuzz/summary.txt (rounds, executions per target, coverage at the end of each run).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
argus_find_jdk
minutes=${FUZZ_MINUTES:-30}
out=target/fuzz
mkdir -p "$out" target/fuzz-cwd
mvn -B -ntp -q test-compile -Dargus.skipFuzz=true
end=$(( $(date +%s) + minutes * 60 ))
round=0
: > "$out/log.txt"
while [ "$(date +%s)" -lt "$end" ]; do
  round=$((round + 1))
  echo "argus fuzz: round $round ($(( (end - $(date +%s)) / 60 )) min left)" >&2
  if ! mvn -B -ntp -o surefire:test@fuzz-capture surefire:test@fuzz-decoder surefire:test@fuzz-control surefire:test@fuzz-config surefire:test@fuzz-feeds \
       >> "$out/log.txt" 2>&1; then
    echo "argus fuzz: FINDING in round $round; inputs:" >&2
    ls -1 target/fuzz-cwd/crash-* target/fuzz-cwd/timeout-* 2>/dev/null >&2 || true
    grep -E "FuzzTestFindingException|AssertionFailedError|Exception" "$out/log.txt" | head -20 >&2
    exit 1
  fi
done
{
  echo "rounds: $round in $minutes min"
  grep -E "^Done [0-9]+ runs" "$out/log.txt" | awk '{n+=$2} END {print "executions: " n}'
  grep -E "DONE +cov:" "$out/log.txt" | tail -4
} | tee "$out/summary.txt"
