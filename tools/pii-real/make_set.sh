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
# dev2 (the larger tuning set): credits, changelogs, copyright files, NEWS and history of other packages
pkgs2="bc=1.07.1-3+b1 cscope=15.9-1 ed=1.19-1 libexpat1=2.5.0-1+deb12u2 libidn2-0=2.3.3-1+b1 liblzma5=5.4.1-1+deb12u1
       time=1.9-0.2 make=4.3-4.1 libtasn1-6=4.19.0-2+deb12u1 libsodium23=1.0.18-1+deb12u1 jq=1.6-2.1+deb12u2
       sed=4.9-1+deb12u1 wget=1.21.3-1+deb12u1 gnupg=2.2.40-1.1+deb12u2 patch=2.7.6-7
       po4a=0.69-1 fakeroot=1.31-1.2 debianutils=5.7-0.5~deb12u1 base-passwd=3.6.1 debian-history=2.28
       passwd=1:4.13+dfsg1-1+deb12u2 procps=2:4.0.2-3 psmisc=23.6-1 sensible-utils=0.0.17+nmu1 apt-utils=2.6.1"
# dev3 (more Portuguese and Spanish tuning text): man pages, gettext catalogues, the Debian Reference and Handbook
pkgs3="apt-listchanges=3.24 deborphan=1.7.35 debsums=3.0.2.1 dselect=1.21.23 po-debconf=1.0.21+nmu1 synaptic=0.91.3
       nmap=7.93+dfsg1-1 adduser=3.134 apt-listbugs=0.1.40 aptitude-common=0.8.13-5 dctrl-tools=2.24-3+b1 debdelta=0.67
       gettext=0.21-12 kbd=2.5.1-1+b1 login=1:4.13+dfsg1-1+deb12u2 tasksel=3.73 unattended-upgrades=2.9.1+nmu3
       system-config-printer-common=1.5.18-1 libglib2.0-data=2.74.6-2+deb12u9 libgtk2.0-common=2.24.33-2+deb12u1
       libgtk-3-common=3.24.38-2~deb12u3 gsettings-desktop-schemas=43.0-1 libgstreamer1.0-0=1.22.0-2+deb12u1
       libexif12=0.6.24-1+deb12u1 net-tools=2.10-0.1+deb12u2 libpam-runtime=1.5.2-6+deb12u2 python-apt-common=2.6.0
       appstream=0.16.1-2+b1 shared-mime-info=2.2-1 git=1:2.39.5-0+deb12u3 cups-pk-helper=0.2.6-1+b1 libpopt0=1.19+dfsg-1
       systemd=252.39-1~deb12u2 iso-codes=4.15.0-1 debian-reference-pt=2.100 apt-show-versions=0.22.13+nmu1
       debian-reference-es=2.100 debian-handbook=11.20220922"
apt-get download $pkgs $pkgs2 $pkgs3 >&2
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

# dev2 (the larger tuning set), English (keys E...): every candidate is printed by the pool scripts; labels/dev2-en.txt picks and labels some
d=/usr/share/doc
R='(GNU|Linux|POSIX|Windows|OpenSSL|GnuTLS|MinGW|Cygwin|Solaris|macOS|FreeBSD|Debian|HTTP|HTTPS|FTP|UTF-8|Unicode|IDN|PCRE)'
$T d2bc E 0 bc en $d/bc/AUTHORS para 10 5 >/dev/null
$T d2cscope E 10 cscope en $d/cscope/AUTHORS lines:12 12 5 >/dev/null
$T d2ed E 20 ed en $d/ed/AUTHORS para 12 10 >/dev/null
$T d2expat E 30 libexpat1 en $d/libexpat1/AUTHORS para 12 5 >/dev/null
$T d2idn E 40 libidn2-0 en $d/libidn2-0/AUTHORS para 12 5 >/dev/null
$T d2lzma E 50 liblzma5 en $d/liblzma5/AUTHORS para 12 15 >/dev/null
$T d2time E 70 time en $d/time/AUTHORS para 12 10 >/dev/null
$T d2make E 80 make en $d/make/AUTHORS para 30 20 >/dev/null
$T d2lzmat E 100 liblzma5 en $d/liblzma5/THANKS lines:16 16 20 >/dev/null
$T d2tasn E 130 libtasn1-6 en $d/libtasn1-6/THANKS para 25 5 >/dev/null
$T d2sod E 140 libsodium23 en $d/libsodium23/THANKS lines:12 12 20 >/dev/null
$T d2clbc E 200 bc en $d/bc/changelog.Debian.gz changelog 25 12 >/dev/null
$T d2clcs E 220 cscope en $d/cscope/changelog.Debian.gz changelog 25 12 >/dev/null
$T d2cljq E 240 jq en $d/jq/changelog.Debian.gz changelog 25 12 >/dev/null
$T d2clsed E 260 sed en $d/sed/changelog.Debian.gz changelog 25 12 >/dev/null
$T d2clwget E 280 wget en $d/wget/changelog.Debian.gz changelog 25 12 >/dev/null
$T d2cltime E 300 time en $d/time/changelog.Debian.gz changelog 25 12 >/dev/null
$T d2cpbc E 400 bc en $d/bc/copyright para 12 30 >/dev/null
$T d2cpcs E 440 cscope en $d/cscope/copyright para 12 30 >/dev/null
$T d2cptime E 480 time en $d/time/copyright para 12 30 >/dev/null
$T d2cpidn E 560 libidn2-0 en $d/libidn2-0/copyright para 12 30 'Copyright' >/dev/null
$T d2nwget E 600 wget en $d/wget/NEWS.gz para 6 15 "$R" >/dev/null
$T d2nlzma E 640 liblzma5 en $d/liblzma5/NEWS.gz para 6 15 "$R" >/dev/null
$T d2nmake E 680 make en $d/make/NEWS.gz para 6 15 "$R" >/dev/null
$T d2nsed E 720 sed en $d/sed/NEWS.gz para 6 12 "$R" >/dev/null
$T d2ngpg E 760 gnupg en $d/gnupg/README.gz para 8 15 "$R" >/dev/null
$T d2clmake E 800 make en $d/make/changelog.Debian.gz changelog 40 12 '[a-z] [A-Z][a-z]+\n +[A-Z][a-z]+' >/dev/null
$T d2cltime2 E 840 time en $d/time/changelog.Debian.gz changelog 40 5 'Thanks [A-Z][a-z]+\n +[A-Z]' >/dev/null
$T d2wgetcl E 860 wget en $d/wget/changelog.gz para 12 5 'by [A-Z][a-z]+\n\t[A-Z]' >/dev/null
$T d2patchcl E 870 patch en $d/patch/changelog.gz para 12 5 'from [A-Z][a-z]+\n\t[A-Z]' >/dev/null
$T d2gpgn E 880 gnupg en $d/gnupg/NEWS.gz para 12 5 'to [A-Z][a-z]+\n +[A-Z]' >/dev/null
dev2en="d2bc d2cscope d2ed d2expat d2idn d2lzma d2time d2make d2lzmat d2tasn d2sod d2clbc d2clcs d2cljq d2clsed d2clwget
        d2cltime d2cpbc d2cpcs d2cptime d2cpidn d2nwget d2nlzma d2nmake d2nsed d2ngpg d2clmake d2cltime2 d2wgetcl d2patchcl
        d2gpgn"

# dev2, Spanish (keys S...): man pages of po4a, fakeroot, debianutils, base-passwd; debian-history's Spanish history
$P d3man S po4a:es:es:AUTORES,AUTOR,TRADUCCION,'DERECHO DE COPIA Y LICENCIA':whole fakeroot:es:es:AUTORES,TRADUCTOR,COPIA:whole \
  debianutils:es:es:COPYRIGHT,AUTOR:whole base-passwd:es:es:AUTOR:whole >/dev/null
h=$d/debian-history
$T d3hist S 100 debian-history es $h/docs/project-history.es.txt.gz para 14 400 >/dev/null
$T d3ded S 600 debian-history es $h/dedication/dedication-9.0.es.txt para 20 50 >/dev/null
$T d3ded22 S 620 debian-history es $h/dedication/dedication-2.2.es.txt para 20 20 >/dev/null
$T d3ded50 S 640 debian-history es $h/dedication/dedication-5.0.es.txt para 20 20 >/dev/null
dev2es="d3man d3hist d3ded d3ded22 d3ded50"

# dev2, Portuguese (keys B...): pt/pt_BR man pages of po4a, debianutils, fakeroot, passwd, procps, psmisc, sensible-utils,
# apt-utils; debian-history's Portuguese history and dedications
S='AUTOR,AUTORES,TRADUÇÃO,TRADUTOR,TRADUÇÃO E REVISÃO PARA A LÍNGUA PORTUGUESA,DIREITOS DE AUTOR E LICENÇA,COPYRIGHT E LICENÇA'
S="$S,COPIAR,COPYRIGHT,DIREITOS AUTORAIS"
$P d4man B "po4a:pt:pt:$S:whole" "po4a:pt:pt_BR:$S:whole" "debianutils:pt:pt:$S:whole" "fakeroot:pt:pt:$S:whole" \
  "passwd:pt:pt_BR:$S:whole" "procps:pt:pt_BR:$S:whole" "psmisc:pt:pt_BR:$S:whole" "sensible-utils:pt:pt:$S:whole" \
  "apt-utils:pt:pt:$S:whole" >/dev/null
$T d4hist B 100 debian-history pt $h/docs/project-history.pt.txt.gz para 14 400 >/dev/null
$T d4ded90 B 600 debian-history pt $h/dedication/dedication-9.0.pt.txt para 20 20 >/dev/null
$T d4ded50 B 620 debian-history pt $h/dedication/dedication-5.0.pt.txt para 20 20 >/dev/null
$T d4ded22 B 640 debian-history pt $h/dedication/dedication-2.2.pt_BR.txt para 20 20 >/dev/null
dev2pt="d4man d4hist d4ded90 d4ded50 d4ded22"

# dev3, Portuguese (keys Q...): pt/pt_BR man pages of apt-listchanges, deborphan, debsums, dselect, po-debconf, synaptic
# and nmap (credits; paragraphs with no person), the pt/pt_BR/pt_PT gettext catalogues of other packages (header,
# translator-credits, credit messages), the Portuguese Debian Reference (credits, history; paragraphs with no person)
# and the Brazilian Portuguese Debian Administrator's Handbook (HTML paragraphs: acknowledgments, the project's history)
S='AUTOR,AUTORES,TRADUÇÃO,TRADUTOR,COPYRIGHT'
$P d5man Q "apt-listchanges:pt:pt:$S:whole" "deborphan:pt:pt:$S:whole" "debsums:pt:pt:$S:para" "dselect:pt:pt:$S:whole" \
  "po-debconf:pt:pt:$S:whole" "synaptic:pt:pt_BR:$S:whole" "nmap:pt:pt:$S:para" "nmap:pt:pt_BR:$S:para" >/dev/null
M=""
for pd in adduser:adduser apt-listbugs:apt-listbugs apt-listchanges:apt-listchanges aptitude-common:aptitude \
    dctrl-tools:dctrl-tools debdelta:debdelta deborphan:deborphan dselect:dselect gettext:gettext-tools kbd:kbd \
    login:shadow synaptic:synaptic tasksel:tasksel unattended-upgrades:unattended-upgrades \
    system-config-printer-common:system-config-printer libglib2.0-data:glib20 libgtk2.0-common:gtk20 \
    libgtk-3-common:gtk30-properties gsettings-desktop-schemas:gsettings-desktop-schemas libgstreamer1.0-0:gstreamer-1.0 \
    libexif12:libexif-12 net-tools:net-tools libpam-runtime:Linux-PAM python-apt-common:python-apt appstream:appstream \
    shared-mime-info:shared-mime-info git:git cups-pk-helper:cups-pk-helper libpopt0:popt systemd:systemd \
    iso-codes:iso_3166-1 iso-codes:iso_4217 iso-codes:iso_639-3 iso-codes:iso_3166-3; do
  for l in pt pt_BR pt_PT; do
    f=/usr/share/locale/$l/LC_MESSAGES/${pd#*:}.mo
    if [ -f "x-${pd%%:*}$f" ]; then M="$M ${pd%%:*}:pt:$f"; fi
  done
done
python3 "$here/mopool.py" d5mo Q 100 'Copyright (\S+ )?[0-9]|Autor original' -- $M >/dev/null
MINCAP=1 $N d5np Q 300 0 'adduser:pt:pt:DESCRIÇÃO,NOTAS,SEGURANÇA:8' 'apt-listchanges:pt:pt:DESCRIÇÃO:2' \
  'deborphan:pt:pt:DESCRIÇÃO:2' 'debsums:pt:pt:DESCRIÇÃO,ADVERTÊNCIAS:3' 'dselect:pt:pt:DESCRIÇÃO:3' \
  'po-debconf:pt:pt:DESCRIÇÃO,AVISOS:8' 'synaptic:pt:pt_BR:DESCRIÇÃO:2' \
  'nmap:pt:pt:DESCRIÇÃO,DETECÇÃO DE SO,DETECÇÃO DE SERVIÇO E VERSÃO,BUGS,ESPECIFICAÇÃO DE ALVO,EVITANDO E ENGANANDO O FIREWALL/IDS:8' \
  'nmap:pt:pt_BR:DESCOBERTA DE HOSTS,FUNDAMENTOS DO ESCANEAMENTO DE PORTAS,BUGS,EVITANDO E ENGANANDO O FIREWALL/IDS:6' \
  >/dev/null
$T d5ref Q 500 debian-reference-pt pt /usr/share/debian-reference/debian-reference.pt.txt.gz para 16 2000 \
  '[A-Z][a-zà-ú]+\s+([A-Z]\.\s+|van\s+)?[A-Z][a-zà-ú]+' >/dev/null
hb=/usr/share/doc/debian-handbook/html
HB="index.html foreword.html sect.book-structure.html sect.acknowledgments.html sect.future-of-this-book.html
    the-debian-project.html sect.foundation-documents.html sect.debian-internals.html sect.release-lifecycle.html
    sect.why-gnu-linux.html sect.source-package-structure.html"
python3 "$here/htmlpool.py" d5hb Q 2000 debian-handbook pt $hb/pt-BR $HB >/dev/null
dev3pt="d5man d5mo d5np d5ref d5hb"

# dev3, Spanish (keys U...): es man pages of apt-show-versions, aptitude-common, deborphan, debsums, dselect, po-debconf,
# synaptic and nmap, the es gettext catalogues of the same packages as above, the Spanish Debian Reference and Handbook
S='AUTOR,AUTORES,TRADUCCIÓN,TRADUCTOR,COPYRIGHT,NOTAS DE LA TRADUCCIÓN'
$P d6man U "apt-show-versions:es:es:$S:whole" "aptitude-common:es:es:$S:para" "deborphan:es:es:$S:whole" \
  "debsums:es:es:$S:para" "dselect:es:es:$S:whole" "po-debconf:es:es:$S:whole" "synaptic:es:es:$S:whole" \
  "nmap:es:es:$S:para" >/dev/null
M=""
for pd in adduser:adduser apt-listbugs:apt-listbugs apt-listchanges:apt-listchanges aptitude-common:aptitude \
    dctrl-tools:dctrl-tools deborphan:deborphan dselect:dselect gettext:gettext-tools kbd:kbd login:shadow \
    synaptic:synaptic tasksel:tasksel unattended-upgrades:unattended-upgrades system-config-printer-common:system-config-printer \
    libglib2.0-data:glib20 libgtk2.0-common:gtk20 libgtk-3-common:gtk30-properties \
    gsettings-desktop-schemas:gsettings-desktop-schemas libgstreamer1.0-0:gstreamer-1.0 libexif12:libexif-12 \
    libpam-runtime:Linux-PAM python-apt-common:python-apt appstream:appstream shared-mime-info:shared-mime-info git:git \
    cups-pk-helper:cups-pk-helper libpopt0:popt systemd:systemd iso-codes:iso_3166-1 iso-codes:iso_4217; do
  f=/usr/share/locale/es/LC_MESSAGES/${pd#*:}.mo
  if [ -f "x-${pd%%:*}$f" ]; then M="$M ${pd%%:*}:es:$f"; fi
done
python3 "$here/mopool.py" d6mo U 100 'Copyright (\S+ )?[0-9]|Autor original' -- $M >/dev/null
MINCAP=1 $N d6np U 300 0 'apt-show-versions:es:es:DESCRIPCIÓN:2' 'aptitude-common:es:es:DESCRIPCIÓN:3' \
  'deborphan:es:es:DESCRIPCIÓN:2' 'debsums:es:es:DESCRIPCIÓN,ADVERTENCIAS:3' 'dselect:es:es:DESCRIPCIÓN:2' \
  'po-debconf:es:es:DESCRIPCIÓN,ADVERTENCIAS:8' 'synaptic:es:es:DESCRIPCIÓN:2' \
  'nmap:es:es:DESCRIPCIÓN,DETECCIÓN DE SISTEMA OPERATIVO,DETECCIÓN DE SERVICIOS Y DE VERSIONES,FALLOS,EVASIÓN DE CORTAFUEGOS/IDS Y FALSIFICACIÓN,SALIDA:8' \
  >/dev/null
$T d6ref U 500 debian-reference-es es /usr/share/debian-reference/debian-reference.es.txt.gz para 16 2000 \
  '[A-Z][a-zà-ú]+\s+([A-Z]\.\s+|van\s+)?[A-Z][a-zà-ú]+' >/dev/null
python3 "$here/htmlpool.py" d6hb U 2000 debian-handbook es $hb/es-ES $HB >/dev/null
dev3es="d6man d6mo d6np d6ref d6hb"

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
cat "$here"/labels/dev.txt "$here"/labels/dev2-{en,es,pt}.txt "$here"/labels/dev3-{pt,es,hb}.txt | $B dev.jsonl dev \
  devman.json devcl.json devnp.json devnp2.json \
  $(for p in $dev2en $dev2es $dev2pt $dev3pt $dev3es; do echo $p.json; done)
cat "$here"/labels/test-{es,pt,en,np}.txt | $B test.jsonl test tes.json tpt.json ten1.json ten2.json ten3.json \
  ten4.json ten5coreutils.json ten5grep.json ten5tar.json ten5findutils.json tnp.json tnp2.json tnp3.json
cmp dev.jsonl "$root/samples/pii-real/dev.jsonl" && cmp test.jsonl "$root/samples/pii-real/test.jsonl" \
  && echo "pii-real: dev.jsonl and test.jsonl are identical to samples/pii-real" >&2
