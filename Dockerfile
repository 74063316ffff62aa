# Multi-stage build: compile with dev dependencies, ship production dependencies only.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json codegen.yml schema.graphql ./
COPY src ./src
COPY scripts ./scripts
COPY web ./web
COPY examples ./examples
RUN npm run build

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schema.graphql ./
COPY fixtures ./fixtures
USER node
EXPOSE 4000
ENTRYPOINT ["node", "dist/main.js"]
CMD ["--demo", "--host", "0.0.0.0"]
