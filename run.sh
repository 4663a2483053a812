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
# Sized for a small VPS (512 MB of RAM in all); set JAVA_OPTS to change it, e.g. JAVA_OPTS="-Xmx1g" ./run.sh
JAVA_OPTS=${JAVA_OPTS:--Xmx256m -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=64m -Xss512k -XX:+UseSerialGC}
# shellcheck disable=SC2086
exec java $JAVA_OPTS -jar "$jar" "$@"
