#!/bin/sh
# Sets configuration keys of the checkout service in one datacenter.
# ZeroOps runs it as: set-config.sh <datacenter> <key>=<value>... (an argument list, never a shell string).
# This example keeps each datacenter's settings in $CHECKOUT_CONFIG_DIR/<datacenter>.env; in your own
# ops repo, replace the body with your config tool (consul kv put, kubectl patch configmap, ...).
set -eu
[ $# -ge 2 ] || { echo "usage: set-config.sh <datacenter> <key>=<value>..." >&2; exit 2; }
dc="$1"; shift
file="${CHECKOUT_CONFIG_DIR:?set CHECKOUT_CONFIG_DIR}/$dc.env"
touch "$file"
for pair in "$@"; do
  case "$pair" in *=*) ;; *) echo "not key=value: $pair" >&2; exit 2 ;; esac
  key="${pair%%=*}"
  grep -v "^$key=" "$file" > "$file.next" || true
  printf '%s\n' "$pair" >> "$file.next"
  mv "$file.next" "$file"
  echo "set $key in $dc"
done
