# syntax=docker/dockerfile:1
# gatehouse image. Node 24 runs the TypeScript sources directly (type stripping), so there is no
# compile step: one stage installs the production dependencies, the final one holds only Node, those
# dependencies and app/src. Runs as a numeric non-root user on a read-only root filesystem.
ARG NODE_IMAGE=docker.io/library/node:24-bookworm-slim

FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# Exactly the locked versions, production only; no package may run install scripts (none needs to).
# Behind a TLS-intercepting proxy, pass its CA as a build secret (never stored in a layer):
#   --secret id=build-ca,src=/etc/ssl/certs/ca-certificates.crt
RUN --mount=type=secret,id=build-ca,required=false \
    if [ -s /run/secrets/build-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/build-ca; fi \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error \
 && rm -rf /root/.npm

FROM ${NODE_IMAGE} AS runtime
# Package managers are build tools: the running service never needs them, so they are not shipped.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
      /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* /root/.npm
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY app/src ./app/src
# Numeric, so that Kubernetes' runAsNonRoot can verify it without an /etc/passwd entry; every file
# stays owned by root and read-only to this user.
USER 10001:10001
EXPOSE 4180 9180
# Exec form: node is PID 1 and receives SIGTERM itself, which starts gatehouse's graceful shutdown.
# The heap is sized from the container's memory limit: Node 24 reads the cgroup limit, and on its
# own would let the heap grow to the whole limit (259 MiB of heap in a 256 MiB container), leaving
# nothing for the rest of the process; half of it keeps the peak well clear (docs/memory.md).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--max-old-space-size-percentage=50", "app/src/main.ts"]
