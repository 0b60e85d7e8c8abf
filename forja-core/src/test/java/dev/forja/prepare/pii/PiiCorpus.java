package dev.forja.prepare.pii;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A labelled test set written for forja: every positive is generated and inserted into a Spanish, Portuguese or
 * English sentence, an app/syslog/nginx log line or a CSV row, so its gold span is known. Hard negatives follow:
 * order and invoice numbers, timestamps, versions, product codes, capitalised places, prose about passwords, and
 * every checksummed identifier with a wrong check digit in its usual layout and context.
 */
final class PiiCorpus {
    /** What goes around a value ({@code "DNI "} before an Argentine DNI) and the value itself, the gold span. */
    record Piece(String prefix, String value, String suffix) {
        static Piece of(String value) {
            return new Piece("", value, "");
        }
    }

    private static final String[] ES = {
        "Hola, mis datos son {} y quedo atento.",
        "El cliente indicó {} en el formulario de alta.",
        "Según el expediente, el dato registrado es {} desde marzo.",
        "Por favor verifique {} antes de continuar con el trámite.",
        "Adjunto el comprobante con {}, gracias."
    };
    private static final String[] PT = {
        "Olá, meus dados são {} e aguardo retorno.",
        "O cadastro foi atualizado com {} ontem à tarde.",
        "Segue o comprovante com {} conforme solicitado.",
        "Favor conferir {} antes de emitir a nota."
    };
    private static final String[] EN = {
        "Please update the record with {} before Friday.",
        "The customer provided {} during signup.",
        "Ticket #4521: the user reported {} as their contact.",
        "Verified {} against the registry, no issues."
    };
    private static final String[] LOG = {
        "2024-03-15T14:22:01.123Z INFO  [req-8f2a91] lookup ok for {} in 12ms",
        "Mar 15 14:22:01 web-01 billing[881]: charge failed for {} (code=E4012, retry=3)",
        "[2024-03-15 14:22:01,554] WARN  c.a.s.UserService - duplicate entry {} skipped",
        "NGINX"
    };
    private static final String[] CSV = {
        "10234,{},2024-03-15,ACTIVO,1299.90", "\"{}\";\"Pendiente\";\"2023-11-02\";4", "8812,web,{},ok"
    };

    private final Random random;
    private final ValidIds ids;
    private final List<LabelledText> texts = new ArrayList<>();

    private PiiCorpus(long seed) {
        this.random = new Random(seed);
        this.ids = new ValidIds(random);
    }

    /** {@code perType} positives of every built-in type, then the hard negatives. */
    static List<LabelledText> generate(long seed, int perType) {
        PiiCorpus c = new PiiCorpus(seed);
        for (PiiType type : PiiType.values()) {
            if (type == PiiType.CUSTOM) continue;
            for (int i = 0; i < perType; i++) c.add(type, c.piece(type, i), i);
        }
        new PiiNegatives(c.random, c.ids).addTo(c.texts);
        return c.texts;
    }

    private void add(PiiType type, Piece piece, int i) {
        String[][] families = {ES, PT, EN, LOG, CSV};
        String[] family = families[i % families.length];
        String template = family[random.nextInt(family.length)];
        List<PiiMatch> gold = new ArrayList<>();
        String before, after;
        if (template.equals("NGINX")) {
            String ip = (11 + random.nextInt(180)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                    + (1 + random.nextInt(254));
            gold.add(new PiiMatch(PiiType.IPV4, 0, ip.length()));
            before = ip + " - - [15/Mar/2024:14:22:01 +0000] \"GET /api/v1/search?q=";
            after = " HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0\"";
        } else {
            int at = template.indexOf("{}");
            before = template.substring(0, at);
            after = template.substring(at + 2);
        }
        int start = before.length() + piece.prefix().length();
        gold.add(new PiiMatch(type, start, start + piece.value().length()));
        texts.add(new LabelledText(before + piece.prefix() + piece.value() + piece.suffix() + after, gold));
    }

    Piece piece(PiiType type, int i) {
        return switch (type) {
            case EMAIL ->
                Piece.of(pick("maria.garcia", "joao.silva", "ana_lopez", "c.perez", "lucia+news", "pedro.souza")
                        + random.nextInt(100) + "@"
                        + pick("gmail.com", "empresa.com.mx", "uol.com.br", "correo.es", "mail.example.org"));
            case PHONE -> Piece.of(phone(i));
            case IPV4 ->
                Piece.of((1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                        + random.nextInt(256));
            case IPV6 -> Piece.of(ipv6(i));
            case MAC -> Piece.of(mac(i));
            case URL_CREDENTIALS ->
                new Piece(
                        pick("https://", "ftp://", "postgres://", "redis://"),
                        pick("admin", "deploy", "svc_app", "root") + ":" + secretValue(),
                        "@" + pick("db.internal:5432", "files.example.com", "cache.local") + "/data");
            case CREDIT_CARD -> Piece.of(group(ids.card(), i));
            case IBAN -> Piece.of(i % 2 == 0 ? ids.iban() : spaced(ids.iban()));
            case CPF -> Piece.of(i % 2 == 0 ? format(ids.cpf(), "###.###.###-##") : ids.cpf());
            case CNPJ -> Piece.of(i % 2 == 0 ? format(ids.cnpj(), "##.###.###/####-##") : ids.cnpj());
            case RUT -> Piece.of(rut(ids.rut(), i));
            case CURP -> Piece.of(ids.curp());
            case RFC -> Piece.of(ids.rfc());
            case DNI_AR -> dniAr(i);
            case CUIT ->
                i % 2 == 0
                        ? Piece.of(format(ids.cuit(), "##-########-#"))
                        : new Piece(pick("CUIT ", "CUIL: ", "cuit nº "), ids.cuit(), "");
            case CEDULA_CO -> new Piece(pick("C.C. ", "cédula ", "CC ", "Cédula de ciudadanía No. "), cedula(i), "");
            case NIT_CO -> nit(i);
            case DNI_PE ->
                new Piece(pick("DNI ", "DNI N° ", "DNI: "), ids.nonZeroDigits(8), i % 3 == 0 ? " (Perú)" : "");
            case RUC_PE -> new Piece(pick("RUC ", "RUC N° ", "RUC: "), ids.ruc(), "");
            case DNI_ES -> {
                String dni = ids.dniEs();
                yield Piece.of(i % 3 == 0 ? dni.substring(0, 8) + "-" + dni.substring(8) : dni);
            }
            case NIE_ES -> Piece.of(ids.nie());
            case SSN_US ->
                i % 3 == 0
                        ? new Piece("SSN ", ids.nonZeroDigits(3).replace('9', '1') + ids.nonZeroDigits(6), "")
                        : Piece.of(ids.nonZeroDigits(3).replace('9', '4') + "-" + ids.nonZeroDigits(2) + "-"
                                + ids.nonZeroDigits(4));
            case AWS_KEY -> Piece.of(pick("AKIA", "ASIA") + ids.letters("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16));
            case PRIVATE_KEY -> {
                String kind = pick("RSA ", "EC ", "", "OPENSSH ");
                yield Piece.of("-----BEGIN " + kind + "PRIVATE KEY-----\n" + b64(48) + "\n" + b64(48) + "\n-----END "
                        + kind + "PRIVATE KEY-----");
            }
            case JWT -> Piece.of(jwt());
            case SECRET_ASSIGNMENT ->
                new Piece(
                        pick(
                                "password=",
                                "token: ",
                                "senha=",
                                "api_key=",
                                "contraseña=",
                                "?access_token=",
                                "Authorization: Bearer ",
                                "\"client_secret\": \""),
                        secretValue(),
                        "");
            case API_KEY -> new Piece(pick("configured with ", "rotated ", "leaked key "), apiKey(), "");
            case PERSON -> person(i);
            case CUSTOM -> throw new IllegalArgumentException("no generator for CUSTOM");
        };
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    String phone(int i) {
        String d4 = ids.digits(4), d3 = ids.nonZeroDigits(3);
        return switch (i % 12) {
            case 0 -> "+55 11 9" + d4 + "-" + ids.digits(4);
            case 1 -> "(" + (11 + random.nextInt(80)) + ") 9" + d4 + "-" + ids.digits(4);
            case 2 -> "+52 55 " + d4 + " " + ids.digits(4);
            case 3 -> "55 " + d4 + " " + ids.digits(4);
            case 4 -> "011 4" + ids.digits(3) + "-" + d4;
            case 5 -> "+54 9 11 " + d4 + "-" + ids.digits(4);
            case 6 -> "+56 9 " + d4 + " " + ids.digits(4);
            case 7 -> "300 " + d3 + " " + d4;
            case 8 -> "9" + ids.digits(2) + " " + d3 + " " + ids.digits(3);
            case 9 -> "6" + ids.digits(2) + " " + ids.digits(2) + " " + ids.digits(2) + " " + ids.digits(2);
            case 10 -> "+34 612 " + ids.digits(3) + " " + ids.digits(3);
            default -> "(" + d3 + ") " + ids.nonZeroDigits(3) + "-" + d4;
        };
    }

    private String ipv6(int i) {
        String[] g = new String[8];
        for (int k = 0; k < 8; k++) g[k] = Integer.toHexString(random.nextInt(65536));
        return switch (i % 3) {
            case 0 -> String.join(":", g);
            case 1 -> "2001:db8::" + g[0] + ":" + g[1];
            default -> "fe80::" + g[2] + ":" + g[3] + ":" + g[4] + ":" + g[5];
        };
    }

    private String mac(int i) {
        StringBuilder s = new StringBuilder();
        String sep = i % 3 == 0 ? "-" : ":";
        for (int k = 0; k < 6; k++)
            s.append(k > 0 ? sep : "").append(String.format(i % 2 == 0 ? "%02x" : "%02X", random.nextInt(256)));
        if (i % 5 == 4) {
            String h = s.toString().replaceAll("[:\\-]", "").toLowerCase();
            return h.substring(0, 4) + "." + h.substring(4, 8) + "." + h.substring(8);
        }
        return s.toString();
    }

    private String group(String card, int i) {
        if (i % 3 == 0) return card;
        String sep = i % 3 == 1 ? " " : "-";
        if (card.length() == 15) return card.substring(0, 4) + sep + card.substring(4, 10) + sep + card.substring(10);
        return card.substring(0, 4)
                + sep
                + card.substring(4, 8)
                + sep
                + card.substring(8, 12)
                + sep
                + card.substring(12);
    }

    private static String spaced(String compact) {
        return compact.replaceAll("(.{4})(?!$)", "$1 ");
    }

    static String format(String digits, String mask) {
        StringBuilder out = new StringBuilder();
        int j = 0;
        for (char m : mask.toCharArray()) out.append(m == '#' ? digits.charAt(j++) : m);
        return out.toString();
    }

    private static String rut(String compact, int i) {
        String body = compact.substring(0, compact.length() - 1), dv = compact.substring(compact.length() - 1);
        if (i % 2 == 1) return body + "-" + dv;
        return (body.length() == 8
                        ? body.substring(0, 2) + "." + body.substring(2, 5) + "." + body.substring(5)
                        : body.charAt(0) + "." + body.substring(1, 4) + "." + body.substring(4))
                + "-" + dv;
    }

    private Piece dniAr(int i) {
        String n = ids.nonZeroDigits(i % 4 == 3 ? 7 : 8);
        String prefix = pick("DNI ", "DNI: ", "D.N.I. ", "DNI Nº ");
        if (i % 2 == 0 && n.length() == 8)
            return new Piece(prefix, n.substring(0, 2) + "." + n.substring(2, 5) + "." + n.substring(5), "");
        return new Piece(prefix, n, n.length() == 8 ? " (Argentina)" : "");
    }

    private String cedula(int i) {
        String n = ids.nonZeroDigits(i % 2 == 0 ? 10 : 8);
        if (i % 3 != 0) return n;
        return n.length() == 10
                ? n.charAt(0) + "." + n.substring(1, 4) + "." + n.substring(4, 7) + "." + n.substring(7)
                : n.substring(0, 2) + "." + n.substring(2, 5) + "." + n.substring(5);
    }

    private Piece nit(int i) {
        String n = ids.nit();
        String body = n.substring(0, 9), dv = n.substring(9);
        return switch (i % 3) {
            case 0 -> Piece.of(body.substring(0, 3) + "." + body.substring(3, 6) + "." + body.substring(6) + "-" + dv);
            case 1 -> Piece.of(body + "-" + dv);
            default -> new Piece("NIT ", n, "");
        };
    }

    private String secretValue() {
        return ids.letters("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 6 + random.nextInt(10))
                + ids.digits(2);
    }

    private String apiKey() {
        String body = ids.letters("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 32);
        return pick("sk-", "ghp_", "glpat-", "", "") + body;
    }

    private String b64(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private String jwt() {
        Function<String, String> enc =
                s -> Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        byte[] sig = new byte[32];
        random.nextBytes(sig);
        return enc.apply("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "."
                + enc.apply("{\"sub\":\"" + random.nextInt(99999) + "\",\"exp\":"
                        + (1700000000 + random.nextInt(99999999)) + "}")
                + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    }

    // Names drawn partly from outside the gazetteer (Iara, Nahuel, Quispe, Mamani …) to measure honest recall.
    private static final String[] FIRST = {
        "María",
        "José",
        "Ana",
        "Lucía",
        "João",
        "Pedro",
        "Carlos",
        "Fernanda",
        "Camila",
        "Diego",
        "Valentina",
        "Thiago",
        "Beatriz",
        "Rodrigo",
        "Gabriela",
        "Martina",
        "Sebastián",
        "Leonardo",
        "Ximena",
        "Antônio",
        "Francisca",
        "Iara",
        "Nahuel",
        "Maite",
        "Raimundo"
    };
    private static final String[] LAST = {
        "García",
        "Silva",
        "Pérez",
        "Rodrigues",
        "Fernández",
        "Oliveira",
        "López",
        "Santos",
        "Gómez",
        "Souza",
        "Martínez",
        "Costa",
        "Hernández",
        "Ferreira",
        "Quispe",
        "Mamani",
        "Huamán",
        "Echeverría",
        "Albuquerque",
        "Urquiza"
    };

    private Piece person(int i) {
        String f = FIRST[random.nextInt(FIRST.length)],
                l = LAST[random.nextInt(LAST.length)],
                l2 = LAST[random.nextInt(LAST.length)];
        return switch (i % 5) {
            case 0 -> Piece.of(f + " " + l);
            case 1 -> Piece.of(f + " " + l + " " + l2);
            case 2 -> Piece.of(f + " " + pick("da", "de", "dos") + " " + l);
            case 3 -> new Piece(pick("Sr. ", "Sra. ", "Dra. ", "Dr. ", "Senhor "), l, "");
            default -> Piece.of(f + " " + FIRST[random.nextInt(FIRST.length)] + " " + l);
        };
    }
}
