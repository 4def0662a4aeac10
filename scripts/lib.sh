#!/usr/bin/env bash
# Shared helpers for Argus scripts: find a JDK >= 22 and make sure the system packages are there.
set -euo pipefail

# Sets JAVA_HOME to a JDK >= 22 (JAVA_HOME if it already is one, else the newest under /usr/lib/jvm).
argus_find_jdk() {
  local cand v
  for cand in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
    [ -n "$cand" ] && [ -x "$cand/bin/javac" ] || continue
    v=$("$cand/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
    if [ "${v%%.*}" -ge 22 ] 2>/dev/null; then
      export JAVA_HOME="$cand"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "argus: no JDK 22 or newer found (live capture uses the FFM API, final in 22). Install one (e.g. Temurin 25, or openjdk-25-jdk where your distribution has it) and set JAVA_HOME." >&2
  return 1
}

# Installs the Debian packages Argus needs when they are missing (as root), or says what to install.
argus_ensure_packages() {
  local need=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "argus: installing ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "argus: missing packages: ${need[*]} (sudo apt-get install ${need[*]})" >&2
    return 1
  fi
}

ARGUS_RUNTIME_PACKAGES=(libpcap0.8 curl ipset iptables)
# What building the jar needs besides a JDK and Maven: clang and libbpf's headers for the XDP program.
ARGUS_BUILD_PACKAGES=(maven clang libbpf-dev)
ARGUS_TEST_PACKAGES=(libpcap0.8 curl maven clang libbpf-dev bpftool iproute2 hping3 tcpdump ipset iptables nftables nmap masscan hydra medusa dropbear-bin arping dsniff dnsmasq-base yersinia openssl util-linux chromium python3 libwireshark-data busybox influxdb crowdsec-firewall-bouncer tshark)
