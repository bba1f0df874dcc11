#!/usr/bin/env bash
# layer.sh OUT — the stress-ng layer: Debian's stress-ng 0.15 with its libraries, moved to
# /usr/lib/stress-ng/stress-ng, and /usr/bin/stress-ng, a wrapper that accepts the
# original image's "-c 1" arguments (see stress-ng.sh).
# shellcheck source=SCRIPTDIR/../layer_lib.sh
source "$(dirname "$0")/../layer_lib.sh"
here=$(dirname "$0")
begin_layer "$1"
debian --package stress-ng --path /usr/bin/stress-ng
mkdir -p "$tmp/usr/lib/stress-ng"
mv "$tmp/usr/bin/stress-ng" "$tmp/usr/lib/stress-ng/stress-ng"
put 755 "$here/stress-ng.sh" usr/bin/stress-ng
finish_layer
