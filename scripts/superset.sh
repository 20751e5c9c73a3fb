#!/usr/bin/env bash
# Apache Superset for `make bi` and the BI test, in its own venv (.venv-bi, every package pinned by
# bi/requirements.lock: Superset's pins cannot share the project's venv). Listens on 127.0.0.1 only.
#   scripts/superset.sh venv               create .venv-bi if missing (about 45 s, ~880 MB)
#   scripts/superset.sh setup HOME         metadata database, admin user, roles in HOME (about 30 s; idempotent)
#   scripts/superset.sh start HOME PORT    start the server in the background, wait until it answers (60 s at most)
#   scripts/superset.sh stop HOME          stop it
#   scripts/superset.sh serve HOME PORT    start, import the dashboard (segments bi import), wait; stopped on exit
# The admin comes from SUPERSET_ADMIN_USER and SUPERSET_ADMIN_PASSWORD; the secret key from SUPERSET_SECRET_KEY,
# else HOME/secret_key (made once, mode 600). Nothing secret is written to the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
BI_VENV=${BI_VENV:-.venv-bi}
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}

environment() {
    local home=$1
    mkdir -p "$home"
    export SUPERSET_HOME SUPERSET_CONFIG_PATH FLASK_APP=superset
    SUPERSET_HOME=$(cd "$home" && pwd)
    SUPERSET_CONFIG_PATH=$PWD/bi/superset_config.py
    if [ -z "${SUPERSET_SECRET_KEY:-}" ]; then
        if [ ! -s "$SUPERSET_HOME/secret_key" ]; then
            (umask 077 && "$PYTHON" -c 'import secrets; print(secrets.token_hex(32))' > "$SUPERSET_HOME/secret_key")
        fi
        SUPERSET_SECRET_KEY=$(cat "$SUPERSET_HOME/secret_key")
    fi
    export SUPERSET_SECRET_KEY
}

case "${1:-}" in
    venv)
        if [ ! -x "$BI_VENV/bin/superset" ] || [ bi/requirements.lock -nt "$BI_VENV/.installed" ]; then
            echo "Installing Apache Superset into $BI_VENV (pinned by bi/requirements.lock; about 45 s)"
            "$PYTHON" -m venv "$BI_VENV"
            "$BI_VENV/bin/pip" install --quiet --upgrade pip
            "$BI_VENV/bin/pip" install --quiet --progress-bar off -r bi/requirements.lock
            touch "$BI_VENV/.installed"
        fi
        ;;
    setup)
        : "${SUPERSET_ADMIN_USER:?set SUPERSET_ADMIN_USER (and SUPERSET_ADMIN_PASSWORD) for the Superset admin}"
        : "${SUPERSET_ADMIN_PASSWORD:?set SUPERSET_ADMIN_PASSWORD for the Superset admin}"
        environment "$2"
        "$BI_VENV/bin/superset" db upgrade > "$SUPERSET_HOME/setup.log" 2>&1 || { tail -n 20 "$SUPERSET_HOME/setup.log"; exit 1; }
        # the password goes through stdin (the prompt and its confirmation), never on a command line `ps` shows
        if ! "$BI_VENV/bin/superset" fab list-users 2>/dev/null | grep -q "username:$SUPERSET_ADMIN_USER "; then
            printf '%s\n%s\n' "$SUPERSET_ADMIN_PASSWORD" "$SUPERSET_ADMIN_PASSWORD" | "$BI_VENV/bin/superset" fab create-admin \
                --username "$SUPERSET_ADMIN_USER" --firstname Segments --lastname Admin \
                --email "$SUPERSET_ADMIN_USER@localhost" >> "$SUPERSET_HOME/setup.log" 2>&1
        else
            printf '%s\n%s\n' "$SUPERSET_ADMIN_PASSWORD" "$SUPERSET_ADMIN_PASSWORD" | "$BI_VENV/bin/superset" fab reset-password \
                --username "$SUPERSET_ADMIN_USER" >> "$SUPERSET_HOME/setup.log" 2>&1
        fi
        "$BI_VENV/bin/superset" init >> "$SUPERSET_HOME/setup.log" 2>&1 || { tail -n 20 "$SUPERSET_HOME/setup.log"; exit 1; }
        ;;
    start)
        environment "$2"
        port=$3
        if [ -s "$SUPERSET_HOME/server.pid" ] && kill -0 "$(cat "$SUPERSET_HOME/server.pid")" 2> /dev/null; then
            echo "A Superset of $SUPERSET_HOME is already running (pid $(cat "$SUPERSET_HOME/server.pid")): scripts/superset.sh stop $2" >&2
            exit 1
        fi
        "$BI_VENV/bin/superset" run -h 127.0.0.1 -p "$port" --with-threads > "$SUPERSET_HOME/server.log" 2>&1 &
        echo $! > "$SUPERSET_HOME/server.pid"
        deadline=$((SECONDS + 60))
        while [ $SECONDS -lt $deadline ]; do
            if "$PYTHON" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/health', timeout=2)" 2> /dev/null; then
                exit 0
            fi
            if ! kill -0 "$(cat "$SUPERSET_HOME/server.pid")" 2> /dev/null; then
                tail -n 30 "$SUPERSET_HOME/server.log"
                echo "Superset exited while starting (log: $SUPERSET_HOME/server.log)" >&2
                exit 1
            fi
            sleep 0.5
        done
        kill "$(cat "$SUPERSET_HOME/server.pid")" 2> /dev/null || true
        rm -f "$SUPERSET_HOME/server.pid"
        echo "Superset did not answer on 127.0.0.1:$port within 60 s, stopped (log: $SUPERSET_HOME/server.log)" >&2
        exit 1
        ;;
    stop)
        environment "$2"
        if [ -s "$SUPERSET_HOME/server.pid" ]; then
            kill "$(cat "$SUPERSET_HOME/server.pid")" 2> /dev/null || true
            rm -f "$SUPERSET_HOME/server.pid"
        fi
        ;;
    serve)
        home=$2
        port=$3
        "$0" start "$home" "$port"
        trap '"$0" stop "$home"' EXIT INT TERM
        "${BIN:-.venv/bin}/segments" bi import --url "http://127.0.0.1:$port"
        echo "Superset is on http://127.0.0.1:$port/superset/dashboard/customer-segments/ (log in as $SUPERSET_ADMIN_USER; Ctrl-C stops it)"
        wait_for_server() { while kill -0 "$(cat "$home/server.pid")" 2> /dev/null; do sleep 1; done; }
        wait_for_server
        ;;
    *)
        sed -n '2,10p' "$0"
        exit 2
        ;;
esac
