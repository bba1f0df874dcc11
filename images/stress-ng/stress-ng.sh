#!/bin/sh
# /usr/bin/stress-ng of kubepp's ikubernetes/stress-ng image: runs Debian's stress-ng
# (/usr/lib/stress-ng/stress-ng) after splitting arguments such as "-c 1" into "-c" "1".
# Manifests written for the original image pass an option and its value as one
# argument (command: ["/usr/bin/stress-ng", "-c 1", "-m 1", "--metrics-brief"]), which
# older stress-ng read with atoi() and Debian's 0.15 rejects ("contains non-numeric").
for arg; do
  shift
  case $arg in
    -[a-zA-Z]\ *) set -- "$@" "${arg%% *}" "${arg#* }" ;;
    *) set -- "$@" "$arg" ;;
  esac
done
exec /usr/lib/stress-ng/stress-ng "$@"
