# planmon container image: build stage with the -dev packages, runtime stage with only the
# shared libraries the binary needs (libulfius2.7, libjansson4, libpq5, libmicrohttpd12, libjwt0,
# libargon2-1, libssl3 and what they pull in: `objdump -p build/planmon | grep NEEDED`), the
# binary (migrations, seed data and the OpenAPI document are compiled into it) and the docs
# page's script. Schema changes are a separate step:
#   docker run --rm -e DATABASE_URL=... planmon migrate
#   docker run --rm -e DATABASE_URL=... planmon seed
#   docker run -d -p 8080:8080 -e DATABASE_URL=... -e JWT_PRIVATE_KEY_FILE=/run/secrets/jwt.pem \
#     -v /srv/planmon/jwt.pem:/run/secrets/jwt.pem:ro planmon
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential meson ninja-build pkg-config ca-certificates \
      libulfius-dev libjansson-dev libpq-dev libmicrohttpd-dev libjwt-dev libargon2-dev libssl-dev \
      nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY meson.build meson_options.txt ./
COPY service service
COPY db db
COPY api api
COPY tests/unit tests/unit
RUN meson setup /build --buildtype=release -Dwerror=true -Dtests=disabled \
 && ninja -C /build planmon \
 && /build/planmon version

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libulfius2.7 libjansson4 libpq5 libmicrohttpd12 libjwt0 libargon2-1 libssl3 curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin planmon
COPY --from=build /build/planmon /usr/local/bin/planmon
COPY --from=build /src/node_modules/redoc/bundles/redoc.standalone.js /usr/share/planmon/redoc.standalone.js
ENV BIND_ADDRESS=0.0.0.0 \
    PORT=8080 \
    DOCS_JS_FILE=/usr/share/planmon/redoc.standalone.js
USER planmon
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/planmon"]
CMD ["serve"]
