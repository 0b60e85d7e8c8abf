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
 * {@code {"text", "label": "CWE-89", "lang": "es"|"en"}} lines, split stratified into {@code train.jsonl} (80%) and
 * {@code val.jsonl} (20%).
 *
 * <p>Each description joins a product and version, a weakness described in one of several ways (the CWE's name, the
 * mechanism without the name, or a vaguer account), the parameter or component it sits in, an impact and a trailing
 * clause. Impacts are shared between classes on purpose (arbitrary code from command injection, deserialization and
 * file upload; file reads from path traversal and XXE; access bypass from weak authentication and hard-coded
 * credentials), and some descriptions name another weakness as context ("unlike the XSS fixed in 2.1"), so that one
 * keyword does not decide the class: a model has to read the mechanism. Everything derives from one seeded
 * {@link Random}: the same seed and size give the same bytes on any JVM.
 */
public final class VulnReportCorpus {
    public static final long SEED = 20_261_207L;
    public static final int SIZE = 1500;
    /** Where the committed output lives, relative to the repository root. */
    public static final String DIR = "samples/vulns";

    public static final List<String> LABELS = List.of(
            "CWE-22", "CWE-78", "CWE-79", "CWE-89", "CWE-287", "CWE-352", "CWE-434", "CWE-502", "CWE-601", "CWE-611",
            "CWE-798", "CWE-918");

    /** One labelled description. */
    public record Report(String text, String label, String lang) {}

    /** The stratified split. */
    public record Splits(List<Report> train, List<Report> val) {}

    private static final String[] VENDORS = {
        "Acme",
        "Nubia",
        "Quetzal",
        "Andes Soft",
        "Pampa Labs",
        "Condor",
        "Helix",
        "Orbital",
        "Vértice",
        "Northwind",
        "Kestrel",
        "Tlaloc Systems"
    };
    private static final String[] PRODUCTS = {
        "Portal",
        "CRM",
        "Mail Gateway",
        "HR Suite",
        "Router Firmware",
        "Helpdesk",
        "ERP",
        "Wiki",
        "Camera Manager",
        "Payment Gateway",
        "Backup Server",
        "LMS",
        "Print Server",
        "VPN Appliance",
        "Inventory",
        "Monitoring Agent"
    };
    private static final String[] COMPONENTS = {
        "admin panel",
        "REST API",
        "login page",
        "report module",
        "file manager",
        "user profile",
        "search feature",
        "plugin loader",
        "import wizard",
        "webhook handler",
        "settings page",
        "export service"
    };
    // masculine nouns only: the Spanish templates say "el " + component
    private static final String[] COMPONENTES = {
        "panel de administración",
        "API REST",
        "página de inicio de sesión",
        "módulo de reportes",
        "gestor de archivos",
        "perfil de usuario",
        "buscador",
        "cargador de plugins",
        "asistente de importación",
        "manejador de webhooks",
        "página de configuración",
        "servicio de exportación"
    };
    private static final String[] PARAMS = {
        "id",
        "name",
        "q",
        "file",
        "path",
        "url",
        "redirect",
        "host",
        "template",
        "sort",
        "callback",
        "comment",
        "lang",
        "next",
        "data",
        "config"
    };

    private final Random rnd;

    private VulnReportCorpus(long seed) {
        rnd = new Random(seed);
    }

    /** {@code size} descriptions, as many of each class (±1), alternately Spanish and English, split 80/20 per class. */
    public static Splits generate(long seed, int size) {
        if (size < LABELS.size() * 10) {
            throw new IllegalArgumentException("size " + size + " is too small; use at least " + LABELS.size() * 10);
        }
        VulnReportCorpus g = new VulnReportCorpus(seed);
        List<Report> train = new ArrayList<>(), val = new ArrayList<>();
        for (int c = 0; c < LABELS.size(); c++) {
            int n = size / LABELS.size() + (c < size % LABELS.size() ? 1 : 0);
            List<Report> cls = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                boolean es = i % 2 == 0;
                cls.add(new Report(g.describe(LABELS.get(c), es), LABELS.get(c), es ? "es" : "en"));
            }
            Collections.shuffle(cls, g.rnd);
            int cut = Math.round(n * 0.8f);
            train.addAll(cls.subList(0, cut));
            val.addAll(cls.subList(cut, n));
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

    private String describe(String cwe, boolean es) {
        String product = pick(VENDORS) + " " + pick(PRODUCTS);
        String version = version();
        int c = rnd.nextInt(COMPONENTS.length);
        String component = es ? COMPONENTES[c] : COMPONENTS[c];
        String param = pick(PARAMS);
        String weakness = es ? debilidad(cwe, component, param) : weakness(cwe, component, param);
        String impact = es ? impacto(cwe) : impact(cwe);
        StringBuilder sb = new StringBuilder();
        switch (rnd.nextInt(3)) {
            case 0 ->
                sb.append(es ? "En " : "In ")
                        .append(product)
                        .append(es ? " anterior a " : " before ")
                        .append(version)
                        .append(", ")
                        .append(weakness)
                        .append(", ")
                        .append(es ? "lo que permite " : "which allows ")
                        .append(impact)
                        .append('.');
            case 1 ->
                sb.append(capitalize(weakness))
                        .append(es ? " en " : " in ")
                        .append(product)
                        .append(' ')
                        .append(version)
                        .append(es ? " permite " : " allows ")
                        .append(impact)
                        .append('.');
            default ->
                sb.append(product)
                        .append(' ')
                        .append(version)
                        .append(es ? " y anteriores: " : " and earlier: ")
                        .append(weakness)
                        .append(". ")
                        .append(es ? "Esto permite " : "This allows ")
                        .append(impact)
                        .append('.');
        }
        if (rnd.nextInt(4) == 0) sb.append(' ').append(es ? aside(true) : aside(false));
        if (rnd.nextInt(3) == 0) {
            sb.append(es ? " Corregido en la versión " : " Fixed in version ")
                    .append(version())
                    .append('.');
        }
        return sb.toString();
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
            "A CSRF token is present but does not mitigate this issue."
        };
        String[] sp = {
            "Es un problema distinto del XSS corregido en la versión anterior.",
            "El fabricante ya había corregido una inyección SQL en el mismo módulo.",
            "La explotación no requiere interacción del usuario.",
            "No se requiere autenticación para explotar el problema.",
            "Se reportó junto con un path traversal no relacionado.",
            "El código afectado también procesa subidas de archivos e importaciones XML.",
            "Existe un token CSRF, pero no mitiga este problema."
        };
        return pick(es ? sp : en);
    }

    private String weakness(String cwe, String component, String p) {
        String in = "the '" + p + "' parameter of the " + component;
        return switch (cwe) {
            case "CWE-79" ->
                pick(new String[] {
                    "a cross-site scripting (XSS) vulnerability in " + in,
                    "the " + component + " does not neutralize HTML and script content supplied in the '" + p
                            + "' parameter before including it in the page",
                    "stored input in the " + component + " is rendered to other users without output encoding",
                    "improper neutralization of input during web page generation in " + in
                });
            case "CWE-89" ->
                pick(new String[] {
                    "a SQL injection vulnerability in " + in,
                    "the " + component + " concatenates the '" + p + "' parameter into a database query without "
                            + "parameterization",
                    "improper neutralization of special elements in an SQL command via " + in,
                    "a crafted value of '" + p + "' alters the WHERE clause built by the " + component
                });
            case "CWE-78" ->
                pick(new String[] {
                    "an OS command injection vulnerability in " + in,
                    "the " + component + " passes the '" + p + "' parameter to a system shell without sanitization",
                    "shell metacharacters in " + in + " are executed by the underlying operating system",
                    "the " + component + " builds a ping command line from the '" + p + "' value"
                });
            case "CWE-22" ->
                pick(new String[] {
                    "a path traversal vulnerability in " + in,
                    "the " + component + " does not restrict '../' sequences in the '" + p + "' parameter",
                    "improper limitation of a pathname to a restricted directory in " + in,
                    "the " + component + " joins the '" + p + "' value to the storage directory without normalizing it"
                });
            case "CWE-352" ->
                pick(new String[] {
                    "a cross-site request forgery (CSRF) vulnerability in the " + component,
                    "state-changing requests of the " + component
                            + " do not verify an anti-forgery token or the origin",
                    "the " + component + " accepts a forged request from another site while the victim is logged in",
                    "the " + component + " performs actions on GET requests that a third-party page can trigger"
                });
            case "CWE-287" ->
                pick(new String[] {
                    "improper authentication in the " + component,
                    "the " + component + " trusts a client-side '" + p + "' flag to decide whether a user is logged in",
                    "the " + component + " does not validate the signature of session tokens",
                    "an authentication bypass in the " + component + " when the '" + p + "' header is empty"
                });
            case "CWE-798" ->
                pick(new String[] {
                    "hard-coded credentials in the " + component,
                    "the firmware ships a fixed administrator password that cannot be changed by the user",
                    "a static API key embedded in the " + component + " binary",
                    "a default service account with a password stored in the source code of the " + component
                });
            case "CWE-502" ->
                pick(new String[] {
                    "deserialization of untrusted data in the " + component,
                    "the " + component + " deserializes Java objects received in the '" + p + "' field",
                    "the " + component + " loads a pickled object supplied by the client",
                    "a crafted serialized payload in the session cookie is instantiated by the " + component
                });
            case "CWE-918" ->
                pick(new String[] {
                    "a server-side request forgery (SSRF) vulnerability in " + in,
                    "the " + component + " fetches the URL given in the '" + p + "' parameter from the server",
                    "the " + component
                            + " makes outbound HTTP requests to attacker-chosen hosts, including 169.254.169.254",
                    "the webhook test feature of the " + component
                            + " connects to internal addresses supplied by the user"
                });
            case "CWE-611" ->
                pick(new String[] {
                    "an XML external entity (XXE) vulnerability in the " + component,
                    "the XML parser of the " + component + " resolves external entities in uploaded documents",
                    "a DOCTYPE with a SYSTEM entity in an imported file is expanded by the " + component,
                    "improper restriction of XML external entity references in the " + component
                });
            case "CWE-434" ->
                pick(new String[] {
                    "unrestricted upload of a file with a dangerous type in the " + component,
                    "the " + component
                            + " accepts files with a .php or .jsp extension and stores them under the web root",
                    "the " + component + " checks only the Content-Type of an uploaded file",
                    "the avatar upload of the " + component + " does not validate the file extension"
                });
            case "CWE-601" ->
                pick(new String[] {
                    "an open redirect vulnerability in " + in,
                    "the " + component + " redirects to the URL in the '" + p
                            + "' parameter without checking its domain",
                    "URL redirection to an untrusted site via " + in,
                    "after login the " + component + " forwards the user to any address given in '" + p + "'"
                });
            default -> throw new IllegalArgumentException(cwe);
        };
    }

    private String debilidad(String cwe, String component, String p) {
        String en = "el parámetro '" + p + "' del " + component;
        return switch (cwe) {
            case "CWE-79" ->
                pick(new String[] {
                    "una vulnerabilidad de cross-site scripting (XSS) en " + en,
                    "el " + component + " no neutraliza el contenido HTML y de script del parámetro '" + p
                            + "' antes de incluirlo en la página",
                    "la entrada almacenada en el " + component
                            + " se muestra a otros usuarios sin codificación de salida",
                    "neutralización incorrecta de la entrada durante la generación de la página web en " + en
                });
            case "CWE-89" ->
                pick(new String[] {
                    "una vulnerabilidad de inyección SQL en " + en,
                    "el " + component + " concatena el parámetro '" + p + "' en una consulta a la base de datos sin "
                            + "parametrizarla",
                    "neutralización incorrecta de elementos especiales de un comando SQL mediante " + en,
                    "un valor manipulado de '" + p + "' altera la cláusula WHERE que construye el " + component
                });
            case "CWE-78" ->
                pick(new String[] {
                    "una vulnerabilidad de inyección de comandos del sistema operativo en " + en,
                    "el " + component + " pasa el parámetro '" + p + "' a una shell del sistema sin sanitizarlo",
                    "los metacaracteres de shell en " + en + " son ejecutados por el sistema operativo",
                    "el " + component + " arma una línea de comando ping con el valor de '" + p + "'"
                });
            case "CWE-22" ->
                pick(new String[] {
                    "una vulnerabilidad de recorrido de directorios (path traversal) en " + en,
                    "el " + component + " no restringe las secuencias '../' en el parámetro '" + p + "'",
                    "limitación incorrecta de una ruta a un directorio restringido en " + en,
                    "el " + component + " une el valor de '" + p + "' al directorio de almacenamiento sin normalizarlo"
                });
            case "CWE-352" ->
                pick(new String[] {
                    "una vulnerabilidad de falsificación de peticiones en sitios cruzados (CSRF) en el " + component,
                    "las peticiones que cambian estado en el " + component
                            + " no verifican un token anti-falsificación " + "ni el origen",
                    "el " + component + " acepta una petición falsificada desde otro sitio mientras la víctima tiene "
                            + "la sesión iniciada",
                    "el " + component + " ejecuta acciones en peticiones GET que una página de terceros puede disparar"
                });
            case "CWE-287" ->
                pick(new String[] {
                    "autenticación incorrecta en el " + component,
                    "el " + component + " confía en un indicador '" + p + "' del cliente para decidir si el usuario "
                            + "inició sesión",
                    "el " + component + " no valida la firma de los tokens de sesión",
                    "un bypass de autenticación en el " + component + " cuando la cabecera '" + p + "' está vacía"
                });
            case "CWE-798" ->
                pick(new String[] {
                    "credenciales embebidas en el código del " + component,
                    "el firmware incluye una contraseña de administrador fija que el usuario no puede cambiar",
                    "una clave de API estática incrustada en el binario del " + component,
                    "una cuenta de servicio por defecto con la contraseña escrita en el código fuente del " + component
                });
            case "CWE-502" ->
                pick(new String[] {
                    "deserialización de datos no confiables en el " + component,
                    "el " + component + " deserializa objetos Java recibidos en el campo '" + p + "'",
                    "el " + component + " carga un objeto pickle enviado por el cliente",
                    "un payload serializado manipulado en la cookie de sesión es instanciado por el " + component
                });
            case "CWE-918" ->
                pick(new String[] {
                    "una vulnerabilidad de falsificación de peticiones del lado del servidor (SSRF) en " + en,
                    "el " + component + " descarga desde el servidor la URL indicada en el parámetro '" + p + "'",
                    "el " + component + " realiza peticiones HTTP salientes a hosts elegidos por el atacante, incluido "
                            + "169.254.169.254",
                    "la prueba de webhooks del " + component
                            + " se conecta a direcciones internas indicadas por el usuario"
                });
            case "CWE-611" ->
                pick(new String[] {
                    "una vulnerabilidad de entidad externa XML (XXE) en el " + component,
                    "el analizador XML del " + component + " resuelve entidades externas en los documentos subidos",
                    "un DOCTYPE con una entidad SYSTEM en un archivo importado es expandido por el " + component,
                    "restricción incorrecta de referencias a entidades externas XML en el " + component
                });
            case "CWE-434" ->
                pick(new String[] {
                    "subida sin restricciones de archivos de tipo peligroso en el " + component,
                    "el " + component + " acepta archivos con extensión .php o .jsp y los guarda bajo la raíz web",
                    "el " + component + " solo comprueba el Content-Type del archivo subido",
                    "la subida de avatares del " + component + " no valida la extensión del archivo"
                });
            case "CWE-601" ->
                pick(new String[] {
                    "una vulnerabilidad de redirección abierta en " + en,
                    "el " + component + " redirige a la URL del parámetro '" + p + "' sin comprobar su dominio",
                    "redirección de URL a un sitio no confiable mediante " + en,
                    "tras el inicio de sesión el " + component
                            + " reenvía al usuario a cualquier dirección indicada en '" + p + "'"
                });
            default -> throw new IllegalArgumentException(cwe);
        };
    }

    // Impacts are shared between classes: the mechanism, not the consequence, tells them apart.
    private String impact(String cwe) {
        String[] code = {"remote attackers to execute arbitrary code", "an attacker to run arbitrary commands"};
        String[] files = {"attackers to read arbitrary files such as /etc/passwd", "disclosure of sensitive files"};
        String[] access = {"attackers to gain administrative access", "unauthenticated access to protected functions"};
        String[] session = {"attackers to hijack user sessions", "actions to be performed on behalf of the victim"};
        return switch (cwe) {
            case "CWE-78", "CWE-502", "CWE-434" -> pick(code);
            case "CWE-22" -> pick(files);
            case "CWE-611" -> pick(new String[] {files[0], files[1], "denial of service through entity expansion"});
            case "CWE-287", "CWE-798" -> pick(access);
            case "CWE-89" ->
                pick(new String[] {
                    "attackers to read or modify database contents", "disclosure of sensitive files", access[0]
                });
            case "CWE-79", "CWE-352" -> pick(session);
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
        return switch (cwe) {
            case "CWE-78", "CWE-502", "CWE-434" -> pick(code);
            case "CWE-22" -> pick(files);
            case "CWE-611" ->
                pick(new String[] {files[0], files[1], "una denegación de servicio por expansión de entidades"});
            case "CWE-287", "CWE-798" -> pick(access);
            case "CWE-89" ->
                pick(new String[] {"leer o modificar el contenido de la base de datos", files[1], access[0]});
            case "CWE-79", "CWE-352" -> pick(session);
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
}
