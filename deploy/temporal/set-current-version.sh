#!/usr/bin/env bash
# One-shot deploy step (docs/rolling-deploys.md): makes a Worker Deployment Version current, so that the
# server hands the case workflows' tasks to the workers of that build and to no other. Run by an operator (or
# a pipeline) once the new workers are up; `npm run cluster` and its rolling-deploy test run it too, with the
# same environment plus TEMPORAL_CLI, so compose runs what was tested here.
#
# Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, KYC_WORKER_DEPLOYMENT_NAME, KYC_WORKER_BUILD_ID (the
# workers' own settings); optional TEMPORAL_CLI (default `temporal` on PATH, as in temporalio/admin-tools),
# WAIT_SECONDS (default 180): how long the new version's workers may take to poll.
#
# Safe to run again: a version that is already current is left as it is.
set -euo pipefail

: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}" "${KYC_WORKER_DEPLOYMENT_NAME:?}" "${KYC_WORKER_BUILD_ID:?}"
WAIT_SECONDS="${WAIT_SECONDS:-180}"
NAME="$KYC_WORKER_DEPLOYMENT_NAME"
BUILD="$KYC_WORKER_BUILD_ID"

temporal_() {
  "${TEMPORAL_CLI:-temporal}" --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" "$@"
}

current_build_id() {
  temporal_ worker deployment describe --name "$NAME" -o json 2>/dev/null |
    sed -n 's/.*"currentVersionBuildID": *"\([^"]*\)".*/\1/p' | head -n 1
}

if [ "$(current_build_id)" = "$BUILD" ]; then
  echo "$NAME/$BUILD is already the current version"
  exit 0
fi

# The server knows a version only once one of its workers has polled; until then, and until its workers
# poll every task queue the current version's did, it refuses the switch (NotFound, FailedPrecondition).
# Both clear on their own as the new workers start, so they are waited out, not overridden: forcing them
# (--allow-no-pollers, --ignore-missing-task-queues) would route cases to workers that do not exist.
deadline=$((SECONDS + WAIT_SECONDS))
until output="$(temporal_ worker deployment set-current-version \
  --deployment-name "$NAME" --build-id "$BUILD" --yes 2>&1)"; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "$NAME/$BUILD did not become current within ${WAIT_SECONDS}s: $output" >&2
    exit 1
  fi
  echo "not yet: $output" >&2
  sleep 1
done

# The switch returns once the server has told every task queue partition; this reads it back.
if [ "$(current_build_id)" != "$BUILD" ]; then
  echo "set-current-version answered, but $NAME's current version is '$(current_build_id)'" >&2
  exit 1
fi
echo "$NAME/$BUILD is now the current version"
