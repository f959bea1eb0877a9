# syntax=docker/dockerfile:1
#
# One image for every process of the engine; the command chooses which (see docker-compose.yml):
#   node dist/worker/main.js   the Temporal worker (the default)
#   node dist/api/main.js      the HTTP API, the webhook receivers and the codec endpoint
# and `kyc`, the operators' CLI, is on PATH in every container. It holds the production folders only
# (tsconfig.build.json): the simulators are an image of their own (sandbox/Dockerfile).
# Nothing secret is baked in: credentials arrive in the environment when a container starts, and
# .dockerignore keeps a local .env out of the build context altogether.

# A floating Node 20 tag gets Debian's and Node's security fixes on rebuild; pin a digest here for
# byte-for-byte reproducible images.
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: all dependencies (TypeScript is a dev dependency), then the production folders compiled into dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The image's npm (10) runs install scripts as usual; npm 11 follows package.json's `allowScripts`, which
# permits the ones that matter (@swc/core checks its native binding).
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- deps: production dependencies only, installed afresh from the lockfile rather than pruned, so no
# dev-only package can linger. The workflow code is bundled at build time (dist/workflow-bundle.js), so the
# worker starts without webpack and without the memory webpack would leave behind.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# --- runtime
FROM ${NODE_IMAGE} AS runtime
# ca-certificates: the worker's native Temporal client (Rust) trusts the system's roots when it connects to
# Temporal Cloud over TLS. tini: PID 1 that forwards SIGTERM, so `docker stop` lets the worker drain.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
  NODE_OPTIONS=--enable-source-maps \
  KYC_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
WORKDIR /app
# Owned by root and only readable by the `node` user the processes run as: the code cannot be changed by a
# compromised process. The worker loads the prebuilt workflow bundle, so nothing here needs to be writable.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The operators' `kyc` CLI on PATH: `docker compose exec api kyc ...` (its launcher runs dist/cli).
COPY --from=build --chmod=755 /app/bin/kyc.js ./bin/kyc.js
RUN ln -s /app/bin/kyc.js /usr/local/bin/kyc
USER node
# 8080 the API, 9464 the worker's /metrics.
EXPOSE 8080 9464
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/worker/main.js"]
