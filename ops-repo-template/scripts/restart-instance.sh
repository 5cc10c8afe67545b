#!/bin/sh
# Restarts instances of the checkout service by name, then waits until each is healthy again.
# ZeroOps runs it as: restart-instance.sh <instance>... (an argument list, never a shell string).
# It finds an instance's address in CHECKOUT_INSTANCES ("name=http://host:port ..."); in your own
# ops repo, replace the body with your deploy tool's restart (systemctl, kubectl, nomad, ...).
set -eu
for name in "$@"; do
  url=""
  for entry in ${CHECKOUT_INSTANCES:-}; do
    case "$entry" in "$name="*) url="${entry#*=}" ;; esac
  done
  [ -n "$url" ] || { echo "unknown instance $name (not in CHECKOUT_INSTANCES)" >&2; exit 2; }
  curl -fsS -X POST "$url/restart" >/dev/null
  sleep 0.3
  for _ in $(seq 1 50); do
    curl -fsS "$url/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsS "$url/healthz" >/dev/null || { echo "$name did not come back healthy" >&2; exit 1; }
  echo "restarted $name"
done
