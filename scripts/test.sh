#!/usr/bin/env bash
# Runs the whole test suite: sets the project up, starts a throwaway PostgreSQL server on
# loopback (Debian's packages) so the database tests run on both engines, then pytest, ruff
# and mypy. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test: installing ${need_apt[*]} from Debian's packages"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
    else
        echo "test: ${need_apt[*]} missing and cannot be installed here; those tests will be skipped" >&2
    fi
fi

scripts/setup.sh

pgdir=""
cleanup() {
    if [ -n "$pgdir" ]; then
        su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdir/data -m immediate stop" >/dev/null 2>&1 || true
        rm -rf "$pgdir"
    fi
}
trap cleanup EXIT
if [ -z "${MYEONGJANG_TEST_POSTGRES_URL:-}" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
    pgdir=$(mktemp -d /tmp/myeongjang-pg.XXXXXX)
    port=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
    runas=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$pgdir"
        runas=(su postgres -s /bin/sh -c)
    else
        runas=(sh -c)
    fi
    "${runas[@]}" "$pgbin/initdb -D $pgdir/data -U postgres -A trust >/dev/null"
    "${runas[@]}" "$pgbin/pg_ctl -D $pgdir/data -o '-h 127.0.0.1 -p $port -k $pgdir' -l $pgdir/log -w start >/dev/null"
    "${runas[@]}" "$pgbin/createdb -h 127.0.0.1 -p $port -U postgres myeongjang_test"
    export MYEONGJANG_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/myeongjang_test"
    echo "test: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
fi

.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
