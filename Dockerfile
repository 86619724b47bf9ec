# The sagaflow worker image: `docker compose` runs it once per worker role.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY api ./api
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY processes ./processes
# The workflows are bundled here, where the checkout is writable, not by each worker at start; with
# the tracing interceptors, so setting OTEL_EXPORTER_OTLP_ENDPOINT on a container is all tracing takes.
RUN npm run build && node dist/workers/bundleWorkflows.js dist/workflow-bundle.js --tracing && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
ENV SAGAFLOW_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# SQL migrations are read from the source tree at run time (the package ships them at the same path).
COPY --from=build /app/src/db/migrations ./src/db/migrations
USER node
CMD ["node", "dist/workers/sagaWorker.js"]
