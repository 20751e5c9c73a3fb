#!/usr/bin/env bash
# A throwaway local PostgreSQL server for tests, with its own data directory, on 127.0.0.1 only.
#
#   scripts/pg_local.sh start DIR   install PostgreSQL if missing (Debian package), initdb DIR/data, start it on a
#                                   free loopback port, create the database; writes DIR/env (SEGMENTS_PG_* exports)
#   scripts/pg_local.sh stop DIR    stop the server started in DIR (fast shutdown); a no-op when none runs
#
# The password is random per cluster and lives only in DIR/env (mode 600, under an ignored folder), never in a
# tracked file. PostgreSQL refuses to run as root: as root the server runs as the `postgres` user (created by the
# Debian package).
set -euo pipefail

command_name=${1:?usage: pg_local.sh start|stop DIR}
base=$(mkdir -p "${2:?usage: pg_local.sh start|stop DIR}" && cd "$2" && pwd)
# The data directory: DIR/data, or (as root, when the postgres user cannot reach DIR, e.g. a checkout under /root)
# a private folder under /tmp whose path is kept in DIR/datadir.
data="$base/data"
[[ -f "$base/datadir" ]] && data=$(cat "$base/datadir")

find_pg_bin() {
    local candidate
    for candidate in "${PG_BIN:-}" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -n "$candidate" && -x "$candidate/initdb" && -x "$candidate/pg_ctl" && -x "$candidate/postgres" ]]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

as_server_user() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

stop_server() {
    local bin
    if [[ -f "$data/postmaster.pid" ]] && bin=$(find_pg_bin); then
        as_server_user "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
        echo "PostgreSQL in $data stopped" >&2
    fi
}

case "$command_name" in
    stop)
        stop_server
        rm -f "$base/env"
        if [[ "$data" == /tmp/segments-pg.* ]]; then rm -rf "$(dirname "$data")" "$base/datadir"; fi
        exit 0
        ;;
    start) ;;
    *)
        echo "usage: pg_local.sh start|stop DIR" >&2
        exit 2
        ;;
esac

if ! pg_bin=$(find_pg_bin); then
    echo "PostgreSQL not found: installing the Debian package" >&2
    if [[ $(id -u) -eq 0 ]]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq postgresql >/dev/null
    # The package may start a cluster of its own on port 5432; ours uses another port and directory anyway.
    pg_bin=$(find_pg_bin) || { echo "PostgreSQL is still missing after apt-get install postgresql" >&2; exit 1; }
fi

# A leftover server from an interrupted run would hold the directory: stop it, then start afresh.
stop_server
rm -rf "$data" "$base/env" "$base/server.log" "$base/initdb.log" "$base/datadir"
if [[ "$data" == /tmp/segments-pg.* ]]; then rm -rf "$(dirname "$data")"; fi
data="$base/data"
if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$base"
    if ! runuser -u postgres -- test -w "$base"; then
        data="$(mktemp -d /tmp/segments-pg.XXXXXX)/data"
        chown postgres: "$(dirname "$data")"
        echo "$data" >"$base/datadir"
    fi
fi
mkdir -p "$data"
[[ $(id -u) -eq 0 ]] && chown postgres: "$data"
chmod 700 "$data"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
user=segments
database=segments

pwfile="$(dirname "$data")/.pw"
( umask 077 && printf '%s\n' "$password" >"$pwfile" )
[[ $(id -u) -eq 0 ]] && chown postgres: "$pwfile"
as_server_user "$pg_bin/initdb" -D "$data" -U "$user" --pwfile="$pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$(dirname "$data")/initdb.log" 2>&1 \
    || { cat "$(dirname "$data")/initdb.log" >&2; rm -f "$pwfile"; exit 1; }
rm -f "$pwfile"

# Loopback only, no Unix socket, fsync off (throwaway data), a UTC server.
as_server_user "$pg_bin/pg_ctl" -D "$data" -l "$(dirname "$data")/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off -c timezone=UTC -c max_connections=50" \
    start >/dev/null || { cat "$(dirname "$data")/server.log" >&2; exit 1; }

PGPASSWORD=$password "$pg_bin/psql" -X -q -h 127.0.0.1 -p "$port" -U "$user" -d postgres \
    -c "create database $database" >/dev/null

( umask 077 && cat >"$base/env" <<EOF
export SEGMENTS_PG_HOST=127.0.0.1
export SEGMENTS_PG_PORT=$port
export SEGMENTS_PG_USER=$user
export SEGMENTS_PG_PASSWORD=$password
export SEGMENTS_PG_DATABASE=$database
EOF
)
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port (data: $data)" >&2
