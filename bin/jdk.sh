# Sourced by the bin/ scripts: finds a JDK 25 (or newer) and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 25+, then /usr/lib/jvm/*25*, then any /usr/lib/jvm/* that is 25+.
_erasure_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}
_erasure_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(_erasure_java_major "$JAVA_HOME")" -ge 25 ] 2>/dev/null; then
    echo "$JAVA_HOME"; return 0
  fi
  for candidate in /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/javac" ] && [ "$(_erasure_java_major "$candidate")" -ge 25 ] 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}
if ! JAVA_HOME="$(_erasure_find_jdk)"; then
  echo "error: Erasure Service needs JDK 25 or newer (javac). None found in \$JAVA_HOME or /usr/lib/jvm." >&2
  echo "       Install one (for example Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
