#!/usr/bin/env bash
# Scores Stanford CoreNLP's statistical NER (CRF, PERSON) on forja's real-text PII sets, the comparison issue 18 asks
# for: why forja's own recogniser is the default. CoreNLP is GPL-3 and is never part of forja's build: this script
# downloads it (~700 MB) from Maven Central into $CACHE, outside the repository, and runs from there.
#   tools/pii-real/corenlp/run.sh [SET.jsonl] [--crf-only] [--lang=es|pt|en] [--speed]
# Prints aggregate precision / recall per language only (exact spans, and relaxed: any overlap), never texts.
# Portuguese texts go through the Spanish models (CoreNLP has no Portuguese one).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
CACHE=${CACHE:-$HOME/.cache/forja-corenlp}
V=4.5.10
M=https://repo.maven.apache.org/maven2
mkdir -p "$CACHE/lib" "$CACHE/classes"
fetch() { [ -f "$CACHE/lib/$(basename "$1")" ] || curl -fsSL -o "$CACHE/lib/$(basename "$1")" "$M/$1"; }
for c in "" -models -models-spanish; do fetch "edu/stanford/nlp/stanford-corenlp/$V/stanford-corenlp-$V$c.jar"; done
# the runtime dependencies stanford-corenlp-4.5.10.pom lists
for a in org/apache/commons/commons-lang3/3.3.1/commons-lang3-3.3.1.jar \
         org/ejml/ejml-core/0.39/ejml-core-0.39.jar org/ejml/ejml-ddense/0.39/ejml-ddense-0.39.jar \
         org/ejml/ejml-simple/0.39/ejml-simple-0.39.jar com/sun/istack/istack-commons-runtime/3.0.7/istack-commons-runtime-3.0.7.jar \
         org/glassfish/jakarta.json/1.1.6/jakarta.json-1.1.6.jar javax/activation/javax.activation-api/1.2.0/javax.activation-api-1.2.0.jar \
         javax/xml/bind/jaxb-api/2.4.0-b180830.0359/jaxb-api-2.4.0-b180830.0359.jar \
         com/sun/xml/bind/jaxb-impl/2.4.0-b180830.0438/jaxb-impl-2.4.0-b180830.0438.jar joda-time/joda-time/2.13.0/joda-time-2.13.0.jar \
         de/jollyday/jollyday/0.4.9/jollyday-0.4.9.jar com/google/protobuf/protobuf-java/3.25.5/protobuf-java-3.25.5.jar \
         org/slf4j/slf4j-api/1.7.12/slf4j-api-1.7.12.jar xom/xom/1.3.9/xom-1.3.9.jar; do fetch "$a"; done
javac -cp "$CACHE/lib/*" -d "$CACHE/classes" "$root/tools/pii-real/corenlp/CoreNlpPiiEval.java"
set_file=${1:-$root/samples/pii-real/test.jsonl}
shift || true
exec java -Xmx1500m -cp "$CACHE/classes:$CACHE/lib/*" CoreNlpPiiEval "$set_file" "$@"
