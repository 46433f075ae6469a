# syntax=docker/dockerfile:1
# Vigil image: the same steps as scripts/setup.sh (no Docker engine runs where Vigil is built,
# so this file is kept to those steps; see README).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
COPY scripts ./scripts
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY rules ./rules
COPY examples ./examples
USER node
ENTRYPOINT ["node", "bin/vigil.js"]
CMD ["--help"]
