# asmx-emulator in a container: the server on 0.0.0.0:8080, its SQLite database in the
# volume /data (seeded on first start from the fixtures built into the binary).
#
#   docker build -t asmx-emulator .
#   docker run --rm -p 8080:8080 -v asmx-data:/data asmx-emulator
#
# Every flag can be set through its ASMX_ variable (`docker run ... asmx-emulator --help`).

FROM rust:1-bookworm AS builder
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin asmx-emulator

FROM debian:bookworm-slim
RUN useradd --system --home-dir /data --shell /usr/sbin/nologin asmx \
    && mkdir -p /data \
    && chown asmx:asmx /data
COPY --from=builder /src/target/release/asmx-emulator /usr/local/bin/asmx-emulator
ENV ASMX_BIND=0.0.0.0:8080 \
    ASMX_DB=/data/asmx-emulator.db
VOLUME /data
WORKDIR /data
USER asmx
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/asmx-emulator"]
