#!/usr/bin/env bash
# Checks docker-compose.yml against the Compose schema (`docker compose config`, or Debian's
# `docker-compose` v1: `apt-get install -y docker-compose`) and deploy/nginx.conf with `nginx -t`
# (`apt-get install -y nginx`). Needs neither a Docker engine nor the services' host names.
set -euo pipefail
cd "$(dirname "$0")/.."

export EDITOR_TOKENS=${EDITOR_TOKENS:-validate-only-token-0123456789}
if docker compose version >/dev/null 2>&1; then
  docker compose config --quiet
elif command -v docker-compose >/dev/null 2>&1; then
  docker-compose config --quiet
else
  echo "No compose client: apt-get install -y docker-compose (or the Docker compose plugin)" >&2
  exit 1
fi
echo "docker-compose.yml: valid"

command -v nginx >/dev/null 2>&1 || { echo "No nginx: apt-get install -y nginx" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The upstreams' names exist on the compose network only: point them at this machine. `nginx -t`
# creates the cache folder (the image has /var/cache/nginx, this machine may not): one in $work.
sed -E -e 's/server (api-[0-9]+):8080/server 127.0.0.1:8080/' \
  -e "s#proxy_cache_path /var/cache/nginx/#proxy_cache_path $work/#" \
  deploy/nginx.conf >"$work/antenne.conf"
grep -q "proxy_cache_path $work/" "$work/antenne.conf" || { echo "no proxy_cache_path to relocate" >&2; exit 1; }
cat >"$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log $work/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $work;
    include $work/antenne.conf;
}
CONF
nginx -t -q -c "$work/nginx.conf" -p "$work"
echo "deploy/nginx.conf: valid"
