#!/usr/bin/env bash
# The usual alternative's start-up cost, measured on the same machine: a Python function importing
# the official OCI SDK and the Python FDK and building the three clients (Vault, Secrets,
# Identity) before doing any work. Needs `pip install oci==2.189.0 fdk` and GNU time.
# Usage: benches/python_baseline.sh [runs]   (results: docs/performance.md)
set -euo pipefail
runs=${1:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl genrsa -out "$work/key.pem" 2048 2>/dev/null
cat > "$work/config" <<CFG
[DEFAULT]
user=ocid1.user.oc1..aaaaaaaabaseline
fingerprint=00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff
tenancy=ocid1.tenancy.oc1..aaaaaaaabaseline
region=us-ashburn-1
key_file=$work/key.pem
CFG
cat > "$work/start.py" <<'PY'
import sys
import oci, fdk  # noqa: F401  (what a Python rotation function imports)
cfg = oci.config.from_file(sys.argv[1], "DEFAULT")
for client in (oci.vault.VaultsClient, oci.secrets.SecretsClient, oci.identity.IdentityClient):
    client(cfg)
PY
for _ in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" python3 "$work/start.py" "$work/config" 2>&1 >/dev/null | tail -1
done > "$work/times"
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
t=$(cut -d' ' -f1 "$work/times" | median)
m=$(cut -d' ' -f2 "$work/times" | median)
echo "python3 import oci, fdk + 3 clients, $runs runs: median $(awk "BEGIN{printf \"%.0f\", $t*1000}") ms wall, peak RSS median $(awk "BEGIN{printf \"%.1f\", $m/1024}") MiB"
