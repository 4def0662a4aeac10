#!/bin/sh
# Makes the TLS material for an Argus cluster: one CA, and a certificate + key per sensor, signed by it.
#   scripts/cluster-certs.sh DIR SENSOR_ID [SENSOR_ID ...]
# Writes DIR/ca.pem (give to every sensor as cluster.tls_ca), DIR/ca.key (keep it offline: whoever holds it can mint
# members), DIR/<id>.pem + DIR/<id>.key (cluster.tls_cert / cluster.tls_key of that sensor only), and DIR/secret
# (32 random bytes as hex, the same cluster.secret / ARGUS_CLUSTER_SECRET on every sensor) when there is none yet.
# An existing CA in DIR is reused, so sensors can be added later. EC P-256 keys, PKCS#8 PEM; certificates valid for
# both TLS server and client use (the event bus requires client certificates in both directions).
set -eu
[ $# -ge 2 ] || { echo "usage: $0 DIR SENSOR_ID [SENSOR_ID ...]" >&2; exit 2; }
dir=$1; shift
mkdir -p "$dir"
umask 077
if [ ! -f "$dir/ca.key" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -days 3650 -subj "/CN=Argus cluster CA" 2>/dev/null
fi
[ -f "$dir/secret" ] || openssl rand -hex 32 > "$dir/secret"
for id in "$@"; do
  case "$id" in *[!A-Za-z0-9._-]*|'') echo "bad sensor id: $id" >&2; exit 2;; esac
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/$id.key" -out "$dir/$id.csr" \
    -subj "/CN=$id" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:%s\n' "$id" > "$dir/$id.ext"
  openssl x509 -req -in "$dir/$id.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -out "$dir/$id.pem" \
    -days 825 -extfile "$dir/$id.ext" 2>/dev/null
  rm -f "$dir/$id.csr" "$dir/$id.ext"
  echo "$dir/$id.pem $dir/$id.key"
done
chmod 644 "$dir/ca.pem"
