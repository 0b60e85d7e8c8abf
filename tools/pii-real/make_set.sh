#!/usr/bin/env bash
# Rebuilds samples/pii-real/{dev,test}.jsonl from Debian 12 packages and the hand-written label lists in labels/,
# then checks the result is byte-identical to the shipped files. Needs apt-get (Debian bookworm sources), man, col,
# python3. Usage: tools/pii-real/make_set.sh [WORKDIR]   (default: a new temporary directory)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work" && cd "$work"
echo "pii-real: working in $work" >&2

pkgs="manpages-es=4.18.1-1 manpages-pt-br=4.18.1-1 coreutils=9.1-1 grep=3.8-5 tar=1.34+dfsg-1.2+deb12u1
      findutils=4.9.0-4 apt=2.6.1 dpkg=1.21.23 dpkg-dev=1.21.23 man-db=2.11.2-2 debhelper=13.11.4
      debconf-doc=1.5.82"
apt-get download $pkgs >&2
for f in *.deb; do dpkg-deb -x "$f" "x-${f%%_*}"; done

P="python3 $here/pool.py"; T="python3 $here/pooltxt.py"; N="python3 $here/npool.py"

# dev: apt, dpkg, dpkg-dev, man-db, debhelper, debconf-doc
$P devman D apt:es:es:TRADUCCIÓN,AUTORES,AUTOR:whole debconf-doc:es:es:TRADUCCIÓN,AUTOR:whole \
  dpkg:es:es:TRADUCTOR:whole man-db:es:es:AUTOR:whole debhelper:es:es:TRADUCCIÓN,AUTORES,AUTOR,TRADUCTOR:whole \
  dpkg-dev:es:es:TRADUCCIÓN,AUTORES,AUTOR,TRADUCTOR:whole apt:pt:pt:TRADUÇÃO,AUTORES,AUTOR:whole \
  debconf-doc:pt:pt:TRADUÇÃO,AUTOR:whole debconf-doc:pt:pt_BR:TRADUÇÃO,AUTOR:whole dpkg:pt:pt:TRADUÇÃO:whole \
  man-db:pt:pt_BR:AUTOR:whole debhelper:pt:pt:TRADUÇÃO,AUTORES,AUTOR:whole dpkg-dev:pt:pt:TRADUÇÃO,AUTORES,AUTOR:whole \
  apt:en:C:AUTHORS,AUTHOR:whole dpkg:en:C:AUTHORS,AUTHOR:whole man-db:en:C:AUTHORS,AUTHOR:whole \
  debhelper:en:C:AUTHORS,AUTHOR:whole >/dev/null
$T devcl D 100 dpkg en /usr/share/doc/dpkg/changelog.gz changelog 30 12 '[A-Z][a-z]+ [A-Z][a-z]+ <' >/dev/null
$N devnp D 200 0 apt:es:es:DESCRIPCIÓN:5 man-db:es:es:DESCRIPCIÓN:4 dpkg:es:es:DESCRIPCIÓN:3 apt:pt:pt:DESCRIÇÃO:5 \
  man-db:pt:pt_BR:DESCRIÇÃO:4 dpkg:pt:pt:DESCRIÇÃO:3 apt:en:C:DESCRIPTION:5 man-db:en:C:DESCRIPTION:4 \
  dpkg:en:C:DESCRIPTION:3 >/dev/null
MINCAP=1 $N devnp2 D 230 0 debhelper:es:es:DESCRIPCIÓN:5 dpkg-dev:es:es:DESCRIPCIÓN:4 man-db:es:es:DESCRIPCIÓN:4 \
  dpkg:es:es:DESCRIPCIÓN:3 >/dev/null

# test: manpages-es, manpages-pt-br, grep, tar, coreutils, findutils
$P tes TE manpages-es:es:es:TRADUCCIÓN:para manpages-es:es:es:AUTOR,AUTORES,COPYRIGHT:whole >/dev/null
EXACT=1 $P tpt TP manpages-pt-br:pt:pt_BR:TRADUÇÃO:para 'manpages-pt-br:pt:pt_BR:AUTOR,AUTORES,DIREITOS AUTORAIS:whole' \
  >/dev/null
python3 - <<'PY'
import json, re
# the licence boilerplate paragraphs that close every translated page are left out of the pools
for name, bp in [('tes', r'(Esta traducción es documentación libre|Si encuentra algún error|Esto es software libre|documentación libre)'),
                 ('tpt', r'(Esta tradução é uma documentação livre|Se você encontrar algum erro|Free Software Foundation)')]:
    o = json.load(open(name + '.json'))
    k = [x for x in o if not re.search(bp, re.sub(r'\s+', ' ', x['text']))]
    json.dump(k, open(name + '.json', 'w'), ensure_ascii=False)
PY
$T ten1 TN 0 grep en /usr/share/doc/grep/AUTHORS para 20 40 >/dev/null
$T ten2 TN 100 tar en /usr/share/doc/tar/AUTHORS para 20 10 >/dev/null
$T ten3 TN 200 coreutils en /usr/share/doc/coreutils/AUTHORS lines:14 14 4 >/dev/null
$T ten4 TN 300 tar en /usr/share/doc/tar/THANKS.gz lines:12 12 40 >/dev/null
$T ten5coreutils TN 580 coreutils en /usr/share/doc/coreutils/changelog.Debian.gz changelog 25 6 '[A-Z][a-z]+ [A-Z][a-z]+' >/dev/null
$T ten5grep TN 480 grep en /usr/share/doc/grep/changelog.Debian.gz changelog 25 6 '[A-Z][a-z]+ [A-Z][a-z]+' >/dev/null
$T ten5tar TN 460 tar en /usr/share/doc/tar/changelog.Debian.gz changelog 25 6 '[A-Z][a-z]+ [A-Z][a-z]+' >/dev/null
$T ten5findutils TN 700 findutils en /usr/share/doc/findutils/changelog.Debian.gz changelog 25 6 '[A-Z][a-z]+ [A-Z][a-z]+' >/dev/null
MINCAP=2 $N tnp TX 0 0 manpages-es:es:es:DESCRIPCIÓN:70 >/dev/null
MINCAP=2 $N tnp2 TX 200 0 manpages-pt-br:pt:pt_BR:DESCRIÇÃO:45 >/dev/null
MINCAP=2 $N tnp3 TX 400 0 findutils:en:C:DESCRIPTION:12 grep:en:C:DESCRIPTION:6 tar:en:C:DESCRIPTION:6 \
  coreutils:en:C:DESCRIPTION:25 >/dev/null

B="python3 $here/build.py"
$B dev.jsonl dev devman.json devcl.json devnp.json devnp2.json <"$here/labels/dev.txt"
cat "$here"/labels/test-{es,pt,en,np}.txt | $B test.jsonl test tes.json tpt.json ten1.json ten2.json ten3.json \
  ten4.json ten5coreutils.json ten5grep.json ten5tar.json ten5findutils.json tnp.json tnp2.json tnp3.json
cmp dev.jsonl "$root/samples/pii-real/dev.jsonl" && cmp test.jsonl "$root/samples/pii-real/test.jsonl" \
  && echo "pii-real: dev.jsonl and test.jsonl are identical to samples/pii-real" >&2
