package dev.forja.prepare.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Person names found with a {@link Gazetteer} of Spanish and Portuguese names, not by capital letters alone.
 *
 * <p>A name is (1) a known given name followed by further names — given names, known surnames, at most one unknown
 * capitalised word, joined by "de", "da", "dos", "del", "y", "e" … ("María José Pérez", "João da Silva"); (2) any
 * capitalised words after a title ("Sr. García", "Dra. Kowalski"; the title itself is kept); or (3) a lone given
 * name right after a cue such as "me llamo", "meu nome é", "Hola", "Dear". A given name right after a place or
 * institution word ("Hospital Santa María", "Calle Carmen") is not a person.
 */
final class PersonNameRule implements PiiRule {
    private static final Set<String> TITLES = Set.of(
            "sr", "sra", "srta", "dr", "dra", "don", "dona", "senor", "senora", "senhor", "senhora", "lic", "ing",
            "prof", "profa", "mr", "mrs", "ms", "miss");
    // not "y" / "e": "Luis Uribe y Omar Campagne" are two people
    private static final Set<String> CONNECTORS = Set.of("de", "da", "do", "dos", "das", "del", "la");
    static final Set<String> PLACES = Set.of(
            "calle",
            "avenida",
            "av",
            "rua",
            "praca",
            "plaza",
            "santa",
            "santo",
            "san",
            "sao",
            "hospital",
            "colegio",
            "escuela",
            "escola",
            "universidad",
            "universidade",
            "instituto",
            "hotel",
            "parque",
            "estadio",
            "estacion",
            "estacao",
            "barrio",
            "bairro",
            "edificio",
            "fundacion",
            "fundacao",
            "banco",
            "iglesia",
            "igreja",
            "clinica",
            "teatro",
            "museo",
            "museu",
            "villa",
            "vila",
            "puerto",
            "porto",
            "ciudad",
            "cidade",
            "avenue",
            "street",
            "rio",
            "lago",
            "cerro",
            "monte");
    private static final Set<String> NOT_NAMES = Set.of(
            "street",
            "hotel",
            "central",
            "norte",
            "sur",
            "este",
            "oeste",
            "centro",
            "city",
            "airport",
            "station",
            "benz",
            "plaza",
            "park",
            "mall",
            "shopping");
    private static final Pattern CUE = Pattern.compile("(?:\\b(?:me llamo|se llama|llamad[oa]|nombre|mi nombre es"
            + "|nome|meu nome [eé]|me chamo|se chama|chamad[oa]|name is|named|paciente|cliente|hola|ol[aá]|oi"
            + "|querid[oa]|estimad[oa]|prezad[oa]|dear|hi|hello|atte?\\.?|attn|firmado|assinado)|(?:de|from|to|para|by)"
            + "\\s*:)[\\s:,]*$");

    private final Gazetteer gazetteer;

    PersonNameRule(Gazetteer gazetteer) {
        this.gazetteer = gazetteer;
    }

    @Override
    public PiiType type() {
        return PiiType.PERSON;
    }

    @Override
    public List<PiiMatch> find(String text) {
        List<PiiMatch> out = null;
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (!Character.isUpperCase(c) || i > 0 && Character.isLetter(text.charAt(i - 1))) {
                i++;
                continue;
            }
            int wordEnd = wordEnd(text, i);
            String key = Gazetteer.key(text.substring(i, wordEnd));
            int[] span = null;
            if (TITLES.contains(key)) {
                int next = skipTitleGap(text, wordEnd);
                if (next > 0) span = extend(text, next, true);
            } else if (gazetteer.isFirstName(key) && !afterPlaceWord(text, i)) {
                span = extend(text, i, false);
                if (span != null && span[2] < 2 && !CUE.matcher(before(text, i)).find()) span = null;
            }
            if (span != null) {
                if (out == null) out = new ArrayList<>(2);
                out.add(new PiiMatch(PiiType.PERSON, span[0], span[1]));
                i = span[1];
            } else {
                i = wordEnd;
            }
        }
        return out == null ? List.of() : out;
    }

    /**
     * The name starting at {@code start}: {start, end, name words}. After a title the first word may be unknown;
     * otherwise it is a known given name. Later words are known names or, once, an unknown capitalised word.
     */
    private int[] extend(String text, int start, boolean afterTitle) {
        int end = wordEnd(text, start);
        String first = text.substring(start, end);
        if (afterTitle && !titleCase(first) && !known(Gazetteer.key(first))) return null;
        int words = 1, unknown = afterTitle && !known(Gazetteer.key(first)) ? 1 : 0;
        while (true) {
            int next = skipSpaces(text, end);
            if (next < 0 || next >= text.length()) break;
            int nextEnd = wordEnd(text, next);
            if (nextEnd == next) break;
            String word = text.substring(next, nextEnd);
            String key = Gazetteer.key(word);
            if (Character.isLowerCase(word.charAt(0)) && CONNECTORS.contains(key)) {
                int after = skipSpaces(text, nextEnd);
                if (after < 0) break;
                int afterEnd = wordEnd(text, after);
                String k2 = Gazetteer.key(text.substring(after, afterEnd));
                if (k2.equals("la") || k2.equals("los")) { // "María de la Cruz"
                    after = skipSpaces(text, afterEnd);
                    if (after < 0) break;
                    afterEnd = wordEnd(text, after);
                    k2 = Gazetteer.key(text.substring(after, afterEnd));
                }
                if (after >= afterEnd || !Character.isUpperCase(text.charAt(after))) break;
                if (!known(k2)) { // "Pedro de Mamani": the one unknown word, but never after "y" / "e"
                    if (unknown > 0
                            || key.equals("y")
                            || key.equals("e")
                            || !titleCase(text.substring(after, afterEnd))) break;
                    unknown++;
                }
                end = afterEnd;
                words++;
                continue;
            }
            if (!Character.isUpperCase(word.charAt(0))) break;
            if (known(key)) {
                words++;
                end = nextEnd;
            } else if (word.length() == 1 && nextEnd < text.length() && text.charAt(nextEnd) == '.' && words > 0) {
                end = nextEnd + 1; // a middle initial: "Dr. Richard M. Stallman"
            } else if ((unknown == 0 || afterTitle && unknown < 3)
                    && titleCase(word)
                    && word.length() >= 3
                    && !NOT_NAMES.contains(key)) { // after a title, any capitalised words: "Dr. Richard Stallman"
                unknown++;
                words++;
                end = nextEnd;
            } else {
                break;
            }
        }
        return new int[] {start, end, words};
    }

    private boolean known(String key) {
        return gazetteer.isFirstName(key) || gazetteer.isSurname(key);
    }

    private static boolean titleCase(String word) {
        if (word.length() < 2 || !Character.isUpperCase(word.charAt(0))) return false;
        for (int i = 1; i < word.length(); i++) if (Character.isUpperCase(word.charAt(i))) return false;
        return true;
    }

    private static int wordEnd(String text, int i) {
        return NameRun.wordEnd(text, i);
    }

    /** The start of the next word after one or two spaces, or -1 when something else comes first. */
    private static int skipSpaces(String text, int i) {
        int spaces = 0;
        while (i < text.length() && text.charAt(i) == ' ' && spaces < 2) {
            i++;
            spaces++;
        }
        return spaces == 0 || i >= text.length() || !Character.isLetter(text.charAt(i)) ? -1 : i;
    }

    /** After "Sr" expect an optional dot then spaces, then a capitalised word. */
    private static int skipTitleGap(String text, int i) {
        if (i < text.length() && text.charAt(i) == '.') i++;
        int next = skipSpaces(text, i);
        return next > 0 && Character.isUpperCase(text.charAt(next)) ? next : -1;
    }

    private static boolean afterPlaceWord(String text, int start) {
        int end = start - 1;
        while (end >= 0 && (text.charAt(end) == ' ' || text.charAt(end) == '.')) end--;
        int begin = end;
        while (begin >= 0 && Character.isLetter(text.charAt(begin))) begin--;
        if (begin == end || !Character.isUpperCase(text.charAt(begin + 1))) return false;
        return PLACES.contains(Gazetteer.key(text.substring(begin + 1, end + 1)));
    }

    private static String before(String text, int start) {
        return Gazetteer.key(text.substring(Math.max(0, start - 24), start)).toLowerCase(Locale.ROOT);
    }
}
