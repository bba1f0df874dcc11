#!/usr/bin/env bash
# layer.sh PAUSE OUT — the pause image's only layer: the static binary PAUSE at /pause.
# shellcheck source=SCRIPTDIR/../layer_lib.sh
source "$(dirname "$0")/../layer_lib.sh"
pause=$1
begin_layer "$2"
put 755 "$pause" pause
strip "$tmp/pause"  # no debug info: the same image from Debug and Release builds
finish_layer
