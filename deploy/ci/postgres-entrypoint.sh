#!/bin/sh
# The official postgres image's conventions that docker-compose.yml relies on:
# POSTGRES_USER (a superuser) with POSTGRES_PASSWORD, data in
# /var/lib/postgresql/data (initialised when empty), listening on every
# address with password authentication.
set -eu
PGDATA=/var/lib/postgresql/data
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql && chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pw=$(mktemp) && printf '%s' "$POSTGRES_PASSWORD" > "$pw" && chown postgres "$pw"
  su postgres -c "initdb -D $PGDATA -U ${POSTGRES_USER:-postgres} --pwfile=$pw --auth=scram-sha-256" >/dev/null
  rm -f "$pw"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
fi
exec su postgres -c "exec postgres -D $PGDATA -c listen_addresses='*'"
