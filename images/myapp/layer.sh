#!/usr/bin/env bash
# layer.sh DIR — the app layers of ikubernetes/myapp v1…v5: DIR/myapp-vN holds
# /usr/local/bin/start-myapp (busybox httpd, see start.sh) and index.html for version N.
# shellcheck source=SCRIPTDIR/../layer_lib.sh
source "$(dirname "$0")/../layer_lib.sh"
here=$(dirname "$0")
for n in 1 2 3 4 5; do
  begin_layer "$1/myapp-v$n"
  put 755 "$here/start.sh" usr/local/bin/start-myapp
  printf 'Hello MyApp | Version: v%s | <a href="hostname.html">Pod Name</a>\n' "$n" |
    put_text 644 usr/share/nginx/html/index.html
  finish_layer
done
