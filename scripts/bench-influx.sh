#!/usr/bin/env bash
# InfluxDB export under the worst case: the sensor (the unit's heap and GC: -Xmx384m -XX:+UseSerialGC; XMX= to change)
# replays the issue-16 flood
# (pkt.TCP.synflood.spoofed.pcap 27 times, shifted 30 s apart: ~1 M packets, ~1 M flows) with export.influx on,
# to a local InfluxDB 1.x (Debian influxdb) on a free loopback port. Prints one JSON line: points and batches the
# server took, gzip bytes on the wire, wall time, the sensor's CPU seconds (user+sys), peak RSS, and the point count
# InfluxDB reports back. Run on an otherwise idle machine.
#   scripts/bench-influx.sh [aggregation_interval]    default 1m
#   EXPORT=false scripts/bench-influx.sh               the same run without the export (the baseline)
#   XMX=256m scripts/bench-influx.sh                   another heap
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
argus_find_jdk
argus_ensure_packages influxdb tshark curl
[ -f target/argus-fat.jar ] || mvn -B -q -ntp -DskipTests package
AGG=${1:-1m}
out=$(pwd)/target/bench-influx; rm -rf "$out"; mkdir -p "$out"
src=../shared/pcaps/pkt.TCP.synflood.spoofed.pcap
for i in $(seq 0 26); do editcap -t $((i * 30)) "$src" "$out/f-$i.pcap"; done
mergecap -a -F pcap -w "$out/flood.pcap" $(for i in $(seq 0 26); do echo "$out/f-$i.pcap"; done); rm -f "$out"/f-*.pcap
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ip=$(free_port); rpc=$(free_port); ifql=$(free_port); http=$(free_port)
influxd config 2>/dev/null | sed -e "s|/var/lib/influxdb|$out/influxdb|" -e "s|\"127.0.0.1:8088\"|\"127.0.0.1:$rpc\"|" \
  -e "s|bind-address = \":8086\"|bind-address = \"127.0.0.1:$ip\"|" -e "s|bind-address = \":8082\"|bind-address = \"127.0.0.1:$ifql\"|" \
  -e 's|reporting-disabled = false|reporting-disabled = true|' > "$out/influxdb.conf"
influxd -config "$out/influxdb.conf" > "$out/influxd.log" 2>&1 & influx_pid=$!
trap 'kill $influx_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$ip/ping" && break; sleep 0.1; done
curl -sf -XPOST "http://127.0.0.1:$ip/query" --data-urlencode 'q=CREATE DATABASE argus' > /dev/null
printf '{"capture":{"file":"%s","interface":""},"aggregation":{"output_dir":"%s/csv"},"http":{"port":%s},"model":{"model_local_path":"%s/models"},"enforcement":{"backend":"none","blacklist_db_path":"%s/b.db","emergency_stop_file":"%s/stop"},"devices":{"enabled":false},"export":{"influx":{"enabled":%s,"url":"http://127.0.0.1:%s","aggregation_interval":"%s"}}}' \
  "$out/flood.pcap" "$out" "$http" "$out" "$out" "$out" "${EXPORT:-true}" "$ip" "$AGG" > "$out/sensor.json"
t0=$(date +%s%N)
ARGUS_IP_SALT=bench /usr/bin/time -f "%U %S %M" -o "$out/time.txt" java -Xmx${XMX:-384m} -XX:+UseSerialGC -jar target/argus-fat.jar -conf "$out/sensor.json" > "$out/sensor.log" 2>&1 & pid=$!
until grep -q 'event=capture_file_done' "$out/sensor.log" 2>/dev/null; do sleep 0.2; kill -0 $pid 2>/dev/null || { tail -5 "$out/sensor.log"; exit 1; }; done
# let the windows drain through CSV, scoring and the export (rows written and points sent steady for 2 s), then stop
# cleanly (the export flushes the rest)
prev=-1
for _ in $(seq 1 600); do
  cur=$(curl -sf "http://127.0.0.1:$http/status" 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["files"]["rows"] + d["export"]["influx"]["points_sent"])' 2>/dev/null || echo -1)
  [ "$cur" -gt 0 ] && [ "$cur" = "$prev" ] && break
  prev=$cur; sleep 2
done
status=$(curl -sf "http://127.0.0.1:$http/status")
pkill -TERM -P $pid java 2>/dev/null || kill -TERM $pid; wait $pid || true
t1=$(date +%s%N)
read -r user sys rss < "$out/time.txt"
points=$(curl -sf -G "http://127.0.0.1:$ip/query" --data-urlencode db=argus --data-urlencode 'q=SELECT count(packets) FROM argus_window; SELECT count(flows) FROM argus_flows' \
  | python3 -c 'import json,sys; r=json.load(sys.stdin)["results"]; print(sum(s["series"][0]["values"][0][1] for s in r if s.get("series")))')
python3 - "$status" "$(( (t1 - t0) / 1000000 ))" "$user" "$sys" "$rss" "$points" "$AGG" "$(grep -c . "$out/sensor.log")" <<'PY'
import json, sys
s = json.loads(sys.argv[1]); ex = s["export"]["influx"]
wall_ms, user, sys_, rss_kb, stored = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
print(json.dumps({"export": ex["enabled"], "aggregation_interval": sys.argv[7], "packets": s.get("packets"), "points_sent_before_stop": ex["points_sent"],
  "batches_sent_before_stop": ex["batches_sent"], "gzip_bytes_before_stop": ex["bytes_sent"], "points_dropped": ex["points_dropped"],
  "window_and_flow_points_in_influxdb": stored, "wall_ms": wall_ms, "sensor_cpu_s": round(user + sys_, 2), "peak_rss_mib": rss_kb // 1024}))
PY
