#!/usr/bin/env bash
# ./run.sh [server args…]  builds target/server.jar when missing or older than the sources, then runs it.
# ./run.sh test            runs the test suite (mvn -B verify).
# ./run.sh java-opts       prints the JVM options and environment it starts java with (JAVA picks the java, as below).
set -euo pipefail
cd "$(dirname "$0")"
if [[ "${1:-}" == "test" ]]; then
  shift
  exec mvn -B verify "$@"
fi
java=${JAVA:-java}
# Sized for a small VPS (512 MB of RAM in all). HEAP sets the heap's limit on a bigger one: HEAP=1g ./run.sh on a 2 GB
# VPS holds 10,000 players (README, "What to rent"); any HEAP but the default runs G1, whose young collections keep
# the heartbeat's p99 low where Serial's full collections of a large live set would not. JAVA_OPTS replaces it all.
heap=${HEAP:-256m}
[[ $heap =~ ^[0-9]+[kKmMgG]$ ]] || { echo "HEAP is a size such as 512m or 1g, not '$heap'" >&2; exit 2; }
# -Xms32m: the heap grows as the players need it (by default the JVM starts at a 64th of the machine's memory, the
# whole 256 MB on a big one). The collector that keeps the least memory differs by version: Java 17's G1 commits the
# whole heap under load and needs 50 MB beside it, while from Java 21 Serial grows its old generation to the limit
# rather than collect it; G1 then sizes the heap to what is live. Serial's survivor spaces are made larger (a sixth of
# the young generation each, filled to 80 %): what a DM turn holds through its one-second model call then dies young
# instead of filling the old generation, whose full collections (about 200 ms at 5,000 players) set the heartbeat's
# p99. Two malloc arenas: glibc's default of one per thread per core keeps memory it frees.
release=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p') || true
release=${release%%.*}  # empty when java is missing: exec says so below
if (( ${release:-17} >= 21 )) || [[ $heap != 256m ]]; then collector=-XX:+UseG1GC; else collector="-XX:+UseSerialGC -XX:SurvivorRatio=4 -XX:TargetSurvivorRatio=80"; fi
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
JAVA_OPTS=${JAVA_OPTS:--Xms32m -Xmx$heap -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=64m -Xss512k $collector}
if [[ "${1:-}" == "java-opts" ]]; then
  echo "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX $JAVA_OPTS"
  exit 0
fi
jar=target/server.jar
if [[ ! -f $jar ]] || [[ -n "$(find src pom.xml -newer "$jar" -type f -print -quit)" ]]; then
  mvn -B -q clean package -DskipTests
fi
# shellcheck disable=SC2086
exec "$java" $JAVA_OPTS -jar "$jar" "$@"
