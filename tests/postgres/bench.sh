#!/usr/bin/env bash
# The gateway benchmark on both engines, one after the other in one command (same build, same
# machine, same settings): tests/Glance.Gateway.Benchmarks/run.sh with the store on SQLite (the
# default), then again with ImageStore__Database__Provider=PostgreSQL on a private cluster
# (tests/postgres/cluster.sh), removed at the end. run.sh's settings apply to both (ROUNDS,
# BENCH_SECONDS, CONNECTIONS, WARMUP, STORE, POLICY); arguments are passed on (--micro).
# The cluster runs with fsync off (a throwaway one): its numbers are the engine's, not a disk's.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench="$root/tests/Glance.Gateway.Benchmarks/run.sh"

echo "== store on SQLite"
bash "$bench" "$@" || exit 1

pg_dir=$(mktemp -d /tmp/glance-bench-pg-XXXXXX)
trap 'bash "$root/tests/postgres/cluster.sh" destroy "$pg_dir" >/dev/null 2>&1' EXIT
pg_port=$(bash "$root/tests/postgres/cluster.sh" start "$pg_dir") || { echo "PostgreSQL did not start" >&2; exit 1; }
export ImageStore__Database__Provider=PostgreSQL
export ImageStore__Database__ConnectionString="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
echo "== store on PostgreSQL (127.0.0.1:$pg_port)"
bash "$bench" "$@"
