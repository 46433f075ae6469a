# syntax=docker/dockerfile:1
# Vigil daemon image. Multi-stage: build with dev dependencies, run with production ones only,
# as a non-root user, with Debian's Chromium for synthetic journeys. The steps are those of
# scripts/setup.sh; no Docker engine runs where Vigil is developed, so CI does not build it.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
COPY scripts ./scripts
COPY examples ./examples
COPY probes ./probes
# npm run build also copies the incident message templates next to the compiled code.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends chromium ca-certificates curl \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    VIGIL_HOST=0.0.0.0 \
    VIGIL_PORT=8080 \
    VIGIL_RULES_DIR=/app/rules \
    VIGIL_ARTIFACTS_DIR=/var/lib/vigil/artifacts \
    VIGIL_PROBES_DIR=/app/dist/probes \
    VIGIL_CHROMIUM_PATH=/usr/bin/chromium
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY rules ./rules
COPY probes ./probes
COPY dashboards ./dashboards
RUN mkdir -p /var/lib/vigil/artifacts && chown -R node:node /var/lib/vigil
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${VIGIL_PORT}/healthz" || exit 1
ENTRYPOINT ["node", "bin/vigil.js"]
CMD ["serve"]
