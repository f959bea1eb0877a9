#!/bin/sh
# Starts the Temporal server (all four services in one process) with this directory's server.yaml.tmpl and
# dynamicconfig.yaml. The one way the server is started: compose's `temporal` service runs it as its
# entrypoint (this directory mounted at /deploy), and `npm run cluster` runs it with the binary it built.
#
# Environment: POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, POSTGRES_PWD (as setup-schema.sh), NUM_HISTORY_SHARDS
# (see server.yaml.tmpl: 512 in production, 4 locally), optional BIND_ON_IP, *_GRPC_PORT/*_MEMBERSHIP_PORT,
# LOG_LEVEL, PROMETHEUS_ENDPOINT; TEMPORAL_SERVER names the binary (default: temporal-server on PATH, as in
# the temporalio/server image), TEMPORAL_CONFIG_DIR a writable directory for the config (default under /tmp).
set -eu
DIR="$(cd "$(dirname "$0")" && pwd)"

# In a container, the container's own address (as the temporalio/server image's entrypoint does): 0.0.0.0
# would also need TEMPORAL_BROADCAST_ADDRESS for the membership ring.
if [ -z "${BIND_ON_IP:-}" ]; then
  BIND_ON_IP="$(hostname -i 2>/dev/null | awk '{print $1}')"
  [ -n "$BIND_ON_IP" ] || BIND_ON_IP=127.0.0.1
fi
export BIND_ON_IP
export DYNAMIC_CONFIG_FILE_PATH="${DYNAMIC_CONFIG_FILE_PATH:-$DIR/dynamicconfig.yaml}"

# The server reads `<env>.yaml` from a config dir. The template is checked in as .tmpl (Prettier cannot
# parse Go templates, and would fail `npm run lint`), so it is copied under the name the server wants into a
# writable directory (this one is read-only in compose).
CONFIG_DIR="${TEMPORAL_CONFIG_DIR:-${TMPDIR:-/tmp}/kyc-temporal-config}"
mkdir -p "$CONFIG_DIR"
cp "$DIR/server.yaml.tmpl" "$CONFIG_DIR/server.yaml"

# --allow-no-auth: the frontend is reachable only on loopback (cluster) or the compose network, and the
# engine authenticates its own callers; without the flag the server warns that a future version will refuse.
exec "${TEMPORAL_SERVER:-temporal-server}" --root "$CONFIG_DIR" --config . --env server --allow-no-auth start
