#!/usr/bin/env bash
# Local HTTP load run — the k6 scenarios replayed with wrk, for machines where k6 is not installable.
# Builds and starts the service on a free port (bin/run), checks every scenario's requests once,
# measures each scenario and its /v1/echo transport baseline at concurrency 1, 4, 16 and 32,
# samples native memory, stops the service, and writes the "HTTP load" section of
# docs/benchmarks.md plus docs/plots/http-*.png. Raw wrk outputs: load-tests/results/<time>/.
# Not part of CI (it takes about 10 minutes at the default 10 s per point).
#
# Usage: load-tests/run-local.sh [--duration 10] [--levels 1,4,16,32] [--k 10] [--m 4]
#                                [--sweep 1024,4096,...] [--url http://host:port]   (see --help)
# Needs: wrk (bin/setup-peers), Debian's python3 with python3-matplotlib (bin/setup-peers), JDK 25.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "error: wrk is not installed; run bin/setup-peers" >&2; exit 1; }
PYTHON="${PYTHON:-/usr/bin/python3}"
[ -x "$PYTHON" ] || PYTHON=python3
"$PYTHON" -c 'import matplotlib' 2>/dev/null || {
  echo "error: $PYTHON has no matplotlib; run bin/setup-peers (installs python3-matplotlib) or set PYTHON" >&2; exit 1; }
. bin/jdk.sh
exec "$PYTHON" load-tests/runner/bench.py "$@"
