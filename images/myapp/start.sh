#!/bin/sh
# start-myapp — the stand-in for ikubernetes/myapp: busybox httpd serving
# /usr/share/nginx/html on port 80. index.html names the version; hostname.html is
# written here, at start, with the container's hostname (the pod's name in Kubernetes).
#
# httpd runs as this script's child, not exec'd: as PID 1 of a PID namespace a process
# gets only the signals it handles, and httpd handles no SIGTERM, so the script traps
# SIGTERM/SIGINT and stops httpd itself (a pod deletion must not wait for the grace
# period's SIGKILL).
root=/usr/share/nginx/html
hostname >"$root/hostname.html"
httpd -f -vv -p 80 -h "$root" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 0' TERM INT
wait "$pid"
