# Duet in a container. Built with Rust and Node.js (build.rs bundles webresource/ with esbuild,
# installing it with npm); run as a non-root user on Debian slim with the binary and CA
# certificates only. `docker compose up` (compose.yaml) runs a cluster of two.

# build.rs needs Node.js 20+; Debian bookworm has 18, so Node.js comes from its official image.
FROM node:22-bookworm-slim AS node

FROM rust:1-bookworm AS builder
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin duet \
    && cp target/release/duet /usr/local/bin/duet

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /var/lib/duet duet
COPY --from=builder /usr/local/bin/duet /usr/local/bin/duet
USER duet
WORKDIR /var/lib/duet
# A container must listen on every interface (the binary's default is 127.0.0.1).
ENV DUET_LISTEN=0.0.0.0:8080 \
    DUET_DATA_DIR=/var/lib/duet
EXPOSE 8080
# No HEALTHCHECK: the slim image has no HTTP client. Orchestrators and the load balancer ask
# GET /healthz (the process answers) and GET /readyz (its store answers too).
ENTRYPOINT ["duet"]
CMD ["serve"]
