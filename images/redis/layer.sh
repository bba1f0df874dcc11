#!/usr/bin/env bash
# layer.sh OUT — the redis layer: Debian's redis-server 7.0 and redis-cli with their
# libraries, and /data, the working directory (as in the official image). No config
# file: the image's command turns protected mode off, so that, like the official image,
# redis listens on every address and serves clients from other pods.
# shellcheck source=SCRIPTDIR/../layer_lib.sh
source "$(dirname "$0")/../layer_lib.sh"
begin_layer "$1"
debian --package redis-server --package redis-tools \
  --path /usr/bin/redis-server --path /usr/bin/redis-check-rdb --path /usr/bin/redis-check-aof \
  --path /usr/bin/redis-cli --path /usr/bin/redis-benchmark
mkdir -p "$tmp/data"
finish_layer
