package dev.forja.prepare.pii;

import static dev.forja.prepare.pii.PersonStopWords.ORGANISATION;
import static dev.forja.prepare.pii.PersonStopWords.STOP;
import static dev.forja.prepare.pii.TextLayout.endsLine;
import static dev.forja.prepare.pii.TextLayout.insideIdentifier;
import static dev.forja.prepare.pii.TextLayout.listItem;
import static dev.forja.prepare.pii.TextLayout.mayPrecedeAddress;
import static dev.forja.prepare.pii.TextLayout.modelNumberAfter;
import static dev.forja.prepare.pii.TextLayout.nextInList;
import static dev.forja.prepare.pii.TextLayout.startsWord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Person names found from their context and their letters, beyond any list: each {@link NameRun} of capitalised
 * words is trimmed of words that do not look like names ({@link NameModel}, a stop list of function, month and
 * organisation words), then kept according to the strongest cue around it.
 * <ol>
 *   <li>Strong: an e-mail right after ({@code "Alan Cox <alan@…>"}, {@code "(alan@…)"}), a credit verb
 *       ({@code "creada por"}, {@code "traduzido por"}, {@code "written by"}), a label ({@code "Autor:"},
 *       {@code "Translator:"}, {@code "Maintainer:"}, {@code "Last-Translator:"}), a copyright line
 *       ({@code "Copyright (C) 2003 …"}), a Debian changelog trailer ({@code " -- Name <e-mail>"}), a salutation
 *       or a signature after a closing ({@code "Saludos,\nName"}): one name word is enough.</li>
 *   <li>Medium: {@code "por"}, {@code "by"}, {@code "pelo"}, {@code "de"}: two name words that look like a name.</li>
 *   <li>None: two or more words that each look strongly like a name ({@code "Bernd Eckenfels wrote"}).</li>
 * </ol>
 * A name in a list after a cue ({@code "por A, B y C"}) takes the cue of the list.
 */
final class PersonContextRule implements PiiRule {
    private enum Cue {
        NONE,
        MEDIUM,
        TRIBUTE,
        STRONG
    }

    /**
     * Thresholds on {@link NameModel#score}: without a strong cue a word below LOW is trimmed; after a medium cue the
     * words' mean must reach MEDIUM_MEAN, without a cue every word HIGH; a lone word after a strong cue needs SINGLE.
     */
    static final double LOW = 0.02, MEDIUM_MEAN = 0.3, HIGH = 0.85, SINGLE = 0.1;

    /**
     * Without a cue, a run is also a name when its first word looks like a given name (at least GIVEN on the
     * first-name model, or in the gazetteer) and every later word scores at least REST.
     */
    static final double GIVEN = 0.5, REST = 0.3;

    /** After a tribute, a word alone is a name when it scores LONE_GIVEN on the first-name model. */
    static final double LONE_GIVEN = 0.45;

    private static final Pattern STRONG_BEFORE = Pattern.compile("(?:"
            // credit verbs, then "por" / "by" / "pelo"
            + "\\b(?:cread[oa]s?|escrit[oa]s?|traducid[oa]s?|revisad[oa]s?|mantenid[oa]s?|desarrollad[oa]s?"
            + "|actualizad[oa]s?|elaborad[oa]s?|corregid[oa]s?|adaptad[oa]s?|hech[oa]s?|feit[oa]s?|criad[oa]s?"
            + "|traduzid[oa]s?|realizad[oa]s?|mantid[oa]s?|desenvolvid[oa]s?|atualizad[oa]s?|escrita|written|translated|maintained"
            + "|created|developed|contributed|reported|originally|updated|reviewed|modified|edited|packaged"
            + "|debianized|prepared|authored|compiled|documented|designed|implemented|sponsored|uploaded)"
            + "\\s+(?:\\w+\\s+)?(?:por|by|pelo|pela|por parte de)\\s*:?\\s*"
            + "|\\b(?:thanks to|gracias a|agradecimientos a|obrigad[oa] (?:a|ao)|agradecimentos (?:a|ao))\\s*"
            // thanks in a changelog entry ("Thanks Riku Saikkonen.", "(thanks, Sune Vuorela and Wookey"), not a closing
            + "|\\b(?:thanks|gracias|obrigad[oa])(?:,[ \\t]*|[ \\t]+)"
            + "|\\b(?:patch|patches|fix|report|idea|suggestion)\\s+(?:from|by|de|por)\\s+"
            // active verbs of credit right before the names ("la traducción la realizaron …")
            + "|\\b(?:realizaron|realizo|tradujeron|tradujo|traduziram|traduziu|escribieron|escribio|escreveram"
            + "|escreveu|fizeram)\\s+"
            // labels
            + "|\\b(?:autor(?:es|a|as)?|authors?|autor\\(es\\)|author\\(s\\)|traductor(?:es|a|as)?|tradutor(?:es|a|as)?"
            + "|translators?|traduccion|traducao|revisor(?:es)?|maintainers?|mantenedor(?:es|a)?|contribuidor(?:es)?"
            + "|contributors?|colaborador(?:es)?|credits?|creditos|uploaders?|changed-by|last-translator"
            + "|reported-by|signed-off-by|acked-by|reviewed-by|tested-by|co-authored-by|written-by|suggested-by"
            + "|from|de|para|to|cc|firmado|assinado|contact|contacto|contato|responsable|responsavel)\\s*:\\s*"
            // copyright
            + "|\\b(?:copyright|\\(c\\)|©)\\s*:?\\s*(?:\\(c\\)|©)?\\s*(?:\\d{4}(?:\\s*[-–,]\\s*\\d{2,4})*[,.]?\\s*)*"
            // salutations
            + "|\\b(?:hola|ola|oi|dear|hi|hello|estimad[oa]s?|querid[oa]s?|prezad[oa]s?|car[oa])\\s+"
            // a form or JSON field that holds a name ("nombre=Luis+Soto", "{\\"name\\":\\"Ana Lima\\"")
            + "|(?:^|[^a-z_])(?:nombre|nombres|nombre_completo|apellidos?|nome|nome_completo|sobrenome|name|full_?name"
            + "|first_?name|last_?name|given_?name|family_?name|surname|titular|cliente|customer|usuario_nombre)"
            + "(?:\\\\?\"\\s*:\\s*\\\\?\"|=)"
            // a changelog trailer
            + "|(?:^|\\n) -- "
            // a label that opens a line with a credit word and ends in a colon, however long ("Tradução e revisão
            // para a língua portuguesa: ", "Traducción al español: ")
            + "|(?:^|\\n)[ \\t]*(?:traduccion|traducao|translation|revisao|revision|autor(?:es|a)?|authors?|written)"
            + "\\b[^\\n:]{0,60}:[ \\t]*"
            // a heading of its own line ("AUTHOR", "TRADUCCIÓN")
            + "|(?:^|\\n)[ \\t]*(?:autor(?:es|a)?|authors?|traduccion|traducao|translations?|translators?"
            + "|traductor(?:es)?|tradutor(?:es)?|maintainers?|mantenedor(?:es)?|credits?|creditos|contributors?"
            + "|colaboradores|thanks|agradecimientos|agradecimentos)[ \\t]*:?[ \\t]*\\r?\\n\\s*"
            // a signature: a closing, then a line break
            + "|\\b(?:saludos|un saludo|atentamente|cordialmente|regards|cheers|thanks|gracias|abracos|abraco"
            + "|atenciosamente|obrigad[oa]|sincerely|best|un abrazo)\\s*[,.!]?[ \\t]*\\r?\\n[ \\t]*"
            + ")$");
    /**
     * A tribute: a person's contributions, work or vision, a dedication to them (in Spanish and Portuguese; English
     * "dedicated to" names servers and lists as often), a relative of theirs. The person is often named by the given
     * name alone ("as contribuições de Ilse", "dedicamos esta versão ao Anatole", "his wife, Consuelo").
     */
    private static final Pattern TRIBUTE_BEFORE = Pattern.compile("(?:"
            + "\\b(?:contribuciones|contribucion|contribuicoes|contribuicao|contributos?|contributions?|trabajo"
            + "|trabalho|legado|legacy|vision|visao)\\s+(?:de|do|of|by)\\s+"
            + "|\\bdedic(?:a|ar|amos|ad[oa]s?|ou|o|aram|aron|ara)\\s(?:[^.]|\\.\\d){0,60}?\\b(?:a|ao)\\s+"
            + "|\\b(?:su|sua|seu|his|her|my|mi|meu|minha|our|their)\\s+(?:esposa|esposo|marido|mujer|mulher|wife"
            + "|husband|hijo|hija|filho|filha|daughter|hermano|hermana|irmao|irma|brother|sister)\\s*,?\\s*"
            // an obituary's heading or a memorial ("Morre Oddone Ferrucci", "en memoria de Ana Ruiz")
            + "|\\b(?:morre|muere|in memoriam|em memoria de|en memoria de|in memory of)\\s+"
            // reported speech ("segundo Gustavo, …", "según Javier", "according to Colin")
            + "|\\b(?:segundo|conforme|de acordo com|segun|de acuerdo con|according to)\\s+"
            + ")$");
    /** A death told right after a name ({@code "Ana Ruiz falleció"}): as strong as a tribute before it. */
    private static final Pattern DEATH_AFTER = Pattern.compile(
            "^[ \\t]*(?:\\r?\\n[ \\t]*)?(?:faleceu|falleci[oó]|morreu|muri[oó]|died|passed away)(?!\\p{L})");

    /**
     * A verb of a person's life or deeds right after a word, past or imperfect ({@code "Joel tinha 21 anos"},
     * {@code "Ian tornou-se diretor"}, {@code "Bruce era a escolha"}): a lone given name told as the subject of a
     * sentence, the way a biography or an obituary names someone after its first mention. Present forms ("es",
     * "is") are left out: products are described in the present ("Debian is"); so are forms that are also nouns once
     * accents are dropped ("trabajó", "estudió", "fundó").
     */
    private static final Set<String> SUBJECT_VERBS = Set.of(
            "tinha",
            "esteve",
            "estava",
            "era",
            "foi",
            "tornou-se",
            "nasceu",
            "disse",
            "escreveu",
            "trabalhou",
            "trabalhava",
            "viveu",
            "morava",
            "lutou",
            "estudou",
            "fundou",
            "tenia",
            "estuvo",
            "estaba",
            "fue",
            "nacio",
            "dijo",
            "escribio",
            "trabajaba",
            "vivio",
            "vivia",
            "had",
            "said",
            "wrote",
            "became",
            "descobriu",
            "descubrio",
            "discovered",
            "continuou",
            "continued",
            "comecou",
            "comenzo",
            "began",
            "joined",
            "criou",
            "created",
            "decidiu",
            "decidio",
            "decided",
            "queria",
            "wanted",
            "lived",
            "studied",
            "founded",
            "worked",
            // verbs of speech, as a mailing list or an article reports someone
            "afirmou",
            "explicou",
            "comentou",
            "respondeu",
            "sugeriu",
            "perguntou",
            "afirmo",
            "explico",
            "comento",
            "respondio",
            "sugirio",
            "pregunto",
            "explained",
            "replied",
            "suggested",
            "asked",
            "commented");

    private static final Pattern MEDIUM_BEFORE = Pattern.compile("(?:\\b(?:por|by|pelo|pela|de|von|from|per)\\s+"
            // a line that maps a program or file to its authors ("chroot: Roland McGrath")
            + "|(?:^|\\n)[ \\t]*[a-z0-9_.+\\[-]{2,24}:[ \\t]+"
            // years opening a line, as a copyright field's next holders ("           2008-2019 Name")
            + "|(?:^|\\n)[ \\t]*\\d{4}(?:\\s*[-–,]\\s*\\d{2,4})*,?[ \\t]+)$");
    /**
     * An address right after a name: in brackets, or after a space, with an '@' or written out with "at"; or a
     * handle in brackets.
     */
    private static final Pattern EMAIL_AFTER =
            Pattern.compile("^(?:[ \\t]*(?:\\r?\\n[ \\t]*)?[<(\\[⟨][^\\s<>()\\[\\]@⟨⟩]+(?:@|\\s+at\\s+)[^\\s<>()⟩]*"
                    + "|(?:[ \\t]+|[ \\t]*\\r?\\n[ \\t]*)\\w[\\w.%+-]*@\\w[^\\s<>()]*"
                    // an account's handle: "Odile Brassens (@obm)"
                    + "|[ \\t]*\\(@[\\w.-]+\\)"
                    // written out to keep robots off: "adam at cafe21.org", "dkg at example dot net"
                    + "|(?:[ \\t]+|[ \\t]*\\r?\\n[ \\t]*)\\w[\\w.%+-]*[ \\t]+at[ \\t]+[\\w-]+"
                    + "(?:\\.[\\w-]+|[ \\t]+dot[ \\t]+[\\w-]+)+)");

    /** A generational suffix after a name: {@code ", Jr."}, {@code " Sr."}, {@code " III"}. */
    private static final Pattern SUFFIX = Pattern.compile(",?[ \\t](?:Jr\\.|Sr\\.|Jr\\b|Sr\\b|II\\b|III\\b|IV\\b)");

    /** An organisation's suffix right after a run ({@code ", Inc."}, {@code " Ltd"}, {@code " S.A."}). */
    private static final Pattern ORGANISATION_AFTER = Pattern.compile(
            "[ \\t]*(?:\\p{Lu}\\p{L}*[ \\t]+)?,?[ \\t]*(?:Inc|Ltd|LLC|GmbH|Corp|Co|S\\.\\s?A|SA|S\\.L|SL|Ltda|AG|BV|Oy|AB)(?![\\w-])");

    private static final Set<String> ROMANCE_OF = Set.of("de", "del", "da", "do");

    private final NameModel model, firstNames;
    private final Gazetteer gazetteer;

    PersonContextRule(NameModel model, NameModel firstNames, Gazetteer gazetteer) {
        this.model = model;
        this.firstNames = firstNames;
        this.gazetteer = gazetteer;
    }

    @Override
    public PiiType type() {
        return PiiType.PERSON;
    }

    /**
     * The people of a Debian changelog, whatever their case: the trailer ({@code " -- tony mancill <t@…>  date"}) and
     * the heading of a co-author's changes ({@code "  [ tony mancill ]"}), with a name in another script in brackets
     * after the first ({@code "ChangZhuo Chen (陳昌倬)"}).
     */
    private static final Pattern CHANGELOG_PERSON =
            Pattern.compile("(?m)^(?: -- |[ \\t]+\\[ )(\\p{L}[\\p{L}.'’-]*(?:[ \\t]\\p{L}[\\p{L}.'’-]*){0,4})"
                    + "(?:[ \\t]+\\((\\p{L}[\\p{L} ]{0,30})\\))?(?=[ \\t]*(?:<[^<>\\n]*@[^<>\\n]*>|\\][ \\t]*$))");

    /** A name in lower case alone on its line before an address ({@code "joost witteveen\n   <j@…>"}). */
    private static final Pattern LOWER_CASE_CREDIT = Pattern.compile(
            "(?m)^[ \\t]*(\\p{Ll}[\\p{Ll}'-]+(?:[ \\t]+\\p{Ll}[\\p{Ll}'-]+){1,2})[ \\t]*(?:\\r?\\n[ \\t]*)?<([^<>\\s@]+@[^<>\\s]+)>");

    private List<PiiMatch> lowerCaseCredits(String text, List<PiiMatch> out) {
        if (text.indexOf('@') < 0) return out;
        Matcher m = LOWER_CASE_CREDIT.matcher(text);
        while (m.find()) {
            boolean person = true;
            String address = m.group(2).toLowerCase(Locale.ROOT);
            for (String word : m.group(1).split("[ \\t]+")) {
                String capitalised = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                // a word the address repeats ("jens persson <cscope@persson.cx>") vouches for itself
                person &= !STOP.contains(Gazetteer.key(word))
                        && !ORGANISATION.contains(Gazetteer.key(word))
                        && (wordScore(capitalised) >= 0.5 || word.length() >= 4 && address.contains(word));
            }
            if (!person) continue;
            if (out == null) out = new ArrayList<>(2);
            out.add(new PiiMatch(PiiType.PERSON, m.start(1), m.end(1)));
        }
        return out;
    }

    private static List<PiiMatch> changelogPeople(String text, List<PiiMatch> out) {
        if (!text.contains(" -- ") && !text.contains("[ ")) return out;
        Matcher m = CHANGELOG_PERSON.matcher(text);
        while (m.find()) {
            boolean person = true;
            for (String word : m.group(1).split("[ \\t]+")) {
                String key = Gazetteer.key(word);
                person &= !STOP.contains(key) && !ORGANISATION.contains(key) && !key.equals("janitor");
            }
            if (!person) continue;
            if (out == null) out = new ArrayList<>(2);
            out.add(new PiiMatch(PiiType.PERSON, m.start(1), m.end(1)));
            if (m.group(2) != null) out.add(new PiiMatch(PiiType.PERSON, m.start(2), m.end(2)));
        }
        return out;
    }

    @Override
    public List<PiiMatch> find(String text) {
        List<PiiMatch> out = lowerCaseCredits(text, changelogPeople(text, null));
        int n = text.length(), lastEnd = -1, peopleItems = 0;
        NameRun doubted = null; // the last run of a name's shape that was not accepted: a list's first item?
        Cue lastCue = Cue.NONE;
        List<NameRun> doubtedItems = null; // list items of a name's shape that the models doubted
        for (int i = 0; i < n; ) {
            char c = text.charAt(i);
            if (!Character.isUpperCase(c) || i > 0 && !startsWord(text.charAt(i - 1))) {
                i++;
                continue;
            }
            NameRun run = withoutAffiliation(NameRun.scan(text, i));
            if (run.size == 0) {
                i = Math.max(i + 1, NameRun.wordEnd(text, i));
                continue;
            }
            // a lone capitalised word ("INFO", "El") is a name only after a strong cue or in a list of names
            // ("thanks, Lucimar Feitosa and Ozzie"): rule that out cheaply first
            NameRun name = run.size == 1
                            && !mayFollowCue(text, i)
                            && !mayPrecedeAddress(text, run.end(0))
                            && !nextInList(text, lastEnd, i)
                            && !subjectVerbAfter(text, run.end(0))
                    ? null
                    : trim(run, false);
            if (name != null) {
                Cue cue = cue(text, run.start(0), name.start(0), name.end(name.size - 1));
                if (cue == Cue.NONE && name.size == 1 && subjectVerbAfter(text, name.end(0)))
                    cue = Cue.TRIBUTE; // "Joel tinha 21 anos": judged as a given name after a tribute
                if (nextInList(text, lastEnd, name.start(0)))
                    cue = max(cue, lastCue == Cue.NONE ? Cue.MEDIUM : lastCue); // "A, B y C": one list
                // a list of one person a line: its shape vouches for every word of the item, as a cue does
                boolean item = cue == Cue.NONE && listItem(text, name.start(0), name.end(name.size - 1));
                if (item) cue = Cue.MEDIUM;
                NameRun itemShape = item ? name : null;
                NameRun unjudged = name; // before the models trim it: a list's first item is judged again later
                // the common case, one capitalised word with no cue around, ends here without the model
                if (cue == Cue.NONE && name.count(NameRun.Kind.WORD) < 2) name = null;
                else if (cue != Cue.STRONG && !item && !(cue == Cue.TRIBUTE && name.size == 1))
                    name = trim(name, true); // a given name alone after a tribute is judged in accept
                else if (item && !givenNameFirst(name)) { // every word, or none: "More Options" is a heading
                    NameRun all = trim(name, true);
                    if (all == null || all.size != name.size) name = null;
                }
                if (name != null && cue == Cue.NONE) name = fromGivenName(name); // "Cedo Ian Jackson tomou"
                if (name != null
                        && cue == Cue.NONE
                        && name.size >= 2
                        && subjectVerbAfter(text, name.end(name.size - 1)))
                    cue = Cue.MEDIUM; // "Richard Stallman descobriu a ideia": a surname the models doubt
                if (name != null && cue == Cue.NONE && modelNumberAfter(text, name.end(name.size - 1)))
                    name = null; // "una Orion Tamara 500": a product and its model
                if (name != null && insideIdentifier(text, name.end(name.size - 1))) name = null; // "Bodo_Moeller at"
                boolean organisation = ORGANISATION_AFTER
                        .matcher(text)
                        .region(run.end(run.size - 1), Math.min(n, run.end(run.size - 1) + 24))
                        .lookingAt();
                if (organisation) name = null; // "The Santa Cruz Operation, Inc."
                boolean vetoed = organisation
                        || insideIdentifier(text, unjudged.end(unjudged.size - 1))
                        || modelNumberAfter(text, unjudged.end(unjudged.size - 1));
                if (vetoed) itemShape = null; // not doubted: judged
                if (name != null && accept(name, cue)) {
                    // the list's first item, doubted before this one showed it a list: "Ênio Fortunato, Ísis Lima"
                    if (doubted != null
                            && nextInList(text, doubted.end(doubted.size - 1), name.start(0))
                            && (accept(doubted, Cue.MEDIUM) || givenNameFirst(doubted))) {
                        if (out == null) out = new ArrayList<>(2);
                        out.add(new PiiMatch(PiiType.PERSON, doubted.start(0), doubted.end(doubted.size - 1)));
                    }
                    doubted = null;
                    int start = name.start(0), end = name.end(name.size - 1);
                    if (end < n && text.charAt(end) == '.' && beforeAddress(text, end + 1)) end++; // "Wilf. (g@…)"
                    Matcher suffix = SUFFIX.matcher(text).region(end, Math.min(n, end + 8));
                    if (suffix.lookingAt()) end = suffix.end(); // "Fred L. Drake, Jr."
                    if (out == null) out = new ArrayList<>(2);
                    out.add(new PiiMatch(PiiType.PERSON, start, end));
                    lastEnd = end;
                    lastCue = cue;
                    if (itemShape != null) peopleItems++;
                } else {
                    if (itemShape != null && personShape(itemShape)) {
                        if (doubtedItems == null) doubtedItems = new ArrayList<>(2);
                        doubtedItems.add(itemShape);
                    }
                    doubted = !vetoed && personShape(unjudged) ? unjudged : null;
                }
            }
            i = Math.max(run.end(run.size - 1), lastEnd); // past a suffix taken with the name
        }
        // a list whose items are people at least half the time is a list of people: its doubted items of a name's
        // shape are names too ("  - Cary Lewis" among "  - Peter Lawler", "  - Vincent Lefevre", ...)
        if (doubtedItems != null && peopleItems >= Math.max(2, doubtedItems.size())) {
            for (NameRun item : doubtedItems)
                out.add(new PiiMatch(PiiType.PERSON, item.start(0), item.end(item.size - 1)));
        }
        if (out == null) return List.of();
        out.sort(Comparator.comparingInt(PiiMatch::start)); // the lists' items were added out of order
        return out;
    }

    private static final Pattern AFFILIATION_END = Pattern.compile("(?:\\.\\p{Ll}{2,6}(?!\\p{L})|!)");

    /**
     * The run without a site or company it names after a particle, where a domain or an exclamation mark shows the
     * words after the particle to be one ({@code "Stephan Ramoin do Gandi.net"}, {@code "Benjamin Humphrey da OMG!"}).
     */
    private static NameRun withoutAffiliation(NameRun run) {
        if (run.size < 3) return run;
        int end = run.end(run.size - 1);
        if (!AFFILIATION_END
                .matcher(run.text)
                .region(end, Math.min(run.text.length(), end + 8))
                .lookingAt()) return run;
        for (int t = run.size - 2; t >= 1; t--)
            if (run.kind(t) == NameRun.Kind.PARTICLE && ROMANCE_OF.contains(run.word(t))) return run.slice(0, t);
        return run;
    }

    /**
     * Two to four tokens that open with a word, hold no initial-less capitals run (an acronym) and no stop word or
     * organisation word: "Cary Lewis", "James M Leddy", not "GNU Make" or "Debian Project".
     */
    private static boolean personShape(NameRun run) {
        if (run.size < 2 || run.size > 4 || run.kind(0) != NameRun.Kind.WORD) return false;
        for (int t = 0; t < run.size; t++) {
            String w = run.word(t), key = Gazetteer.key(w);
            switch (run.kind(t)) {
                case CAPS -> {
                    if (w.length() > 1) return false;
                }
                case WORD -> {
                    if (w.length() < 2 || STOP.contains(key) || ORGANISATION.contains(key)) return false;
                }
                default -> {}
            }
        }
        return true;
    }

    /**
     * The run without leading and trailing stop words, particles and lone initials, and, with {@code byModel}, words
     * that do not look like names; null when nothing is left or when a word names an organisation.
     */
    private NameRun trim(NameRun run, boolean byModel) {
        for (int t = 0; t < run.size; t++)
            if (run.kind(t) != NameRun.Kind.PARTICLE && ORGANISATION.contains(Gazetteer.key(run.word(t)))) return null;
        int from = 0, to = run.size;
        if (run.size > 2
                && run.kind(1) == NameRun.Kind.PARTICLE
                && run.kind(0) == NameRun.Kind.WORD
                && ROMANCE_OF.contains(run.word(1))) {
            String first = run.word(0); // "Traducción de Rubén Porras", not "Juan de la Cruz"
            if (!gazetteer.isFirstName(Gazetteer.key(first)) && model.score(first) < 0.1) from = 1;
        }
        if (!byModel) { // "- Dockerfile\nJingwen Owen Ou <j@…>", "Loïc Minier\n    Use …": the name's line
            from = afterWeakLine(run, from);
            to = beforeWeakLastLine(run, from, to);
        }
        while (from < to && !nameLike(run, from, byModel)) from++;
        while (to > from && !nameLike(run, to - 1, byModel)) to--;
        if (from == to) return null;
        for (int t = from; t < to; t++)
            if (run.kind(t) != NameRun.Kind.PARTICLE && STOP.contains(Gazetteer.key(run.word(t)))) return null;
        NameRun trimmed = run.slice(from, to);
        return trimmed.size == 0 ? null : trimmed;
    }

    /** The first token after a line break inside the run, or -1. */
    private static int lineBreak(NameRun run, int from) {
        for (int t = from + 1; t < run.size; t++) {
            int nl = run.text.indexOf('\n', run.end(t - 1));
            if (nl >= 0 && nl < run.start(t)) return t;
        }
        return -1;
    }

    /**
     * Where the name starts when the run crosses a line break after words that are not part of it: words that do not
     * look like names at all ({@code "- Dockerfile\nJingwen Owen Ou <j@…>"}), or, before a line that opens with a
     * given name and a surname, words that look like neither ({@code "Creator of Cscope\nHans-Bernhard Broeker"});
     * otherwise {@code from}.
     */
    private int afterWeakLine(NameRun run, int from) {
        int t = lineBreak(run, from);
        if (t < 0) return from;
        boolean weak = true, unlike = true;
        for (int u = from; u < t; u++) {
            String w = run.word(u);
            boolean word = run.kind(u) == NameRun.Kind.WORD;
            weak &= word && (wordScore(w) < LOW || STOP.contains(Gazetteer.key(w)));
            unlike &= word && wordScore(w) < 0.5 && firstNames.score(w) < GIVEN;
        }
        boolean givenNameNext =
                run.size - t >= 2 && run.kind(t) == NameRun.Kind.WORD && firstNames.score(run.word(t)) >= GIVEN;
        return weak || unlike && givenNameNext ? t : from;
    }

    /**
     * Where the name ends when its last line holds one word that does not look like a name
     * ({@code "thanks to Loïc Minier\n    Use MAINTAINER_MODE"}): before that line; otherwise {@code to}.
     */
    private int beforeWeakLastLine(NameRun run, int from, int to) {
        int t = lineBreak(run, from);
        if (t < 0 || t != to - 1 || t - from < 2 || run.kind(t) != NameRun.Kind.WORD) return to;
        return wordScore(run.word(t)) < 0.3 ? t : to;
    }

    private boolean nameLike(NameRun run, int t, boolean byModel) {
        return switch (run.kind(t)) {
            case PARTICLE -> false;
            // not a sentence's last letter; but the last initial of a name that ends its line ("Daniel Richard G.")
            case INITIAL ->
                t + 1 < run.size || beforeAddress(run.text, run.end(t)) || t >= 2 && endsLine(run.text, run.end(t));
            case CAPS -> run.word(t).length() >= 2 && !STOP.contains(Gazetteer.key(run.word(t)));
            case WORD -> !STOP.contains(Gazetteer.key(run.word(t))) && (!byModel || wordScore(run.word(t)) >= LOW);
        };
    }

    private double wordScore(String word) {
        String key = Gazetteer.key(word);
        if (gazetteer.isFirstName(key) || gazetteer.isSurname(key)) return 1;
        double score = model.score(word);
        return score < GAELIC_SCORE && gaelicSurname(word) ? GAELIC_SCORE : score;
    }

    /** What a surname of Gaelic shape scores at least: the model, trained mostly on Romance names, doubts them. */
    private static final double GAELIC_SCORE = 0.9;

    private static final Pattern GAELIC = Pattern.compile("(?:Mac|Mc|O['’])\\p{Lu}\\p{Ll}{2,}");

    /** {@code "MacKenzie"}, {@code "McAllister"}, {@code "O'Rourke"}. */
    private static boolean gaelicSurname(String word) {
        return word.length() >= 6
                && (word.charAt(0) == 'M' || word.charAt(0) == 'O')
                && GAELIC.matcher(word).matches();
    }

    /** Whether the next word, on this line or the next, is one of {@link #SUBJECT_VERBS} (accents aside). */
    private static boolean subjectVerbAfter(String text, int end) {
        int n = text.length(), i = end;
        while (i < n && NameRun.blank(text.charAt(i))) i++;
        if (i < n && text.charAt(i) == '\r') i++;
        if (i < n && text.charAt(i) == '\n') {
            i++;
            while (i < n && NameRun.blank(text.charAt(i))) i++;
        }
        int from = i;
        while (i < n && i - from <= 10 && (Character.isLowerCase(text.charAt(i)) || text.charAt(i) == '-')) i++;
        if (i == from || i - from > 10 || i < n && Character.isLetter(text.charAt(i))) return false;
        return SUBJECT_VERBS.contains(Gazetteer.key(text.substring(from, i)));
    }

    /** The strongest cue before the run or before the name within it (after words trimmed), or after the name. */
    private static Cue cue(String text, int runStart, int start, int end) {
        if (mayPrecedeAddress(text, end)
                && EMAIL_AFTER
                        .matcher(text.subSequence(end, Math.min(text.length(), end + 80)))
                        .find()) return Cue.STRONG;
        Cue cue = DEATH_AFTER
                        .matcher(text)
                        .region(end, Math.min(text.length(), end + 24))
                        .lookingAt()
                ? Cue.TRIBUTE
                : Cue.NONE;
        for (int at : runStart == start ? new int[] {start} : new int[] {runStart, start}) {
            if (!mayFollowCue(text, at)) continue;
            // wide enough for a copyright's list of years ("Copyright © 1994, 2004, 2005, 2006,  2008  Clint\nAdams")
            String before = Gazetteer.key(text.substring(Math.max(0, at - 96), at));
            if (STRONG_BEFORE.matcher(before).find()) return Cue.STRONG;
            if (TRIBUTE_BEFORE.matcher(before).find()) cue = Cue.TRIBUTE;
            else if (cue == Cue.NONE && MEDIUM_BEFORE.matcher(before).find()) cue = Cue.MEDIUM;
        }
        return cue;
    }

    private boolean accept(NameRun name, Cue cue) {
        int words = name.count(NameRun.Kind.WORD), caps = name.count(NameRun.Kind.CAPS);
        double sum = 0, min = 1;
        for (int t = 0; t < name.size; t++) {
            if (name.kind(t) != NameRun.Kind.WORD) continue;
            double s = wordScore(name.word(t));
            sum += s;
            min = Math.min(min, s);
        }
        if (cue != Cue.STRONG && PersonNameRule.PLACES.contains(Gazetteer.key(name.word(0))))
            return false; // "en su casa de San Francisco", "la Calle Carmen"
        return switch (cue) {
            case STRONG ->
                words >= 2
                        || caps >= 2
                        || name.size >= 2 && words + caps >= 1
                        || words == 1 && sum >= SINGLE && !camelCaseHandle(name.word(0));
            case MEDIUM ->
                words + caps >= 2 && words >= 1 && sum / words >= MEDIUM_MEAN
                        || gazetteer.isFirstName(Gazetteer.key(name.word(0))) && name.size >= 2
                        // initials and a surname: "por J. Quintella", "by P. J. Plaunder"
                        || name.kind(0) == NameRun.Kind.INITIAL && words == 1 && sum >= MEDIUM_MEAN;
            // as after a medium cue, or a word alone that looks like a given name
            case TRIBUTE ->
                accept(name, Cue.MEDIUM)
                        || name.size == 1 && words == 1 && firstNames.score(name.word(0)) >= LONE_GIVEN;
            case NONE ->
                words >= 2
                        && caps == 0
                        && (min >= HIGH
                                || givenNameFirst(name) && restMin(name) >= REST
                                // a given name, a middle initial and a surname: "Richard M. Stallman"
                                || givenNameFirst(name) && middleInitial(name) && min >= LOW);
        };
    }

    private static final Pattern SURNAME_PREFIX = Pattern.compile("(?:Mac|Mc|Fitz|De|Di|Da|Du|La|Le|Van|Von)\\p{Lu}.*");

    /**
     * A single word with a capital inside that no surname prefix explains: a handle or a product ({@code "MoonWolf"},
     * {@code "CodeLabora"}), not {@code "McAllister"} or {@code "DeLuca"}.
     */
    static boolean camelCaseHandle(String word) {
        for (int i = 2; i < word.length(); i++)
            if (Character.isUpperCase(word.charAt(i)) && Character.isLowerCase(word.charAt(i - 1)))
                return !SURNAME_PREFIX.matcher(word).matches();
        return false;
    }

    /** Whether an initial stands between the name's first and last words. */
    private static boolean middleInitial(NameRun name) {
        for (int t = 1; t < name.size - 1; t++) if (name.kind(t) == NameRun.Kind.INITIAL) return true;
        return false;
    }

    /** Whether the name opens with a word that looks like a given name ("Ian Murdock fundó Debian"). */
    private boolean givenNameFirst(NameRun name) {
        if (name.kind(0) != NameRun.Kind.WORD) return false;
        String first = name.word(0), key = Gazetteer.key(first);
        if (PersonNameRule.PLACES.contains(key)) return false; // "Calle Carmen", "San Francisco"
        return gazetteer.isFirstName(key) || firstNames.score(first) >= GIVEN;
    }

    /**
     * Without a cue, a run whose first word is no given name but whose second is starts at the second when the word
     * before opens the sentence ({@code "Cuando Ian Murdock dejó"}, {@code "Morre Frans Pop"}); inside a sentence the
     * run is one name, of a product as often as not ({@code "to make Novatek Ottilie Shield readers work"}).
     */
    private NameRun fromGivenName(NameRun name) {
        if (name.size < 3 || name.kind(1) != NameRun.Kind.WORD || givenNameFirst(name)) return name;
        if (name.kind(0) == NameRun.Kind.WORD && PersonNameRule.PLACES.contains(Gazetteer.key(name.word(0))))
            return name; // "Estadio Santiago Bernabéu": a place named after someone
        if (!opensSentence(name.text, name.start(0)))
            return name; // "make Novatek Ottilie Shield readers work": one product
        NameRun rest = name.slice(1, name.size);
        return givenNameFirst(rest) ? rest : name;
    }

    /** Whether {@code i} opens a text, a line, a sentence, a clause after a colon, or a quotation. */
    private static boolean opensSentence(String text, int i) {
        int j = i - 1;
        while (j >= 0 && NameRun.blank(text.charAt(j))) j--;
        return j < 0 || ".!?:;\n\"'«“(".indexOf(text.charAt(j)) >= 0;
    }

    /**
     * The lowest name score of the words after the first; a middle word may score as a given name instead
     * ("Raimundo Iara Urquiza"), the last is a surname.
     */
    private double restMin(NameRun name) {
        double min = 1;
        for (int t = 1; t < name.size; t++)
            if (name.kind(t) == NameRun.Kind.WORD) {
                String w = name.word(t);
                double s = wordScore(w);
                min = Math.min(min, t < name.size - 1 ? Math.max(s, firstNames.score(w)) : s);
            }
        return min;
    }

    /** Last words of the cues before a name; any other word right before it rules a cue out, cheaply. */
    private static final Set<String> CUE_ENDS = Set.of(
            "por",
            "by",
            "pelo",
            "pela",
            "de",
            "von",
            "from",
            "per",
            "a",
            "ao",
            "do",
            "of",
            "to",
            "hola",
            "ola",
            "oi",
            "dear",
            "hi",
            "hello",
            "estimado",
            "estimada",
            "estimados",
            "estimadas",
            "querido",
            "querida",
            "queridos",
            "queridas",
            "prezado",
            "prezada",
            "prezados",
            "prezadas",
            "caro",
            "cara",
            "caros",
            "caras",
            "morre",
            "muere",
            "memoria",
            "memória",
            "memory",
            "segundo",
            "conforme",
            "com",
            "según",
            "segun",
            "con",
            "memoriam",
            "realizaron",
            "realizo",
            "realizó",
            "tradujeron",
            "tradujo",
            "traduziram",
            "traduziu",
            "escribieron",
            "escribio",
            "escribió",
            "escreveram",
            "escreveu",
            "fizeram",
            "copyright",
            "thanks",
            "gracias",
            "obrigado",
            "obrigada");

    /** Whether the text before {@code at} can end with a cue: punctuation of a label or list, a year, a cue word. */
    private static boolean mayFollowCue(String text, int at) {
        int i = at - 1;
        while (i >= 0 && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i--;
        if (i < 0) return false;
        char c = text.charAt(i);
        if (Character.isDigit(c)) { // a year, as in "Copyright 2003 Name"; not a time or a count
            int digits = 0;
            while (i >= 0 && Character.isDigit(text.charAt(i))) {
                i--;
                digits++;
            }
            return digits == 4;
        }
        if (!Character.isLetter(c))
            return c == ':' || c == ',' || c == '\n' || c == '-' || c == ')' || c == '©' || c == '=' || c == '"';
        int end = i + 1;
        while (i >= 0 && Character.isLetter(text.charAt(i))) i--;
        return end - i - 1 <= 12 && CUE_ENDS.contains(text.substring(i + 1, end).toLowerCase(Locale.ROOT));
    }

    private static Cue max(Cue a, Cue b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Whether an e-mail address ("<…@…>", "(…@…)") or a comma comes next. */
    private static boolean beforeAddress(String text, int i) {
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
        return i < text.length()
                && (text.charAt(i) == ','
                        || EMAIL_AFTER
                                .matcher(text.subSequence(i, Math.min(text.length(), i + 80)))
                                .find());
    }
}
