# vadesk: one Go binary serving the API, the embedded web UI and a SQLite file.
# Build:  docker build -t vadesk .      Run: docker-compose up --build

# ---- build -------------------------------------------------------------------
# go-sqlite3 needs cgo, so the build stage has gcc (golang:*-bookworm does) and
# the runtime stage uses the same Debian release for a matching glibc.
FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=1 GOFLAGS=-mod=readonly
COPY go.mod go.sum ./
# go.mod replaces gofpdf with the patched copy in the tree (see its README).
COPY internal/gofpdf ./internal/gofpdf
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags "-s -w" -o /out/vadesk ./cmd/vadesk

# ---- runtime -----------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 vadesk \
 && useradd --system --uid 10001 --gid vadesk --home-dir /data --no-create-home --shell /usr/sbin/nologin vadesk \
 && mkdir -p /data \
 && chown vadesk:vadesk /data
COPY --from=build /out/vadesk /usr/local/bin/vadesk

ENV VADESK_ADDR=0.0.0.0:8080 VADESK_DB=/data/vadesk.db
# The database lives here; a named volume keeps it across container upgrades.
VOLUME /data
WORKDIR /data
USER vadesk:vadesk
EXPOSE 8080

# GET /healthz answers 200 when the database does. bash's /dev/tcp makes the
# request, so the image needs neither curl nor wget; the port follows VADESK_ADDR.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${VADESK_ADDR##*:} && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["/usr/local/bin/vadesk"]
CMD ["serve"]
