#!/usr/bin/env bash
# Live capture, side by side with tcpdump (see BENCHMARKS.md): packets sent by tcpreplay at rising rates over a veth
# pair between two network namespaces this script creates and deletes (the host's interfaces are not touched), and
# what each capturer got and what the kernel dropped. Run as root.
#   scripts/bench-live.sh [seconds-per-rate] [rates...]    defaults: 5 s; 25000 50000 100000 200000 400000 0
#   (0 = tcpreplay --topspeed). Input: a generated capture (realistic size mix), looped.
#   TRAFFIC=syn sends 54-byte SYNs to distinct targets instead (a scan: the most packets per second and a new flow
#   each); SENDERS=N runs N tcpreplay processes in parallel, each at rate/N (one tcpreplay tops out near 400 kpps here).
# Both capturers get the same 10 MiB kernel buffer (Argus's default capture.buffer_size_mb; tcpdump -B 10240) and run
# one at a time. Argus: the whole sensor (capture → windows → CSV → scoring), counters from /metrics, and /health
# asked every 0.1 s while the traffic runs (curl's response time, median and worst); tcpdump: -w
# /dev/null, counters from its exit summary. Writes target/bench-live/results.md. JAR=PATH runs another build of the jar.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
[ "$(id -u)" -eq 0 ] || { echo "bench-live: run as root (it creates network namespaces)" >&2; exit 1; }
argus_find_jdk
argus_ensure_packages tcpreplay tcpdump iproute2 curl
[ -f target/argus-fat.jar ] || mvn -B -q -ntp -DskipTests package
secs=${1:-5}; shift || true
rates=("$@"); [ ${#rates[@]} -gt 0 ] || rates=(25000 50000 100000 200000 400000 0)
jar=${JAR:-$(pwd)/target/argus-fat.jar}
out=$(pwd)/target/bench-live; rm -rf "$out"; mkdir -p "$out"
A=argus-bl-a-$$; B=argus-bl-b-$$; sensor=
cleanup() {
  [ -n "$sensor" ] && kill "$sensor" 2>/dev/null && wait "$sensor" 2>/dev/null || true
  ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$A"; ip netns add "$B"
ip -n "$A" link add va type veth peer name vb netns "$B"
ip -n "$A" addr add 10.99.0.1/24 dev va; ip -n "$B" addr add 10.99.0.2/24 dev vb
for x in "$A va" "$A lo" "$B vb" "$B lo"; do set -- $x; ip -n "$1" link set "$2" up; done

traffic=${TRAFFIC:-mix}; senders=${SENDERS:-1}
if [ "$traffic" = syn ]; then
  java -jar "$jar" generate --out "$out/traffic.pcap" --sweep 300000 --span-seconds 60 --seed 5 --start 2026-11-22T12:00:00Z > "$out/traffic.json"
else
  java -jar "$jar" generate --out "$out/traffic.pcap" --sessions 20000 --span-seconds 60 --seed 5 --start 2026-11-22T12:00:00Z > "$out/traffic.json"
fi

# send RATE RUN (called as a subshell): $senders tcpreplay processes in B for $secs seconds (RATE 0 = as fast as they go); prints "sent pps"
send() {
  local rate=$1 opts i
  if [ "$rate" -eq 0 ]; then opts=(--topspeed --duration="$secs"); else opts=(--pps=$((rate / senders)) --limit=$((rate / senders * secs))); fi
  for i in $(seq "$senders"); do
    ip netns exec "$B" tcpreplay -q -i vb --loop=0 "${opts[@]}" "$out/traffic.pcap" > "$out/tcpreplay-$rate-$2-$i.txt" 2>&1 &
  done
  wait # send runs in a subshell (read < <(send ...)): this waits for its tcpreplays only
  cat "$out"/tcpreplay-"$rate"-"$2"-*.txt | awk '/Actual:/ {p += $2} /Rated:/ {for (i = 1; i <= NF; i++) if ($(i) == "pps") {r = $(i-1); gsub(",", "", r); t += r}} END {printf "%d %d\n", p, t}'
}

probe() { # probe FILE: /health response times (s, curl's own), one a line, every 0.1 s until killed
  while :; do
    ip netns exec "$A" curl -s -o /dev/null -m 5 -w '%{time_total}\n' http://127.0.0.1:18099/health >> "$1" || echo 5 >> "$1"
    sleep 0.1
  done
}

metric() { # metric NAME: sum of the sensor's samples of that metric family line prefix
  ip netns exec "$A" curl -s http://127.0.0.1:18099/metrics | awk -v m="$1" 'index($0, m) == 1 {s += $NF} END {printf "%d\n", s}'
}

# Argus: one sensor for all rates (counters read before and after each).
cat > "$out/live.json" <<JSON
{"capture": {"interface": "va", "stats_interval_seconds": 1},
 "aggregation": {"output_dir": "$out/csv"},
 "http": {"port": 18099},
 "model": {"model_local_path": "$out/models"},
 "health": {"stats_file": "$out/stats.json"},
 "enforcement": {"blacklist_db_path": "$out/blacklist.db", "emergency_stop_file": "$out/aegis.emergency"}}
JSON
ARGUS_IP_SALT=bench-live ip netns exec "$A" java -Xmx256m -jar "$jar" -conf "$out/live.json" > "$out/sensor.log" 2>&1 & sensor=$!
for _ in $(seq 60); do
  [ "$(ip netns exec "$A" curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18099/health || true)" = 200 ] && break; sleep 0.5
done
echo "| rate asked (pps) | sent | sent pps | Argus captured | Argus kernel drops | Argus queue drops | Argus /health ms median / max | tcpdump captured | tcpdump kernel drops |" > "$out/table.md"
echo "|---|---|---|---|---|---|---|---|---|" >> "$out/table.md"
declare -A arg_sent arg_pps arg_got arg_kdrop arg_qdrop arg_health
for r in "${rates[@]}"; do
  p0=$(metric 'argus_packets_total'); k0=$(metric 'argus_dropped_packets_total{where="kernel"'); q0=$(metric 'argus_dropped_packets_total{where="queue"')
  probe "$out/health-$r.txt" & prober=$!
  read -r s pps < <(send "$r" argus)
  kill "$prober" 2>/dev/null; wait "$prober" 2>/dev/null || true
  arg_health[$r]=$(sort -n "$out/health-$r.txt" | awk '{v[NR] = $1} END {printf "%.0f / %.0f", v[int((NR + 1) / 2)] * 1000, v[NR] * 1000}')
  sleep 2.5 # one stats interval and the queue drained
  arg_sent[$r]=$s; arg_pps[$r]=$pps
  arg_got[$r]=$(( $(metric 'argus_packets_total') - p0 ))
  arg_kdrop[$r]=$(( $(metric 'argus_dropped_packets_total{where="kernel"') - k0 ))
  arg_qdrop[$r]=$(( $(metric 'argus_dropped_packets_total{where="queue"') - q0 ))
  echo "argus  rate=$r sent=$s (${pps} pps) captured=${arg_got[$r]} kernel_drops=${arg_kdrop[$r]} queue_drops=${arg_qdrop[$r]} health_ms=${arg_health[$r]}"
done
kill "$sensor"; wait "$sensor" || true; sensor=

for r in "${rates[@]}"; do
  ip netns exec "$A" tcpdump -i va -n -B 10240 -w /dev/null > "$out/tcpdump-$r.txt" 2>&1 & td=$!
  sleep 1
  read -r s pps < <(send "$r" tcpdump)
  sleep 1; kill -INT "$td"; wait "$td" || true
  got=$(awk '/packets captured/ {print $1}' "$out/tcpdump-$r.txt"); kd=$(awk '/dropped by kernel/ {print $1}' "$out/tcpdump-$r.txt")
  echo "tcpdump rate=$r sent=$s (${pps} pps) captured=$got kernel_drops=$kd"
  label=$r; [ "$r" -eq 0 ] && label="top speed"
  echo "| $label | ${arg_sent[$r]} / $s | ${arg_pps[$r]} / $pps | ${arg_got[$r]} | ${arg_kdrop[$r]} | ${arg_qdrop[$r]} | ${arg_health[$r]} | $got | $kd |" >> "$out/table.md"
done
{ echo "Live capture on a veth pair, ${secs} s per rate, traffic $traffic, $senders sender(s) (sent: Argus run / tcpdump run)"; echo; cat "$out/table.md"; } > "$out/results.md"
cat "$out/results.md"
