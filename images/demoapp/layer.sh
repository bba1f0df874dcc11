#!/usr/bin/env bash
# layer.sh DIR — the two layers ikubernetes/demoapp adds above busybox and the toolbox:
#   DIR/python3  Debian's python3.11 (the interpreter, its standard library, the
#                libraries its modules load) and /usr/bin/python3 -> python3.11;
#   DIR/demoapp  /usr/local/bin/demo.py, kubepp's own demo app (see demo.py).
# shellcheck source=SCRIPTDIR/../layer_lib.sh
source "$(dirname "$0")/../layer_lib.sh"
here=$(dirname "$0")

begin_layer "$1/python3"
debian --package python3.11-minimal --package libpython3.11-minimal --package libpython3.11-stdlib \
  --path /usr/bin/python3.11 --path /usr/lib/python3.11 --path /etc/python3.11
ln -s python3.11 "$tmp/usr/bin/python3"
finish_layer

begin_layer "$1/demoapp"
put 755 "$here/demo.py" usr/local/bin/demo.py
finish_layer
