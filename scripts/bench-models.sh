#!/usr/bin/env bash
# The two flow models on the same data: trained on benign shared captures, scored on the windows of attack captures
# and of held-out benign ones (ROC AUC per model, rows/s). Usage: scripts/bench-models.sh (needs ../shared/pcaps)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
argus_find_jdk
[ -f target/argus-fat.jar ] || mvn -B -q -ntp -DskipTests package
P=${ARGUS_SHARED:-../shared}/pcaps
java -Xmx512m -cp target/argus-fat.jar org.argus.bench.ModelCompare --generated "${GENERATED:-20000}" \
  --train "$P/1kxun.pcap" "$P/netflix.pcap" "$P/wechat.pcap" "$P/KakaoTalk_talk.pcap" \
  --attack "$P/synscan.pcapng" "$P/tcp_0_1000_20190821.pcap" "$P/udp_0_1000_20190821.pcap" "$P/hydra-4_tasks.pcap" \
           "$P/pkt.TCP.synflood.spoofed.pcap" "$P/amp.dns.RRSIG.fragmented.pcap" \
  --benign "$P/gnutella.pcap" "$P/ocs.pcap" "$P/http_ip4and6.pcapng" "$P/http-fault-post.pcap"
