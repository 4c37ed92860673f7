# planmon container image, three stages on debian:bookworm-slim:
#   docs     npm ci, for the docs page: redoc, whose standalone bundle is served at /docs, and
#            the packages with which the build draws the page (service/tools/prerender_docs.mjs)
#   build    the -dev packages and the release build of the binary (migrations, seed data, the
#            OpenAPI document as YAML and JSON, the docs script and the docs page drawn by node,
#            each also gzip-compressed, are compiled into it; python3-yaml converts the document,
#            Debian's nodejs runs prerender_docs.mjs on the docs stage's node_modules)
#   runtime  only the shared libraries the binary needs, the binary, the docs script, curl
#            for the health check, tzdata for PROVINCE_TIME_ZONE (the binary refuses to start
#            without the zone's data: "today in the province"), fonts-liberation2 for the report
#            documents (Liberation Serif 2.x, loaded from its files; the binary refuses to start
#            without it); a non-root user.
# The runtime packages are the Debian packages of the binary's own NEEDED libraries
# (`objdump -p build/planmon | grep NEEDED`): libulfius2.7 liborcania2.3 libjansson4 libpq5
# libmicrohttpd12 libjwt0 libargon2-1 libssl3 (libcrypto.so.3), and for the report documents
# libglib2.0-0 (glib, gobject) libcairo2 libpango-1.0-0 libpangocairo-1.0-0 libpangoft2-1.0-0
# libfontconfig1 libzip4, and for the Excel exports and imports libxlsxwriter4 libxml2; apt
# brings what they need in turn.
# tests/deploy/test_dockerfile.py checks that this list covers `ldd` of the binary, that
# every package exists in Debian 12, and that the commands below work outside a container.
#
# Schema changes are a separate step, run once per release before the new image serves:
#   docker build -t planmon .
#   docker run --rm -e DATABASE_URL=postgresql://... planmon migrate
#   docker run --rm -e DATABASE_URL=postgresql://... planmon seed
#   docker run -d -p 8080:8080 -e DATABASE_URL=postgresql://... \
#     -e JWT_PRIVATE_KEY_FILE=/run/secrets/jwt.pem -v /srv/planmon/jwt.pem:/run/secrets/jwt.pem:ro planmon
# deploy/compose.yaml and deploy/kubernetes/ run it that way.

FROM debian:bookworm-slim AS docs
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
 && test -s node_modules/redoc/bundles/redoc.standalone.js

FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential meson ninja-build pkg-config \
      libulfius-dev libjansson-dev libpq-dev libmicrohttpd-dev libjwt-dev libargon2-dev libssl-dev \
      libglib2.0-dev libcairo2-dev libpango1.0-dev libzip-dev libxlsxwriter-dev libxml2-dev \
      libcurl4-gnutls-dev python3-yaml nodejs \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# the docs script and the docs page, drawn by node at build time, are compiled into the binary
# too, with their gzip (service/meson.build)
COPY package.json package-lock.json ./
COPY --from=docs /src/node_modules node_modules
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
      libulfius2.7 liborcania2.3 libjansson4 libpq5 libmicrohttpd12 libjwt0 libargon2-1 libssl3 \
      libglib2.0-0 libcairo2 libpango-1.0-0 libpangocairo-1.0-0 libpangoft2-1.0-0 libfontconfig1 \
      libzip4 libxlsxwriter4 libxml2 libcurl3-gnutls curl ca-certificates tzdata fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 planmon \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin planmon
COPY --from=build /build/planmon /usr/local/bin/planmon
COPY --from=docs /src/node_modules/redoc/bundles/redoc.standalone.js /usr/share/planmon/redoc.standalone.js
RUN /usr/local/bin/planmon version
ENV BIND_ADDRESS=0.0.0.0 \
    PORT=8080 \
    DOCS_JS_FILE=/usr/share/planmon/redoc.standalone.js
USER 10001:10001
EXPOSE 8080
# Liveness: the process answers. Readiness (/readyz: database reachable, schema current) is
# the orchestrator's business: deploy/compose.yaml and deploy/kubernetes/ probe it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/healthz" || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/planmon"]
CMD ["serve"]
