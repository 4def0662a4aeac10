#!/usr/bin/env bash
# Enforcement cost (as root, inside network namespaces this script creates and deletes; the host's firewall is never
# touched):
#   1. EnforcementBench: N bans (default 100000) written to SQLite, read back, loaded into an empty kernel set in one
#      batch per backend (ipset, nftables, xdp), one more ban into the full set, the emergency removal of everything,
#      and under an hping3 SYN flood from a banned source (FLOOD_SECONDS, default 5): packets sent, packets that still
#      reached the sensor's IP layer, and the CPU the machine spent in softirq and system mode, per backend.
#   2. Reaction: the real jar in a sensor namespace (dry-run 0, enforcing), nmap SYN scan from an attacker namespace;
#      time from the scan's start to the attacker's address being in the kernel set, over R runs (default 3).
# Usage: scripts/bench-enforcement.sh [bans] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
argus_find_jdk
[ "$(id -u)" -eq 0 ] || { echo "bench-enforcement: needs root (network namespaces, iptables)" >&2; exit 1; }
argus_ensure_packages iproute2 ipset iptables nftables nmap curl hping3 bpftool
[ -f target/argus-fat.jar ] || mvn -B -q -ntp -DskipTests package
BANS=${1:-100000}
RUNS=${2:-3}

echo "== kernel set load: $BANS bans" >&2
java -Xmx256m --enable-native-access=ALL-UNNAMED -cp target/argus-fat.jar org.argus.bench.EnforcementBench "$BANS" "${FLOOD_SECONDS:-5}"

echo "== reaction: nmap start -> ban in the kernel set, $RUNS runs" >&2
S=argus-bs-$$ A=argus-ba-$$
WORK=$(mktemp -d)
cleanup() {
  [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null || true
  ip netns del "$S" 2>/dev/null || true
  ip netns del "$A" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
times=()
for run in $(seq 1 "$RUNS"); do
  ip netns add "$S"; ip netns add "$A"
  ip -n "$S" link add va type veth peer name vb netns "$A"
  ip -n "$S" addr add 10.80.0.1/24 dev va; ip -n "$A" addr add 10.80.0.2/24 dev vb
  for x in "$S va" "$S lo" "$A vb" "$A lo"; do set -- $x; ip -n "$1" link set "$2" up; done
  rm -rf "$WORK"/*
  cat > "$WORK/bench.json" <<JSON
{"capture": {"interface": "va"},
 "aggregation": {"output_dir": "$WORK/csv", "close_grace_ms": 200},
 "http": {"port": 18190},
 "model": {"model_local_path": "$WORK/models"},
 "enforcement": {"blacklist_db_path": "$WORK/b.db", "emergency_stop_file": "$WORK/stop",
                 "dry_run_duration_days": 0, "enforce_after_dry_run": true}}
JSON
  ARGUS_IP_SALT=bench ip netns exec "$S" java -Xmx256m -jar target/argus-fat.jar \
    -conf "$WORK/bench.json" > "$WORK/sensor.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 300); do
    ip netns exec "$S" curl -sf -o /dev/null http://127.0.0.1:18190/health && break
    sleep 0.1
  done
  start=$(date +%s%N)
  ip netns exec "$A" nmap -sS -n -Pn -T4 -p 1-1000 10.80.0.1 > /dev/null &
  NMAP=$!
  until ip netns exec "$S" ipset test AEGIS-DROP-v4 10.80.0.2 2>/dev/null; do
    sleep 0.02
    [ $(( ($(date +%s%N) - start) / 1000000000 )) -lt 60 ] || { echo "no ban within 60 s" >&2; tail -20 "$WORK/sensor.log" >&2; exit 1; }
  done
  end=$(date +%s%N)
  wait "$NMAP" || true
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "run $run: ${ms} ms" >&2
  kill "$PID"; wait "$PID" || true; PID=
  ip netns del "$S"; ip netns del "$A"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "{\"reaction_runs_ms\": [$(IFS=,; echo "${times[*]}")], \"reaction_median_ms\": ${sorted[$(( ${#sorted[@]} / 2 ))]}, \"window_seconds\": 5}"
