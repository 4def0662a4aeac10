#!/usr/bin/env bash
# Start-up with the shipped systemd unit's JVM flags (read from scripts/systemd/argus.service, so this stays true
# when the unit changes): JVM start to the first /health 200, sensor reading a small generated file, HTTP on a free
# port, a fresh output folder and database each time. The unit's class-data archive is written at the first clean
# stop and used from the second start on, as on a Pi after its first restart; both are reported.
#   scripts/bench-startup.sh [runs]     default 5 runs after the archive exists; prints one JSON line
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
argus_find_jdk
argus_ensure_packages curl
[ -f target/argus-fat.jar ] || mvn -B -q -ntp -DskipTests package
RUNS=${1:-5}
out=$(pwd)/target/bench-startup; rm -rf "$out"; mkdir -p "$out"
jar=${JAR:-$(pwd)/target/argus-fat.jar}
# the unit's flags between @JAVA@ and -jar, with its archive path moved into our folder
read -r -a flags < <(sed -n 's/^ExecStart=@JAVA@ \(.*\) -jar .*/\1/p' scripts/systemd/argus.service \
  | sed "s|-XX:SharedArchiveFile=[^ ]*|-XX:SharedArchiveFile=$out/argus.jsa|")
[ ${#flags[@]} -gt 0 ] || { echo "bench-startup: no ExecStart flags found in scripts/systemd/argus.service" >&2; exit 1; }
java -jar "$jar" generate --out "$out/small.pcap" --sessions 200 > /dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '{"capture":{"file":"%s","interface":""},"aggregation":{"output_dir":"%s/csv"},"http":{"port":%s},"model":{"model_local_path":"%s/models"},"enforcement":{"backend":"none","blacklist_db_path":"%s/b.db","emergency_stop_file":"%s/stop"},"anonymization":{"generate_salt":true}}' \
  "$out/small.pcap" "$out" "$port" "$out" "$out" "$out" > "$out/start.json"
# start: ms from JVM start to the first /health 200, then a clean stop (SIGTERM: the archive is written then)
start() {
  local t0 t1 pid
  rm -rf "$out/csv" "$out/b.db"
  t0=$(date +%s%N)
  java "${flags[@]}" -jar "$jar" -conf "$out/start.json" > "$out/sensor.log" 2>&1 & pid=$!
  # One poller process asking every 5 ms (a curl forked every 5 ms took most of a core from the starting JVM on a
  # 2-core machine and added over a second to what this measured)
  python3 - "$port" "$pid" <<'PY' || { echo "bench-startup: the sensor exited: $(tail -5 "$out/sensor.log")" >&2; exit 1; }
import os, sys, time, urllib.request
port, pid = sys.argv[1], int(sys.argv[2])
while True:
    try:
        if urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).status == 200:
            break
    except Exception:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    time.sleep(0.005)
PY
  t1=$(date +%s%N)
  kill "$pid"; wait "$pid" || true
  echo $(( (t1 - t0) / 1000000 ))
}
first=$(start)
times=()
for _ in $(seq 1 "$RUNS"); do times+=("$(start)"); done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "{\"flags\": \"${flags[*]}\", \"first_start_ms\": $first, \"with_archive_ms\": [$(IFS=,; echo "${times[*]}")], \"with_archive_median_ms\": ${sorted[$(( ${#sorted[@]} / 2 ))]}, \"java\": \"$(java -version 2>&1 | head -1 | tr -d '"')\"}"
