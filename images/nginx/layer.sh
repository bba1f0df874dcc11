#!/usr/bin/env bash
# layer.sh OUT BUSYBOX_ROOTFS — the nginx layer: Debian's nginx (1.22) with its libraries,
# the config files of nginx-common, Debian's "Welcome to nginx!" page as
# /usr/share/nginx/html/index.html, kubepp's nginx.conf and conf.d/default.conf (the
# official image's layout), logs linked to /dev/stdout and /dev/stderr, the directories
# Debian's build writes to (/var/lib/nginx, /run), and the nginx user (uid 101, as in the
# official image) added to busybox's /etc/passwd and /etc/group.
# shellcheck source=SCRIPTDIR/../layer_lib.sh
source "$(dirname "$0")/../layer_lib.sh"
here=$(dirname "$0")
busybox_rootfs=$2
begin_layer "$1"
debian --package nginx --package nginx-common \
  --path /usr/sbin/nginx \
  --path /etc/nginx/mime.types --path /etc/nginx/fastcgi_params --path /etc/nginx/fastcgi.conf \
  --path /etc/nginx/scgi_params --path /etc/nginx/uwsgi_params \
  --path /etc/nginx/koi-utf --path /etc/nginx/koi-win --path /etc/nginx/win-utf \
  --path /usr/share/nginx/html/index.html
put 644 "$here/nginx.conf" etc/nginx/nginx.conf
put 644 "$here/default.conf" etc/nginx/conf.d/default.conf
put_text 644 usr/share/nginx/html/50x.html <<'HTML'
<!DOCTYPE html>
<html>
<head>
<title>Error</title>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
</body>
</html>
HTML
mkdir -p "$tmp/var/log/nginx" "$tmp/var/lib/nginx" "$tmp/run"
ln -s /dev/stdout "$tmp/var/log/nginx/access.log"
ln -s /dev/stderr "$tmp/var/log/nginx/error.log"
{ cat "$busybox_rootfs/etc/passwd"; echo 'nginx:x:101:101:nginx:/nonexistent:/bin/false'; } |
  put_text 644 etc/passwd
{ cat "$busybox_rootfs/etc/group"; echo 'nginx:x:101:'; } | put_text 644 etc/group
finish_layer
