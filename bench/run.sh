#!/usr/bin/env bash
# Measures Taleweaver on this machine and prints the figures the issues ask for, all from one run.
#   bench/run.sh            # uses `java` for the HTTP figures and, when present, a Java 21+ JDK for the PvP figures
#   JAVA=/path/to/java bench/run.sh
# Needs wrk (installed from Debian's packages when missing) and python3. All traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk from Debian's packages"
  apt-get update -qq && apt-get install -y -qq wrk
fi
if [[ ! -f target/server.jar ]] || [[ -n "$(find src pom.xml -newer target/server.jar -type f -print -quit)" ]]; then
  mvn -B -q clean package -DskipTests
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec python3 bench/bench.py "$@"
