#!/usr/bin/env bash
# ./run.sh [server args…]  builds target/server.jar when missing or older than the sources, then runs it.
# ./run.sh test            runs the test suite (mvn -B verify).
set -euo pipefail
cd "$(dirname "$0")"
if [[ "${1:-}" == "test" ]]; then
  shift
  exec mvn -B verify "$@"
fi
jar=target/server.jar
if [[ ! -f $jar ]] || [[ -n "$(find src pom.xml -newer "$jar" -type f -print -quit)" ]]; then
  mvn -B -q clean package -DskipTests
fi
exec java -jar "$jar" "$@"
