# syntax=docker/dockerfile:1
# Multi-stage: build native modules (better-sqlite3) with the toolchain, ship without it.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc --noEmit && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PVEBRIDGE_LISTEN=0.0.0.0:8080 PVEBRIDGE_VNC_LISTEN=0.0.0.0:8081
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 8080 8081
ENTRYPOINT ["node", "bin/pvebridge.js"]
CMD ["serve"]
