#!/usr/bin/env bash
# layer.sh OUT — the layer that makes the busybox root filesystem stand in for `alpine`:
# the two files scripts read to learn which distribution they run on. There is no apk:
# a Dockerfile's `apk add` has nothing to run here (no registry, no network).
# shellcheck source=SCRIPTDIR/../layer_lib.sh
source "$(dirname "$0")/../layer_lib.sh"
begin_layer "$1"
put_text 644 etc/alpine-release <<'RELEASE'
3.18.0-kubepp
RELEASE
put_text 644 etc/os-release <<'OSRELEASE'
NAME="kubepp busybox (standing in for Alpine Linux)"
ID=alpine
VERSION_ID=3.18.0-kubepp
PRETTY_NAME="kubepp's busybox image standing in for Alpine Linux (no apk, no musl)"
OSRELEASE
finish_layer
