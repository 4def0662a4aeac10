#!/usr/bin/env bash
# The demo: builds Argus if needed, generates a capture of its own, runs the sensor on it with conf/demo.json
# (no root, no network, nothing outside the repo), shows /health and /status, lists the CSVs, and stops cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
argus_ensure_packages "${ARGUS_RUNTIME_PACKAGES[@]}" "${ARGUS_BUILD_PACKAGES[@]}" || true
argus_find_jdk
JAR=target/argus-fat.jar
if [ ! -f "$JAR" ] || [ -n "$(find src pom.xml -newer "$JAR" -print -quit)" ]; then
  echo "== building $JAR"
  mvn -B -q -ntp -DskipTests package
fi
rm -rf target/demo && mkdir -p target/demo
echo "== generating target/demo/office.pcap (the project's own synthetic capture)"
java -jar "$JAR" generate --out target/demo/office.pcap --sessions 3000 --span-seconds 60
echo "== training a model on a scan-free baseline (generate --no-scan, then train)"
java -jar "$JAR" generate --out target/demo/baseline.pcap --sessions 6000 --span-seconds 300 --seed 2 --no-scan \
  --start "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)"
java -jar "$JAR" train -conf conf/demo.json --from target/demo/baseline.pcap --out target/demo/models > /dev/null
PORT=${ARGUS_HTTP_PORT:-8787}
echo "== starting the sensor: java -jar $JAR -conf conf/demo.json (http on 127.0.0.1:$PORT)"
ARGUS_HTTP_PORT=$PORT java -jar "$JAR" -conf conf/demo.json > target/demo/sensor.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 $PID 2>/dev/null || { cat target/demo/sensor.log; exit 1; }
  sleep 0.2
done
for _ in $(seq 1 50); do
  grep -q 'event=capture_file_done' target/demo/sensor.log && break
  sleep 0.2
done
echo "== GET /health"; curl -sS "http://127.0.0.1:$PORT/health"; echo
echo "== GET /status"; curl -sS "http://127.0.0.1:$PORT/status"; echo
echo "== stopping (SIGTERM: the open window is flushed and the CSV closed)"
kill -TERM $PID; wait $PID || true; trap - EXIT
echo "== CSV files in target/demo/csv"
ls -l target/demo/csv
f=$(ls target/demo/csv/*.csv | head -1)
echo "== first rows of $f"; head -4 "$f"
echo "== decisions (target/demo/csv/decisions-*.jsonl)"
cat target/demo/csv/decisions-*.jsonl 2>/dev/null || echo "(none)"
echo "== sensor log: target/demo/sensor.log"
