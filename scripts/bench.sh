#!/usr/bin/env bash
# Benchmarks side by side with the tools people would use instead, on the same files in the same run (see BENCHMARKS.md).
#   scripts/bench.sh [sessions] [sweep-probes]     defaults: 200000 sessions (~3.7 M packets), 1200000 probes
# Writes target/bench/results.md (tables with ratios: the generated mix, and the 1 M-packet SYN flood made from
# ../shared/pcaps) and prints it. Needs: argus-server (OpenArgus), tshark (with editcap, mergecap, capinfos), tcpdump,
# /usr/bin/time (package time), curl. Each row is one run: the machines are noisy, so compare ratios within a run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
argus_find_jdk
argus_ensure_packages argus-server tshark tcpdump time curl
[ -f target/argus-fat.jar ] || mvn -B -q -ntp -DskipTests package
sessions=${1:-200000}; probes=${2:-1200000}
out=target/bench; rm -rf "$out"; mkdir -p "$out"
jar=$(pwd)/target/argus-fat.jar
java -jar "$jar" generate --out "$out/big.pcap" --sessions "$sessions" --span-seconds 600 --seed 7 --start 2026-11-22T12:00:00Z > "$out/big.json"
java -jar "$jar" generate --out "$out/sweep.pcap" --sweep "$probes" --span-seconds 120 --seed 3 --start 2026-11-22T12:00:00Z > "$out/sweep.json"
packets=$(sed 's/.*"packets":\([0-9]*\).*/\1/' "$out/big.json")
sweep_packets=$(sed 's/.*"packets":\([0-9]*\).*/\1/' "$out/sweep.json")

# run NAME CMD...: wall seconds and peak RSS (MiB) from GNU time; the file is read once before, so every tool gets a warm page cache.
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" > "$out/$name.out" 2> "$out/$name.err" || { echo "$name failed: $(tail -3 "$out/$name.err")" >&2; return 1; }
  read -r wall rss < <(tail -1 "$out/$name.time")
  echo "$name $wall $((rss / 1024))" >> "$out/raw.txt"
}
cat "$out/big.pcap" > /dev/null
run argus-replay java -Xmx256m -jar "$jar" replay "$out/big.pcap" --out "$out/replay"
run argus-replay-96m-serial java -Xmx96m -XX:+UseSerialGC -jar "$jar" replay "$out/big.pcap" --out "$out/replay-small"
run argus-replay-libpcap java -Xmx256m -Dargus.capture.libpcap=true -jar "$jar" replay "$out/big.pcap" --out "$out/replay-libpcap"
run openargus argus -r "$out/big.pcap" -w "$out/openargus.out"
run tshark-conv tshark -r "$out/big.pcap" -q -z conv,tcp
run tcpdump tcpdump -r "$out/big.pcap" -w /dev/null
run argus-sweep-256m java -Xmx256m -jar "$jar" replay "$out/sweep.pcap" --out "$out/sweep-replay"

# A flow-heavy flood (issue 16): the shared spoofed SYN flood 27 times, copy i shifted i × 30 s (editcap -t), then
# concatenated (mergecap -a): ~1 M packets, ~1 M distinct flows. Argus (default flags) and OpenArgus on that file.
flood_src=../shared/pcaps/pkt.TCP.synflood.spoofed.pcap
flood_packets=0
if [ -f "$flood_src" ]; then
  for i in $(seq 0 26); do editcap -t $((i * 30)) "$flood_src" "$out/flood-$i.pcap"; done
  mergecap -a -F pcap -w "$out/flood.pcap" $(for i in $(seq 0 26); do echo "$out/flood-$i.pcap"; done)
  rm -f "$out"/flood-[0-9]*.pcap
  flood_packets=$(capinfos -c -M "$out/flood.pcap" | awk '/Number of packets/ {print $NF}')
  cat "$out/flood.pcap" > /dev/null
  run argus-flood java -Xmx256m -jar "$jar" replay "$out/flood.pcap" --out "$out/flood-replay"
  run openargus-flood argus -r "$out/flood.pcap" -w "$out/openargus-flood.out"
else
  echo "bench: $flood_src not found (../shared beside the checkout): no flood rows" >&2
fi

# JDK 25+: the same replays with an AOT cache (JEP 483/514/515: classes loaded and linked, method profiles kept)
# made by one training run on a small file; what a user gets after one run with -XX:AOTCacheOutput.
java -jar "$jar" generate --out "$out/small.pcap" --sessions 200 > /dev/null
aot_rows=""
if [ "$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}' | cut -d. -f1)" -ge 25 ]; then
  java -Xmx256m -XX:AOTCacheOutput="$out/argus.aot" -jar "$jar" replay "$out/small.pcap" --out "$out/aot-training" > /dev/null 2>&1
  run argus-replay-aot java -Xmx256m -XX:AOTCache="$out/argus.aot" -jar "$jar" replay "$out/big.pcap" --out "$out/replay-aot"
  run argus-replay-96m-serial-aot java -Xmx96m -XX:+UseSerialGC -XX:AOTCache="$out/argus.aot" -jar "$jar" replay "$out/big.pcap" --out "$out/replay-small-aot"
  run argus-replay-48m-lean-aot java -Xmx48m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:AOTCache="$out/argus.aot" -jar "$jar" replay "$out/big.pcap" --out "$out/replay-lean-aot"
  aot_rows=" argus-replay-aot argus-replay-96m-serial-aot argus-replay-48m-lean-aot"
fi

# Start-up: JVM start to the first /health 200 (sensor on a small file, HTTP on a free port).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '{"capture":{"file":"%s","interface":""},"aggregation":{"output_dir":"%s/start-csv"},"http":{"port":%s},"model":{"model_local_path":"%s/models"},"enforcement":{"backend":"none","blacklist_db_path":"%s/start.db","emergency_stop_file":"%s/stop"},"anonymization":{"generate_salt":true}}' \
  "$out/small.pcap" "$out" "$port" "$out" "$out" "$out" > "$out/start.json"
# startup NAME JAVA-OPTIONS...: ms from JVM start to the first /health 200 (a fresh output folder and database each time)
startup() {
  local name=$1 t0 t1 pid; shift
  rm -rf "$out/start-csv" "$out/start.db"
  t0=$(date +%s%N)
  java -Xmx256m "$@" -jar "$jar" -conf "$out/start.json" > "$out/start-$name.log" 2>&1 & pid=$!
  until curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" 2>/dev/null | grep -q 200; do sleep 0.01; done
  t1=$(date +%s%N)
  kill "$pid"; wait "$pid" || true
  echo $(( (t1 - t0) / 1000000 ))
}
startup_ms=$(startup plain)
# As the systemd unit runs it: a dynamic class-data archive written at the first stop, used from the second start on.
startup first-cds -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$out/argus.jsa" > /dev/null
startup_cds_ms=$(startup cds -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$out/argus.jsa")

awk -v packets="$packets" -v flood="$flood_packets" -v sweep="$sweep_packets" -v startup="$startup_ms" -v startup_cds="$startup_cds_ms" -v out="$out" -v aot="$aot_rows" '
  { wall[$1] = $2; rss[$1] = $3 }
  END {
    peer = packets / wall["openargus"]
    printf "| tool (same %d-packet file) | wall s | packets/s | vs OpenArgus | peak RSS MiB |\n|---|---|---|---|---|\n", packets
    n = split("argus-replay argus-replay-96m-serial argus-replay-libpcap" aot " openargus tshark-conv tcpdump", t, " ")
    for (i = 1; i <= n; i++) {
      k = t[i]; pps = packets / wall[k]
      printf "| %s | %.2f | %.0f | %.2fx | %d |\n", k, wall[k], pps, pps / peer, rss[k]
    }
    if (flood > 0) {
      fpeer = flood / wall["openargus-flood"]
      printf "\n| tool (same %d-packet SYN flood) | wall s | packets/s | vs OpenArgus | peak RSS MiB |\n|---|---|---|---|---|\n", flood
      n = split("argus-flood openargus-flood", t, " ")
      for (i = 1; i <= n; i++) {
        k = t[i]; pps = flood / wall[k]
        printf "| %s | %.2f | %.0f | %.2fx | %d |\n", k, wall[k], pps, pps / fpeer, rss[k]
      }
    }
    printf "\nMemory: replay of %d distinct flows (network sweep) with -Xmx256m: %.2f s, peak RSS %d MiB (see %s/argus-sweep-256m.out)\n", sweep, wall["argus-sweep-256m"], rss["argus-sweep-256m"], out
    printf "Start-up: JVM start to first /health 200: %d ms; with the class-data archive (second start): %d ms\n", startup, startup_cds
  }' "$out/raw.txt" | tee "$out/results.md"
echo "argus replay summary: $(cat "$out/argus-replay.out")"
echo "sweep replay summary: $(cat "$out/argus-sweep-256m.out")"
[ ! -f "$out/argus-flood.out" ] || echo "flood replay summary: $(cat "$out/argus-flood.out")"
