# syntax=docker/dockerfile:1
# The same Node.js major in both stages: native modules built in the first run in the second.
ARG NODE_VERSION=22

# Build: the full Debian image has python3, make and g++, so `npm ci` can build better-sqlite3 (the
# embedded store) where no prebuilt binary fits; install scripts run. Then TypeScript is compiled
# and the development dependencies are pruned.
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev && npm cache clean --force

# Runtime: the compiled CLI and production dependencies, as the non-root user node (uid 1000),
# state in the /data volume. curl and sh are what the ops repo template's scripts use.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends curl ca-certificates \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 ZEROOPS_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json app.yml ./
COPY schemas ./schemas
RUN mkdir /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", \
  "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/main/cli.js"]
CMD ["start"]
