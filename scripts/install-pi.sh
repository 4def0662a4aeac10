#!/bin/sh
# Installs Argus as a systemd service that runs without full root (see README → Install on a Pi).
#   sudo scripts/install-pi.sh [--jar FILE] [--java PATH] [--root DIR] [--no-start]
#   sudo scripts/install-pi.sh --uninstall [--root DIR] [--purge]
# What it does: a system user argus; /opt/argus/argus-fat.jar; /etc/argus/pi.json (kept if present) and
# /etc/argus/argus.env (a fresh ARGUS_IP_SALT and ARGUS_HTTP_TOKEN, mode 0640 root:argus, kept if present);
# /var/lib/argus owned by argus; the netfilter modules loaded at boot (/etc/modules-load.d/argus.conf, because the
# service may not load modules); the unit /etc/systemd/system/argus.service; then enable --now (unless --no-start or
# --root). --root DIR installs into DIR instead of / (for tests and images): nothing on the host changes.
# --uninstall first runs `argus emergency-stop` (removes every Argus firewall rule and set), then removes the service,
# the jar and the modules file; --purge also removes /etc/argus, /var/lib/argus and the user.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/../target/argus-fat.jar"; java=""; root=""; start=1; uninstall=0; purge=0
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2;; --java) java=$2; shift 2;; --root) root=${2%/}; start=0; shift 2;;
    --no-start) start=0; shift;; --uninstall) uninstall=1; shift;; --purge) purge=1; shift;;
    -h|--help) sed -n '2,12p' "$0"; exit 0;;
    *) echo "install-pi.sh: unknown option $1" >&2; exit 2;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "install-pi.sh: run as root (sudo)" >&2; exit 1; }
R=$root

find_java() {
  for j in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/*/bin/java /usr/bin/java; do
    [ -x "$j" ] || continue
    v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = \([0-9]*\).*/\1/p')
    [ -n "$v" ] && [ "$v" -ge 22 ] && { echo "$j"; return 0; }
  done
  return 1
}

if [ "$uninstall" -eq 1 ]; then
  if [ -z "$R" ] && [ -f /opt/argus/argus-fat.jar ]; then
    j=$(find_java || echo java)
    "$j" -jar /opt/argus/argus-fat.jar emergency-stop --reason "uninstall" -conf /etc/argus/pi.json \
      || echo "install-pi.sh: emergency-stop failed; check 'ipset list' / 'nft list tables' for leftovers" >&2
    systemctl disable --now argus.service 2>/dev/null || true
  fi
  rm -f "$R/etc/systemd/system/argus.service" "$R/etc/modules-load.d/argus.conf"
  rm -rf "$R/opt/argus"
  [ -z "$R" ] && systemctl daemon-reload 2>/dev/null || true
  if [ "$purge" -eq 1 ]; then
    rm -rf "$R/etc/argus" "$R/var/lib/argus"
    if grep -q '^argus:' "$R/etc/passwd" 2>/dev/null; then
      if [ -n "$R" ]; then userdel --prefix "$R" argus; else userdel argus; fi
    fi
  fi
  echo "Argus removed${R:+ from $R}$([ "$purge" -eq 1 ] && echo ' (with its data and user)')."
  exit 0
fi

[ -f "$jar" ] || { echo "install-pi.sh: no jar at $jar (mvn -B package, or --jar FILE)" >&2; exit 1; }
[ -n "$java" ] || java=$(find_java) || { echo "install-pi.sh: no Java 22 or newer found; install one (e.g. Temurin 25 for arm64) or pass --java PATH" >&2; exit 1; }

mkdir -p "$R/opt/argus" "$R/etc/argus" "$R/var/lib/argus" "$R/etc/systemd/system" "$R/etc/modules-load.d"
if ! grep -q '^argus:' "$R/etc/passwd" 2>/dev/null; then
  if [ -n "$R" ]; then
    useradd --prefix "$R" --system --user-group --home-dir /var/lib/argus --no-create-home --shell /usr/sbin/nologin argus
  else
    useradd --system --user-group --home-dir /var/lib/argus --no-create-home --shell /usr/sbin/nologin argus
  fi
fi
uid=$(awk -F: '$1 == "argus" {print $3}' "$R/etc/passwd"); gid=$(awk -F: '$1 == "argus" {print $4}' "$R/etc/passwd")
install -m 0644 "$jar" "$R/opt/argus/argus-fat.jar"
[ -f "$here/../README.md" ] && install -m 0644 "$here/../README.md" "$R/opt/argus/README.md"
[ -f "$R/etc/argus/pi.json" ] || install -m 0644 "$here/../conf/pi.json" "$R/etc/argus/pi.json"
if [ ! -f "$R/etc/argus/argus.env" ]; then
  umask 077
  printf 'ARGUS_IP_SALT=%s\nARGUS_HTTP_TOKEN=%s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$R/etc/argus/argus.env"
  umask 022
fi
chown "0:$gid" "$R/etc/argus/argus.env"; chmod 0640 "$R/etc/argus/argus.env"
chown -R "$uid:$gid" "$R/var/lib/argus"; chmod 0750 "$R/var/lib/argus"
printf 'ip_set\nip_set_hash_net\nxt_set\nnf_tables\n' > "$R/etc/modules-load.d/argus.conf"
sed "s|@JAVA@|$java|" "$here/systemd/argus.service" > "$R/etc/systemd/system/argus.service"
chmod 0644 "$R/etc/systemd/system/argus.service"
if [ "$start" -eq 1 ]; then
  for m in ip_set ip_set_hash_net xt_set nf_tables; do modprobe "$m" 2>/dev/null || true; done
  systemctl daemon-reload
  systemctl enable --now argus.service
  echo "Argus installed and started: journalctl -u argus -f; curl -s http://127.0.0.1:8080/health"
else
  echo "Argus installed${R:+ into $R} (not started): systemctl enable --now argus"
fi
echo "Control token: /etc/argus/argus.env (ARGUS_HTTP_TOKEN). Dry-run for 7 days; emergency stop: curl -X POST -H \"Authorization: Bearer \$ARGUS_HTTP_TOKEN\" http://127.0.0.1:8080/control/emergency-stop"
