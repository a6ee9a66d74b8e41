# One image for the three apps; compose picks the entry point per service.
# Node.js 24 LTS. The runtime stage has production dependencies only: no
# embedded PostgreSQL, no embedded broker, no dev tooling. NODE_IMAGE: the
# official image by default; CI builds a stand-in of it where no registry can
# be reached (.ci/compose-images.sh).
ARG NODE_IMAGE=node:24-bookworm-slim
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
# the memory flags: scripts/node-flags.ts says why
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=256", "dist/apps/dispositivo/src/main.js"]
