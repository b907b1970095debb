# One image for both roles: `node dist/src/main.js --role=api` and `node dist/workers/main.js`.
# Node 22 LTS (package.json engines: >=22.12) on Debian bookworm, as the CI machine.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
COPY feeds ./feeds
COPY embed ./embed
COPY studio ./studio
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
# ffmpeg ≥ 5 with libmp3lame, aac and libopus (Debian bookworm ships 5.1).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data PORT=8080
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The player's and the studio's scripts and styles are bundled by `npm run build` into dist/assets.
COPY package.json ./
# DATA_DIR holds only temp files when media live in object storage (S3_BUCKET).
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
