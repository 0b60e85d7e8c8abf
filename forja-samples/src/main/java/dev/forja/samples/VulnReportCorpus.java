package dev.forja.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic vulnerability descriptions in Spanish and English, labelled with their CWE, for text classification:
 * {@code {"text", "label": "CWE-89", "lang": "es"|"en", "template": "f4.p5"}} lines in {@code train.jsonl} (80% of each
 * class) and {@code val.jsonl} (20%).
 *
 * <p>Each description puts a product and version, a weakness (one of {@link CwePhrasings}' accounts of it), an impact
 * and sometimes a trailing clause into a sentence frame. The split holds things out, so that validation measures
 * generalisation and not recall of training phrasings: validation descriptions use sentence frames ({@code f4},
 * {@code f5}), weakness phrasings ({@code p4}: another account of the mechanism; {@code p5}: the effect, not the
 * weakness) and vendors, products, components and parameter names that no training description uses. The
 * {@code template} key names the frame and phrasing. Impacts are shared between classes on purpose (arbitrary code
 * from command injection, deserialization and file upload; file reads from path traversal and XXE), some descriptions
 * name another weakness as context ("unlike the XSS fixed in 2.1"), and several classes are near neighbours
 * (CWE-79/80, 89/564, 22/23): one keyword does not decide the class. Everything derives from one seeded
 * {@link Random}: the same seed and size give the same bytes on any JVM.
 */
public final class VulnReportCorpus {
    public static final long SEED = 20_261_207L;
    public static final int SIZE = 1500;
    /** Where the committed output lives, relative to the repository root. */
    public static final String DIR = "samples/vulns";

    public static final List<String> LABELS = List.of(
            "CWE-22", "CWE-23", "CWE-78", "CWE-79", "CWE-80", "CWE-89", "CWE-287", "CWE-352", "CWE-434", "CWE-502",
            "CWE-564", "CWE-601", "CWE-611", "CWE-798", "CWE-918");

    /** One labelled description; {@code template} is {@code "f<frame>.p<phrasing>"}. */
    public record Report(String text, String label, String lang, String template) {}

    /** The split: no frame, phrasing, vendor, product, component or parameter name of {@code val} is in {@code train}. */
    public record Splits(List<Report> train, List<Report> val) {}

    /** The names a split draws from; training and validation each have their own, disjoint. */
    record Vocabulary(
            List<String> vendors, List<String> products, List<CwePhrasings.Phrasing> components, List<String> params) {}

    static final Vocabulary TRAIN_WORDS = new Vocabulary(
            List.of("Acme", "Nubia", "Quetzal", "Andes Soft", "Pampa Labs", "Condor", "Helix", "Orbital"),
            List.of(
                    "Portal",
                    "CRM",
                    "Mail Gateway",
                    "HR Suite",
                    "Router Firmware",
                    "Helpdesk",
                    "ERP",
                    "Wiki",
                    "Camera Manager",
                    "Payment Gateway"),
            // Spanish nouns are masculine: phrasings say "el {c}", "del {c}", "al {c}"
            List.of(
                    new CwePhrasings.Phrasing("admin panel", "panel de administración"),
                    new CwePhrasings.Phrasing("REST service", "servicio REST"),
                    new CwePhrasings.Phrasing("login form", "formulario de inicio de sesión"),
                    new CwePhrasings.Phrasing("report module", "módulo de reportes"),
                    new CwePhrasings.Phrasing("file manager", "gestor de archivos"),
                    new CwePhrasings.Phrasing("user profile", "perfil de usuario"),
                    new CwePhrasings.Phrasing("search engine", "buscador")),
            List.of("id", "name", "q", "file", "path", "url", "redirect", "host", "template"));
    static final Vocabulary VAL_WORDS = new Vocabulary(
            List.of("Vértice", "Northwind", "Kestrel", "Tlaloc Systems", "Yaguar", "Boreal"),
            List.of("Backup Server", "LMS", "Print Server", "VPN Appliance", "Inventory", "Monitoring Agent"),
            List.of(
                    new CwePhrasings.Phrasing("plugin loader", "cargador de plugins"),
                    new CwePhrasings.Phrasing("import wizard", "asistente de importación"),
                    new CwePhrasings.Phrasing("webhook handler", "manejador de webhooks"),
                    new CwePhrasings.Phrasing("settings dashboard", "tablero de configuración"),
                    new CwePhrasings.Phrasing("export service", "servicio de exportación"),
                    new CwePhrasings.Phrasing("ticket tracker", "gestor de tickets")),
            List.of("sort", "callback", "comment", "lang", "next", "data", "config", "target"));

    /** Sentence frames; those from {@link #TRAIN_FRAMES} on are held out for validation. */
    static final List<CwePhrasings.Phrasing> FRAMES = List.of(
            new CwePhrasings.Phrasing(
                    "In {P} before {V}, {W}, which allows {I}.", "En {P} anterior a {V}, {W}, lo que permite {I}."),
            new CwePhrasings.Phrasing(
                    "{P} {V} and earlier: {W}. This allows {I}.", "{P} {V} y anteriores: {W}. Esto permite {I}."),
            new CwePhrasings.Phrasing(
                    "An issue was discovered in {P} through {V}: {W}, allowing {I}.",
                    "Se descubrió un problema en {P} hasta {V}: {W}, lo que permite {I}."),
            new CwePhrasings.Phrasing(
                    "{P} prior to {V} is affected by the following: {W}; exploitation allows {I}.",
                    "{P} antes de {V} se ve afectado por lo siguiente: {W}; su explotación permite {I}."),
            new CwePhrasings.Phrasing(
                    "Researchers reported a problem in {P} up to {V} ({W}); it could allow {I}.",
                    "Investigadores informaron de un problema en {P} hasta {V} ({W}); podría permitir {I}."),
            new CwePhrasings.Phrasing(
                    "{W} (versions of {P} up to {V}) may allow {I}. The vendor has published an update.",
                    "{W} (versiones de {P} hasta {V}) puede permitir {I}. El fabricante publicó una actualización."));

    static final int TRAIN_FRAMES = 4;

    private final Random rnd;

    private VulnReportCorpus(long seed) {
        rnd = new Random(seed);
    }

    /**
     * {@code size} descriptions, as many of each class (±1), alternately Spanish and English; 20% of each class, written
     * with the held-out frames, phrasings and vocabulary, form the validation split.
     */
    public static Splits generate(long seed, int size) {
        if (size < LABELS.size() * 10) {
            throw new IllegalArgumentException("size " + size + " is too small; use at least " + LABELS.size() * 10);
        }
        VulnReportCorpus g = new VulnReportCorpus(seed);
        List<Report> train = new ArrayList<>(), val = new ArrayList<>();
        for (int c = 0; c < LABELS.size(); c++) {
            int n = size / LABELS.size() + (c < size % LABELS.size() ? 1 : 0);
            int nVal = Math.round(n * 0.2f);
            for (int i = 0; i < n; i++) {
                boolean held = i >= n - nVal;
                (held ? val : train).add(g.describe(LABELS.get(c), i % 2 == 0, held));
            }
        }
        Collections.shuffle(train, g.rnd);
        Collections.shuffle(val, g.rnd);
        return new Splits(train, val);
    }

    /** The reports as JSON lines, UTF-8 text with a final newline. */
    public static String toJsonl(List<Report> reports) {
        StringBuilder sb = new StringBuilder();
        for (Report r : reports) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("text", r.text());
            m.put("label", r.label());
            m.put("lang", r.lang());
            m.put("template", r.template());
            sb.append(SampleJson.line(m)).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@code train.jsonl} and {@code val.jsonl} of {@link #generate} into {@code dir} (created if needed). */
    public static void write(Path dir, long seed, int size) throws IOException {
        Splits s = generate(seed, size);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("train.jsonl"), toJsonl(s.train()), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("val.jsonl"), toJsonl(s.val()), StandardCharsets.UTF_8);
    }

    /** Regenerates the committed files: {@code java ... dev.forja.samples.VulnReportCorpus [dir]}. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : DIR);
        write(out, SEED, SIZE);
        System.out.println("wrote " + SIZE + " descriptions to " + out);
    }

    private Report describe(String cwe, boolean es, boolean held) {
        Vocabulary words = held ? VAL_WORDS : TRAIN_WORDS;
        int frame = held ? TRAIN_FRAMES + rnd.nextInt(FRAMES.size() - TRAIN_FRAMES) : rnd.nextInt(TRAIN_FRAMES);
        List<CwePhrasings.Phrasing> phrasings = CwePhrasings.BY_CWE.get(cwe);
        int phrasing = held
                ? CwePhrasings.TRAIN_PHRASINGS + rnd.nextInt(phrasings.size() - CwePhrasings.TRAIN_PHRASINGS)
                : rnd.nextInt(CwePhrasings.TRAIN_PHRASINGS);
        String product = pick(words.vendors()) + " " + pick(words.products());
        CwePhrasings.Phrasing component = pick(words.components());
        String weakness = lang(phrasings.get(phrasing), es)
                .replace("{c}", lang(component, es))
                .replace("{p}", pick(words.params()));
        String frameText = lang(FRAMES.get(frame), es);
        if (frameText.startsWith("{W}")) weakness = capitalize(weakness);
        StringBuilder sb = new StringBuilder(frameText
                .replace("{P}", product)
                .replace("{V}", version())
                .replace("{I}", es ? impacto(cwe) : impact(cwe))
                .replace("{W}", weakness));
        if (rnd.nextInt(4) == 0) sb.append(' ').append(aside(es));
        if (rnd.nextInt(3) == 0) {
            sb.append(es ? " Corregido en la versión " : " Fixed in version ")
                    .append(version())
                    .append('.');
        }
        return new Report(sb.toString(), cwe, es ? "es" : "en", "f" + frame + ".p" + phrasing);
    }

    private static String lang(CwePhrasings.Phrasing p, boolean es) {
        return es ? p.es() : p.en();
    }

    /** A trailing sentence that names another weakness class as context, so keywords alone mislead. */
    private String aside(boolean es) {
        String[] en = {
            "This is a different issue than the XSS fixed in the previous release.",
            "The vendor had earlier fixed a SQL injection in the same module.",
            "Exploitation requires no user interaction.",
            "Authentication is not required to exploit this issue.",
            "It was reported together with an unrelated path traversal.",
            "The affected code also handles file uploads and XML imports.",
            "A CSRF token is present but does not mitigate this issue.",
            "The product uses Hibernate for persistence, which is not involved here."
        };
        String[] sp = {
            "Es un problema distinto del XSS corregido en la versión anterior.",
            "El fabricante ya había corregido una inyección SQL en el mismo módulo.",
            "La explotación no requiere interacción del usuario.",
            "No se requiere autenticación para explotar el problema.",
            "Se reportó junto con un path traversal no relacionado.",
            "El código afectado también procesa subidas de archivos e importaciones XML.",
            "Existe un token CSRF, pero no mitiga este problema.",
            "El producto usa Hibernate para la persistencia, que no interviene aquí."
        };
        return pick(es ? sp : en);
    }

    // Impacts are shared between classes: the mechanism, not the consequence, tells them apart.
    private String impact(String cwe) {
        String[] code = {"remote attackers to execute arbitrary code", "an attacker to run arbitrary commands"};
        String[] files = {"attackers to read arbitrary files such as /etc/passwd", "disclosure of sensitive files"};
        String[] access = {"attackers to gain administrative access", "unauthenticated access to protected functions"};
        String[] session = {"attackers to hijack user sessions", "actions to be performed on behalf of the victim"};
        String[] database = {"attackers to read or modify database contents", files[1], access[0]};
        return switch (cwe) {
            case "CWE-78", "CWE-502", "CWE-434" -> pick(code);
            case "CWE-22", "CWE-23" -> pick(files);
            case "CWE-611" -> pick(new String[] {files[0], files[1], "denial of service through entity expansion"});
            case "CWE-287", "CWE-798" -> pick(access);
            case "CWE-89", "CWE-564" -> pick(database);
            case "CWE-79", "CWE-80", "CWE-352" -> pick(session);
            case "CWE-918" ->
                pick(new String[] {
                    "attackers to reach internal services", "disclosure of cloud metadata credentials", access[1]
                });
            case "CWE-601" -> pick(new String[] {"phishing attacks against users", session[0]});
            default -> throw new IllegalArgumentException(cwe);
        };
    }

    private String impacto(String cwe) {
        String[] code = {"a atacantes remotos ejecutar código arbitrario", "a un atacante ejecutar comandos arbitrarios"
        };
        String[] files = {"leer archivos arbitrarios como /etc/passwd", "la divulgación de archivos sensibles"};
        String[] access = {"obtener acceso de administrador", "el acceso sin autenticación a funciones protegidas"};
        String[] session = {"secuestrar sesiones de usuarios", "realizar acciones en nombre de la víctima"};
        String[] database = {"leer o modificar el contenido de la base de datos", files[1], access[0]};
        return switch (cwe) {
            case "CWE-78", "CWE-502", "CWE-434" -> pick(code);
            case "CWE-22", "CWE-23" -> pick(files);
            case "CWE-611" ->
                pick(new String[] {files[0], files[1], "una denegación de servicio por expansión de entidades"});
            case "CWE-287", "CWE-798" -> pick(access);
            case "CWE-89", "CWE-564" -> pick(database);
            case "CWE-79", "CWE-80", "CWE-352" -> pick(session);
            case "CWE-918" ->
                pick(new String[] {
                    "alcanzar servicios internos", "la divulgación de credenciales de metadatos de la nube", access[1]
                });
            case "CWE-601" -> pick(new String[] {"ataques de phishing contra los usuarios", session[0]});
            default -> throw new IllegalArgumentException(cwe);
        };
    }

    private String version() {
        return (1 + rnd.nextInt(12)) + "." + rnd.nextInt(20) + (rnd.nextBoolean() ? "." + rnd.nextInt(30) : "");
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private String pick(String[] options) {
        return options[rnd.nextInt(options.length)];
    }

    private <T> T pick(List<T> options) {
        return options.get(rnd.nextInt(options.size()));
    }
}
