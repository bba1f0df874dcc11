#!/usr/bin/env bash
# layer.sh OUT — the toolbox layer shared by ikubernetes/demoapp, admin-box and
# admin-toolbox: Debian's curl, iptables (nf_tables and legacy, with the xtables
# extensions) and bash, with their libraries; netbase's /etc/protocols and
# /etc/services (iptables -p tcp, getservbyname), and /run. nslookup, ping, wget and the rest
# are busybox's, from the layer below.
# shellcheck source=SCRIPTDIR/../layer_lib.sh
source "$(dirname "$0")/../layer_lib.sh"
begin_layer "$1"
debian --package curl --package iptables --package bash --package netbase \
  --path /usr/bin/curl \
  --path '/usr/sbin/ip*tables*' --path /usr/sbin/xtables-nft-multi --path /usr/sbin/xtables-legacy-multi \
  --path /usr/lib/x86_64-linux-gnu/xtables \
  --path /bin/bash \
  --path /etc/protocols --path /etc/services --path /etc/ethertypes
# What update-alternatives would make: iptables is the nf_tables variant, as on the host
# (Debian 12's default); iptables-legacy is there for kernels without nf_tables.
for tool in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
  ln -s "${tool/tables/tables-nft}" "$tmp/usr/sbin/$tool"
  mkdir -p "$tmp/sbin"
  ln -s "/usr/sbin/$tool" "$tmp/sbin/$tool"
done
mkdir -p "$tmp/run"  # iptables-legacy's lock file is /run/xtables.lock
finish_layer
