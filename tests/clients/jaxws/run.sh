#!/usr/bin/env bash
# JAX-WS: wsimport generates a client from the live WSDL into a temporary directory,
# javac compiles it with Roundtrip.java, and the JVM runs the scenario on the SOAP 1.1
# and the SOAP 1.2 port. Nothing generated is written into the repository.
#
# Usage: run.sh <service URL ending in /srv.asmx>
# Needs wsimport (Debian package `jaxws`), javac and java (a JDK).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 <service URL ending in /srv.asmx>" >&2
  exit 2
fi
url=$1
here=$(cd "$(dirname "$0")" && pwd)

for tool in wsimport javac java; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "jaxws: FAILED: $tool not found (install the Debian packages jaxws and a JDK: .ci/run does)" >&2
    exit 1
  fi
done

# The JAX-WS runtime: jaxws-rt.jar names the rest of Debian's jars in its manifest.
jars=/usr/share/java
classpath=$jars/jaxws-rt.jar:$jars/jaxws-api.jar:$jars/jaxb-api.jar:$jars/jaxb-impl.jar
classpath=$classpath:$jars/jws-api.jar:$jars/javax.xml.soap-api.jar:$jars/saaj-impl.jar
for jar in ${classpath//:/ }; do
  if [ ! -f "$jar" ]; then
    echo "jaxws: FAILED: $jar missing (install the Debian package libjaxws-java)" >&2
    exit 1
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/jaxws-client.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/classes"

# -extension: JAX-WS 2.x calls a WSDL 1.1 SOAP 1.2 binding an extension and ignores
# the srvSoap12 port without it. -Xnocompile: javac below compiles everything at once.
wsimport -quiet -extension -keep -Xnocompile -d "$work/src" -p srvclient "$url?WSDL" \
  >"$work/wsimport.log" 2>&1 || {
  cat "$work/wsimport.log" >&2
  echo "jaxws: FAILED: wsimport could not generate a client from $url?WSDL" >&2
  exit 1
}
echo "jaxws: ok: wsimport generated $(find "$work/src" -name '*.java' | wc -l) classes from $url?WSDL"

find "$work/src" -name '*.java' >"$work/sources"
javac -nowarn -encoding UTF-8 -cp "$classpath" -d "$work/classes" \
  "$here/Roundtrip.java" @"$work/sources" || {
  echo "jaxws: FAILED: javac could not compile the generated client" >&2
  exit 1
}
echo "jaxws: ok: javac compiled the generated client"

# Naming SAAJ's factory spares the JDK's warning about the deprecated lookup.
java -Djavax.xml.soap.SAAJMetaFactory=com.sun.xml.messaging.saaj.soap.SAAJMetaFactoryImpl \
  -cp "$work/classes:$classpath" Roundtrip "$url"
