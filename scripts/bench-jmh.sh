#!/usr/bin/env bash
# JMH microbenchmarks, so regressions in the hot path show (see BENCHMARKS.md):
#   DecoderBench.decode          frames in memory → batch rows            (packets/s)
#   DecoderBench.parseAndDecode  pcap file (page cache) → batch rows       (packets/s)
#   FlowTableBench.accountOnly   batch rows → flow table                   (captures/s; ":packets" = packets/s)
#   FlowTableBench.assembleWindows  batch rows → windows + flow records    (captures/s; ":packets" = packets/s)
#   AnonymizerBench.freshAddress   a never-seen address → pseudonym         (pseudonyms/s; hmacPrecomputed vs jdkMac:
#                                  the HMAC alone, ours and the JDK's Mac)
#   HeuristicsBench.spoofedFloodWindow  a spoofed-flood window → findings   (windows/s, 10 000 one-flow sources)
#   IntelBench.randomV4|listedV4|randomV6  threat-feed lookups in a 500 000-entry snapshot (lookups/s; heap held printed)
# Usage: scripts/bench-jmh.sh [JMH options, e.g. a regex "Decoder" or -f 2 -wi 5]. Results: target/jmh/results.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
argus_find_jdk
mvn -B -q -ntp -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt
mkdir -p target/jmh
java -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)" org.openjdk.jmh.Main \
  -foe true -rf text -rff target/jmh/results.txt "${@:-.*Bench.*}"
cat target/jmh/results.txt
