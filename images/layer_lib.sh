# layer_lib.sh — sourced by the images' layer scripts (images/*/layer.sh).
#
# A layer script builds one or more layer directories under build/images/layers/: it
# fills "$tmp", then `finish_layer` renames it into place and touches "$out.built" (the
# stamp CMake waits for). Files are created with umask 022 and explicit modes, so the
# same sources always give the same tree, and oci_image.py the same digest.
#
#   begin_layer DIR          start DIR: sets out=DIR, tmp=DIR.tmp (emptied)
#   debian ARGS...           debian_programs.py into "$tmp" (--package P, --path /p)
#   put MODE SRC PATH        copy file SRC to "$tmp/PATH" with MODE, making parents
#   put_text MODE PATH       the same, from standard input
#   finish_layer             rename "$tmp" to "$out"; touch "$out.built"
#
# Environment (set by images/CMakeLists.txt): PYTHON (python3), DEBS (the .deb cache).
# shellcheck shell=bash
set -euo pipefail
umask 022
images_src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PYTHON:=python3}"
: "${DEBS:?DEBS must name the .deb cache directory}"

begin_layer() {
  out=$1
  tmp=$out.tmp
  rm -rf "$tmp" "$tmp.work"
  mkdir -p "$(dirname "$out")"
}

debian() {
  "$PYTHON" "$images_src/debian_programs.py" --cache "$DEBS" --work "$tmp.work" --out "$tmp" "$@"
}

put() {
  mkdir -p "$(dirname "$tmp/$3")"
  install -m "$1" "$2" "$tmp/$3"
}

put_text() {
  mkdir -p "$(dirname "$tmp/$2")"
  cat >"$tmp/$2"
  chmod "$1" "$tmp/$2"
}

finish_layer() {
  [ -d "$tmp" ] || mkdir "$tmp"
  chmod 755 "$tmp"
  rm -rf "$out" "$tmp.work"
  mv "$tmp" "$out"
  touch "$out.built"
}
