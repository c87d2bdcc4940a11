#!/usr/bin/env bash
# The floor of the HTTP stack: the service's echo against bare Vert.x core, bare Netty (Floor.java,
# same JVM and jars) and the Go peer; see load-tests/README.md, "The floor". Needs wrk, Go and
# klauspost/reedsolomon (bin/setup-peers), JDK 25 and a packaged jar (./mvnw package).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "error: wrk is not installed; run bin/setup-peers" >&2; exit 1; }
. bin/jdk.sh
exec python3 load-tests/floor/floor.py "$@"
