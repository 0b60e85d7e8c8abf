#!/usr/bin/env bash
# Rebuilds forja-core/src/main/resources/dev/forja/prepare/pii/name-model.bin from Debian data on this machine
# (distant supervision; see name-model.README.md beside the model). Needs: lz4, msgunfmt (gettext), perl, a built
# forja-core (mvn -o -q -pl forja-core -am compile). Takes a few minutes. Deterministic for the same inputs.
#   positives: words of people's names in the Maintainer fields of apt's bookworm Packages list and of
#              /var/lib/dpkg/status, in the trailer lines (" -- Name <e-mail>  date") of
#              /usr/share/doc/*/changelog.Debian.gz, and forja's own gazetteer (first-names.txt, surnames.txt)
#   negatives: capitalised words seen 3 times or more, and lower-case words seen 5 times or more (capitalised), in
#              English man pages (/usr/share/man/man[1-8], without their AUTHOR, COPYRIGHT, HISTORY ... sections),
#              in /usr/share/doc text files (README, NEWS, FAQ, *.txt; not changelogs, copyright or credit files)
#              and in the Spanish and Portuguese messages of /usr/share/locale/{es,pt,pt_BR}/LC_MESSAGES/*.mo,
#              skipping lines that credit people (e-mail, copyright, author, thanks, translat*, maintain*)
# Never used, because they are the sources of samples/pii-real: manpages-es, manpages-pt-br, debian-reference-*,
# maint-guide-*.
set -euo pipefail
root=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
work=${WORK:-$(mktemp -d)}
res="$root/forja-core/src/main/resources/dev/forja/prepare/pii"
excluded='manpages-es|manpages-pt-br|debian-reference|maint-guide'
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
  zcat -f "$f" 2>/dev/null | grep -a '^ -- ' | sed -E 's/^ -- //; s/ *<.*//' || true
done > "$work/trailers.txt"
# people: entries of two to five words once teams and parenthesised nicknames are dropped
cat "$work/maintainers.txt" "$work/trailers.txt" | grep -aviE "$team" | sed -E 's/\([^)]*\)//g; s/"[^"]*"//g' \
  | awk 'NF >= 2 && NF <= 5' | sort -u > "$work/people.txt"
{ name_words < "$work/people.txt"; grep -v '^#' "$res/first-names.txt"; grep -v '^#' "$res/surnames.txt"; } \
  | grep -v '^$' | sort -u > "$work/names.txt"
credit='@|copyright|\(c\)|author|thank|translat|tradu|maintain|mantenedor|contribu|written by|escrit[oa] por|por:|by:'
{
  # man pages without their credit sections (AUTHOR, COPYRIGHT, HISTORY, TRANSLATION ...) or roff requests
  find /usr/share/man/man[1-8] -type f 2>/dev/null | grep -vE "$excluded" | sort | while read -r f; do
    zcat -f "$f" 2>/dev/null | awk '/^\.S[Hh] / { t = toupper($0); skip = t ~ /AUTHOR|AUTOR|COPYRIGHT|THANK|HISTORY|TRANSLAT|TRADU|CREDIT|MAINTAIN|CONTRIBUT|REPORTING/; next }
      !skip && !/^\.(TH|\\")/ { print }' | sed -E 's/\\f[BIRP]//g; s/\\\(..//g; s/\\.//g' || true
  done
  find /usr/share/doc -type f \( -iname 'README*' -o -iname 'NEWS*' -o -iname 'FAQ*' -o -iname '*.txt' \) \
    ! -iname '*changelog*' ! -iname '*copyright*' ! -iname '*AUTHORS*' ! -iname '*THANKS*' ! -iname '*CREDITS*' \
    2>/dev/null | grep -vE "$excluded" | sort | while read -r f; do zcat -f "$f" 2>/dev/null || true; done
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
echo "names: $(wc -l < "$work/names.txt") words from $(wc -l < "$work/people.txt") people; others: $(wc -l < "$work/others.txt") words" >&2
java -cp "$root/forja-core/target/classes" dev.forja.prepare.pii.NameModelTrainer \
  "$work/names.txt" "$work/others.txt" "$res/name-model.bin"
echo "wrote $res/name-model.bin (work files in $work)" >&2
