# gridbot as a container: the production build on Node.js 24 LTS (docs/deploy.md).
#   docker build -t gridbot .
#   docker run -d --name gridbot --env-file .env -p 3000:3000 -v gridbot-data:/app/data gridbot
# Redis is not inside: set REDIS_URL to one the container reaches (compose.yaml starts one).

FROM node:24-bookworm-slim AS build
WORKDIR /app
# Compilers for native modules (better-sqlite3) in case no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY migrations ./migrations
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# data/: the SQLite file (default DATABASE_URL), the Wechaty login session. Keep it on a volume.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Plain node as PID 1 receives SIGTERM from `docker stop` and shuts down cleanly.
CMD ["node", "dist/src/main.js"]
