# syntax=docker/dockerfile:1
#
# logsift as a container image:
#
#     docker build -t logsift:0.1.0 .
#     docker run --rm -v "$PWD:/data:ro" logsift:0.1.0 scan bundle.tar.gz
#
# The signature pack is built into the binary, so the image holds nothing
# else of logsift's. Built without .git (see .dockerignore), so
# `logsift --version` names no commit; the pack's count and digest it
# prints, and every report records, still tell which pack it is.

# Build stage: the official Rust image (1.88 or later: the workspace's
# rust-version), on the same Debian release as the runtime stage, so the
# binary links against the glibc it runs with.
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY . .
# The cache mounts keep crates.io downloads and the target folder between
# builds; the binary is copied out of the target cache in the same step.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p logsift \
    && install -D -m 0755 target/release/logsift /out/logsift

# Runtime stage: Debian slim rather than distroless, for its /bin/sh: the
# Kubernetes Indexed Job (deploy/k8s/) turns the pod's 0-based index into
# `--shard K/N` with shell arithmetic, and GitLab CI runs a job's script
# with the image's shell. logsift needs only glibc and libgcc_s, which the
# image has, and loads ISA-L's libisal2 when it is there, to inflate
# faster (`logsift --version` says which library it took).
FROM debian:bookworm-slim
# Not pinned to a version: Debian's security updates should apply.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libisal2 \
    && rm -rf /var/lib/apt/lists/*
LABEL org.opencontainers.image.title="logsift" \
      org.opencontainers.image.description="Static analyzer for Kubernetes and EKS node log bundles" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
COPY --from=build /out/logsift /usr/local/bin/logsift
# A numeric user, so Kubernetes' runAsNonRoot can check it without a
# passwd entry; the files it reads must be readable by others (mode o+r).
USER 65532:65532
WORKDIR /data
ENTRYPOINT ["logsift"]
CMD ["--help"]
