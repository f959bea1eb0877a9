#!/usr/bin/env bash
# One-shot job (compose service `temporal-register`, image temporalio/admin-tools; and `npm run cluster`, with
# the same environment plus TEMPORAL_CLI, the CLI it resolved): creates the namespace if it does not exist
# and registers the case workflow's search attributes on it. Safe to run again: an existing namespace is left
# as it is, and the server skips search attributes already registered with the same type (the CLI refuses
# one registered with another type, which needs an operator's decision).
set -euo pipefail

: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}" "${SEARCH_ATTRIBUTES:?}"
RETENTION="${NAMESPACE_RETENTION:-720h}"

# Retries a step while the server warms up: a new namespace takes a few seconds to reach every cache.
retry() {
  local attempt
  for attempt in $(seq 1 30); do
    "$@" && return 0
    echo "not yet (attempt $attempt of 30): $*" >&2
    sleep 2
  done
  return 1
}

temporal_() {
  "${TEMPORAL_CLI:-temporal}" --address "$TEMPORAL_ADDRESS" "$@"
}

retry temporal_ operator cluster health >/dev/null

ensure_namespace() {
  if temporal_ operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
    echo "namespace $TEMPORAL_NAMESPACE exists"
  else
    echo "creating namespace $TEMPORAL_NAMESPACE (retention $RETENTION)"
    temporal_ operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "$RETENTION"
  fi
}
retry ensure_namespace

# SEARCH_ATTRIBUTES is "Name=Type Name=Type ..."
args=()
for pair in $SEARCH_ATTRIBUTES; do
  args+=(--name "${pair%%=*}" --type "${pair#*=}")
done
retry temporal_ operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" "${args[@]}"

# Done only once the server lists them all: a worker started earlier could fail its first upserts.
listed() {
  local names pair
  names="$(temporal_ operator search-attribute list --namespace "$TEMPORAL_NAMESPACE")"
  for pair in $SEARCH_ATTRIBUTES; do
    grep -qw "${pair%%=*}" <<<"$names" || return 1
  done
}
retry listed
echo "namespace $TEMPORAL_NAMESPACE has the search attributes: $SEARCH_ATTRIBUTES"
