#!/usr/bin/env bash
# Rebuilds forja-core/src/main/resources/dev/forja/prepare/pii/name-model.bin from Debian data on this machine
# (distant supervision; see name-model.README.md beside the model). Needs: lz4, msgunfmt (gettext), perl, a built
# forja-core (mvn -o -q -pl forja-core -am compile), python3 with yaml, curl (Maven Central). Takes a few minutes.
# Deterministic for the same inputs.
#   positives: words of people's names in the Maintainer fields of apt's bookworm Packages list and of
#              /var/lib/dpkg/status, in the trailer lines (" -- Name <e-mail>  date") of
#              /usr/share/doc/*/changelog.Debian.gz, forja's own gazetteer (first-names.txt, surnames.txt),
#              "Name <e-mail>" anywhere in /usr/share/doc, the Last-Translator of /usr/share/locale's messages, and
#              Datafaker's first names (given-name model only; see below); the packages of samples/pii-real left out
#   negatives: capitalised words seen 3 times or more, and lower-case words seen 5 times or more (capitalised), in
#              English man pages (/usr/share/man/man[1-8], without their AUTHOR, COPYRIGHT, HISTORY ... sections),
#              in /usr/share/doc text files (README, NEWS, FAQ, *.txt; not changelogs, copyright or credit files)
#              and in the Spanish and Portuguese messages of /usr/share/locale/{es,pt,pt_BR}/LC_MESSAGES/*.mo,
#              skipping lines that credit people (e-mail, copyright, author, thanks, translat*, maintain*)
# Never used, because they are the sources of samples/pii-real's held-out test set: manpages-es, manpages-pt-br,
# grep, tar, coreutils, findutils (every file these packages install), and debian-reference-*, maint-guide-*.
set -euo pipefail
root=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
res="$root/forja-core/src/main/resources/dev/forja/prepare/pii"
excluded='manpages-es|manpages-pt-br|debian-reference|maint-guide'
# the files the test set's packages install, left out by name
dpkg -L grep tar coreutils findutils 2>/dev/null | grep -E '^/usr/share/(man|doc)/' | sort -u > "$work/held-out.txt" || true
held_out() { if [ -s "$work/held-out.txt" ]; then grep -vxFf "$work/held-out.txt"; else cat; fi; }
team='\b(team|teams|maintainers?|group|developers|project|packag(ing|ers?)|debian|ubuntu|list|committee|foundation|members|community|uploaders|bot|robot|society|association|organi[sz]ation|consortium|software|inc\.?|ltd\.?|gmbh|labs?|systems|utilities|parser|language|processing|freedombox|qa|security|release|admins?|support|lists?|alioth|upstream)\b'
name_words() { # one name a line in, its capitalised words out
  perl -CSD -ne 'for (split /[\s,()"]+/) { print "$_\n" if /^\p{Lu}[\p{L}\x{2019}'"'"'-]*\p{Ll}[\p{L}\x{2019}'"'"'-]*$/ && length($_) >= 2 }'
}
{
  for f in /var/lib/apt/lists/*_Packages.lz4; do [ -e "$f" ] && lz4 -dc "$f"; done
  cat /var/lib/dpkg/status
} | grep -aE '^(Maintainer|Uploaders):' | sed -E 's/^[A-Za-z]+: //' | tr ',' '\n' | sed -E 's/<[^>]*>//g; s/^ +//; s/ +$//' \
  > "$work/maintainers.txt"
for f in /usr/share/doc/*/changelog.Debian.gz; do
  case "$f" in *manpages-es*|*manpages-pt-br*|*debian-reference*|*maint-guide*) continue;; esac
  case "$f" in /usr/share/doc/grep/*|/usr/share/doc/tar/*|/usr/share/doc/coreutils/*|/usr/share/doc/findutils/*) continue;; esac
  zcat -f "$f" 2>/dev/null | grep -a '^ -- ' | sed -E 's/^ -- //; s/ *<.*//' || true
done > "$work/trailers.txt"
# people: entries of two to five words once teams and parenthesised nicknames are dropped
cat "$work/maintainers.txt" "$work/trailers.txt" | grep -aviE "$team" | sed -E 's/\([^)]*\)//g; s/"[^"]*"//g' \
  | awk 'NF >= 2 && NF <= 5' | sort -u > "$work/people.txt"
{ name_words < "$work/people.txt"; grep -v '^#' "$res/first-names.txt"; grep -v '^#' "$res/surnames.txt"; } \
  | grep -v '^$' | sort -u > "$work/names.txt"
# the documentation of every package whose source package gave samples/pii-real a record (dev and test): kept out
# of the extra people below, so that neither set is measured on names the model was trained on
set_pkgs=$(python3 -c "import sys; sys.path.insert(0, '$root/tools/pii-real'); import pkgs; print(' '.join(pkgs.VER))")
set_sources=$({ dpkg-query -W -f='${Package} ${source:Package}\n' $set_pkgs 2>/dev/null || true; } | awk '{ print $2 }' | sort -u)
dpkg-query -W -f='${Package} ${source:Package}\n' | awk -v s=" $(echo $set_sources) " 'index(s, " " $2 " ") { print "/usr/share/doc/" $1 "/" }' \
  > "$work/set-docs.txt"
for p in $set_pkgs; do echo "/usr/share/doc/$p/"; done >> "$work/set-docs.txt"
credit='@|copyright|\(c\)|author|thank|translat|tradu|maintain|mantenedor|contribu|written by|escrit[oa] por|por:|by:'
{
  # man pages without their credit sections (AUTHOR, COPYRIGHT, HISTORY, TRANSLATION ...) or roff requests
  find /usr/share/man/man[1-8] -type f 2>/dev/null | grep -vE "$excluded" | held_out | sort | while read -r f; do
    zcat -f "$f" 2>/dev/null | awk '/^\.S[Hh] / { t = toupper($0); skip = t ~ /AUTHOR|AUTOR|COPYRIGHT|THANK|HISTORY|TRANSLAT|TRADU|CREDIT|MAINTAIN|CONTRIBUT|REPORTING/; next }
      !skip && !/^\.(TH|\\")/ { print }' | sed -E 's/\\f[BIRP]//g; s/\\\(..//g; s/\\.//g' || true
  done
  find /usr/share/doc -type f \( -iname 'README*' -o -iname 'NEWS*' -o -iname 'FAQ*' -o -iname '*.txt' \) \
    ! -iname '*changelog*' ! -iname '*copyright*' ! -iname '*AUTHORS*' ! -iname '*THANKS*' ! -iname '*CREDITS*' \
    2>/dev/null | grep -vE "$excluded" | held_out | sort | while read -r f; do zcat -f "$f" 2>/dev/null || true; done
  for f in /usr/share/locale/{es,pt,pt_BR}/LC_MESSAGES/*.mo; do
    [ -e "$f" ] && { msgunfmt "$f" 2>/dev/null | grep -a '^msgstr\|^"' | grep -av 'Last-Translator\|Language-Team' || true; }
  done
} | iconv -c -f UTF-8 -t UTF-8 | grep -aivE "$credit" > "$work/corpus.txt"
# negatives: capitalised words seen 3 times or more, and every word seen 5 times or more in lower case, capitalised
# ("este" → "Este"): a word people write in lower case is not a name
perl -CSD -ne 'for (split /[^\p{L}\x{2019}'"'"'-]+/) { s/^[-'"'"']+|[-'"'"']+$//g;
    if (/^\p{Lu}\p{Ll}[\p{L}'"'"'-]*$/) { print "$_\n" } elsif (/^\p{Ll}{3,}$/) { print ucfirst($_) . "\tlower\n" } }' \
  < "$work/corpus.txt" | sort | uniq -c \
  | awk '($3 == "" && $1 >= 3) || ($3 == "lower" && $1 >= 5) { print $2 }' | sort -u > "$work/others.txt"
# more people, beyond Debian's maintainers: "Name <e-mail>" anywhere in /usr/share/doc (credits, copyright files,
# changelogs) outside set-docs.txt and the Last-Translator of every language's messages; their words that technical
# text uses (others.txt) are left out. The first names of Datafaker's locales (net.datafaker:datafaker 2.4.2,
# Apache-2.0, fetched from Maven Central into the work directory; Latin script only) train the given-name model
# below (its surname lists made the name model call Spanish words names, so they are not used).
find /usr/share/doc -type f 2>/dev/null | grep -vFf "$work/set-docs.txt" | grep -vE "$excluded" | sort | while read -r f; do
  zcat -f "$f" 2>/dev/null || true
done | iconv -c -f UTF-8 -t UTF-8 \
  | grep -aoP "\b\p{Lu}[\p{L}'-]+(?: (?:\p{Lu}\.|\p{Lu}[\p{L}'-]+|van|von|de|da|der|del|dos|le)){1,4}(?=\s*[<(][^\s<>()]+@)" \
  | grep -aviE "$team" > "$work/doc-people.txt" || true
for f in /usr/share/locale/*/LC_MESSAGES/*.mo; do
  msgunfmt "$f" 2>/dev/null | grep -a -m1 'Last-Translator' || true
done | sed -E 's/.*Last-Translator: //; s/ *<.*//; s/\\n.*//' | iconv -c -f UTF-8 -t UTF-8 | grep -aviE "$team" \
  | awk 'NF >= 2 && NF <= 5' | sort -u > "$work/translators.txt"
[ -s "$work/datafaker-2.4.2.jar" ] || curl -sf -o "$work/datafaker-2.4.2.jar" \
  https://repo1.maven.org/maven2/net/datafaker/datafaker/2.4.2/datafaker-2.4.2.jar
rm -rf "$work/faker" && mkdir -p "$work/faker" && (cd "$work/faker" && unzip -q -o ../datafaker-2.4.2.jar '*.yml')
python3 - "$work/faker" "$work/faker-first-names.txt" > "$work/faker-names.txt" <<'PY'
import glob, re, sys, yaml
keys = {'first_name', 'last_name', 'male_first_name', 'female_first_name', 'neutral_first_name'}
out, first = set(), set()
def walk(node, in_name):
    if isinstance(node, dict):
        for k, v in node.items():
            if in_name and k in keys and isinstance(v, list):
                for x in v:
                    if isinstance(x, str) and '#{' not in x:
                        for w in x.split():
                            if (re.fullmatch(r"[^\W\d_][\w'’-]*", w) and w[0].isupper()
                                    and any(c.islower() for c in w) and all(ord(c) < 0x370 for c in w)):
                                out.add(w)
                                if k != 'last_name':
                                    first.add(w)
            walk(v, in_name or k == 'name')
    elif isinstance(node, list):
        for x in node:
            walk(x, in_name)
for f in sorted(glob.glob(sys.argv[1] + '/*.yml') + glob.glob(sys.argv[1] + '/en/name.yml')):
    walk(yaml.safe_load(open(f, encoding='utf-8')), False)
print('\n'.join(sorted(out)))
open(sys.argv[2], 'w', encoding='utf-8').write('\n'.join(sorted(first)) + '\n')
PY
{ name_words < "$work/doc-people.txt"; name_words < "$work/translators.txt"; } \
  | grep -v '^$' | sort -u | grep -vxFf "$work/others.txt" > "$work/extra-names.txt" || true
sort -u "$work/names.txt" "$work/extra-names.txt" -o "$work/names.txt"
echo "names: $(wc -l < "$work/names.txt") words from $(wc -l < "$work/people.txt") people; others: $(wc -l < "$work/others.txt") words" >&2
java -cp "$root/forja-core/target/classes" dev.forja.prepare.pii.NameModelTrainer \
  "$work/names.txt" "$work/others.txt" "$res/name-model.bin"
# given names: Datafaker's first names, the gazetteer's, and the first word of every person above, against the other
# words and the surnames (last words) that are never a first word
first_word() { perl -CSD -ne 'my @w = grep { /^\p{Lu}[\p{L}\x{2019}'"'"'-]*\p{Ll}/ } split /[\s,()"]+/; print "$w[0]\n" if @w >= 2'; }
last_word() { perl -CSD -ne 'my @w = grep { /^\p{Lu}[\p{L}\x{2019}'"'"'-]*\p{Ll}/ } split /[\s,()"]+/; print "$w[-1]\n" if @w >= 2'; }
{ cat "$work/faker-first-names.txt"; grep -v '^#' "$res/first-names.txt"
  cat "$work/people.txt" "$work/doc-people.txt" "$work/translators.txt" | first_word | sort -u \
    | grep -vxFf "$work/others.txt"; } | grep -v '^$' | sort -u > "$work/first-names.txt"
{ cat "$work/others.txt"; cat "$work/people.txt" "$work/doc-people.txt" "$work/translators.txt" | last_word; } \
  | grep -v '^$' | sort -u | grep -vxFf "$work/first-names.txt" > "$work/not-first-names.txt" || true
echo "first names: $(wc -l < "$work/first-names.txt") words; others: $(wc -l < "$work/not-first-names.txt")" >&2
java -cp "$root/forja-core/target/classes" dev.forja.prepare.pii.NameModelTrainer \
  "$work/first-names.txt" "$work/not-first-names.txt" "$res/first-name-model.bin"
echo "wrote $res/name-model.bin and first-name-model.bin (work files in $work)" >&2
