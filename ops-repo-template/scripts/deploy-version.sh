#!/bin/sh
# Deploys a version of the checkout service to instances by name, one at a time: restarts each with
# that version, then waits until it answers /healthz as that version (its X-Version header).
# ZeroOps runs it as: deploy-version.sh <version> <instance>... (an argument list, never a shell string).
# It finds an instance's address in CHECKOUT_INSTANCES or LAB_INSTANCES ("name=http://host:port ...").
# DEPLOY_WAIT_SECONDS (default 15) bounds the wait for each instance. In your own ops repo, replace
# the body with your deploy tool (kubectl set image, nomad job run, ansible, ...).
set -euf
wait_seconds="${DEPLOY_WAIT_SECONDS:-15}"
case "$wait_seconds" in '' | *[!0-9]*) echo "DEPLOY_WAIT_SECONDS must be whole seconds" >&2; exit 2 ;; esac
[ $# -ge 2 ] || { echo "usage: deploy-version.sh <version> <instance>..." >&2; exit 2; }
version="$1"; shift
case "$version" in
  '' | [!A-Za-z0-9]* | *[!A-Za-z0-9._+-]*) echo "not a version: $version" >&2; exit 2 ;;
esac
for name in "$@"; do
  url=""
  for entry in ${CHECKOUT_INSTANCES:-} ${LAB_INSTANCES:-}; do
    case "$entry" in "$name="*) url="${entry#*=}"; break ;; esac
  done
  [ -n "$url" ] || { echo "unknown instance $name (not in CHECKOUT_INSTANCES or LAB_INSTANCES)" >&2; exit 2; }
  answer=$(curl -sS --max-time 5 --fail-with-body -X POST -G --data-urlencode "version=$version" "$url/restart" 2>&1) ||
    { echo "$name refused the restart to $version: $answer" >&2; exit 1; }
  deployed=""
  deadline=$(($(date +%s) + wait_seconds))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    # healthy (curl -f: a 2xx) and answering as the new version
    if headers=$(curl -fsS --max-time 2 -D - -o /dev/null "$url/healthz" 2>/dev/null) &&
      printf '%s\n' "$headers" | tr -d '\r' | grep -qixF "x-version: $version"; then
      deployed=yes; break
    fi
    sleep 0.1
  done
  [ -n "$deployed" ] || { echo "$name did not come back healthy as $version within $wait_seconds s" >&2; exit 1; }
  echo "deployed $version to $name"
done
