package dev.forja.samples;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The forms in which a request reaches an analyst: an nginx/Apache combined access-log line, a raw HTTP request with
 * headers, a JSON application-log line, a bare URL, or a note written in Spanish. Every form is used for every label,
 * and the notes are worded neutrally so their words carry no label.
 */
final class TrafficFormats {

    /** A request before rendering; {@code body} and {@code cookie} may be empty. */
    record Request(
            String method,
            String target,
            String body,
            boolean jsonBody,
            String userAgent,
            String cookie,
            String referer) {}

    private static final List<String> BROWSERS = List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
            "Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
            "BancoApp/5.2.1 (Android 13; SM-A546E)",
            "TiendaApp/3.4.0 (iOS 17.2; iPhone14,5)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "curl/8.4.0",
            "python-requests/2.31.0",
            "Go-http-client/1.1",
            "okhttp/4.12.0");
    private static final List<String> SCANNERS = List.of(
            "sqlmap/1.7.2#stable (https://sqlmap.org)",
            "Nikto/2.5.0",
            "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)");
    private static final List<String> NOTES = List.of(
            "Se detectó la petición %REQ% desde %IP% el %DATE%.",
            "Alerta del WAF (regla %RULE%): %REQ% — origen %IP%",
            "Revisar: el cliente %IP% envió %REQ% a las %TIME%. Respuesta %STATUS%.",
            "Ticket #%TICKET%: %NAME% (%EMAIL%) reporta un error al enviar %REQ%",
            "Registro de la aplicación: %REQ% respondió %STATUS% en %MS% ms (IP %IP%)",
            "Petición marcada para revisión manual: %REQ%",
            "Hola equipo, ¿alguien reconoce esta petición? %REQ% — vino desde %IP%",
            "Correlación SIEM: %COUNT% peticiones similares a %REQ% desde %IP% en la última hora",
            "Cliente llamó al %PHONE% por un problema con %REQ%");
    private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx", Locale.ROOT);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd-MM-yyyy", Locale.ROOT);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    /** 2024-01-01T00:00:00Z; events spread over the following half year. */
    private static final long EPOCH_2024 = 1_704_067_200L;

    private final Random rnd;
    private final SyntheticPii pii;

    TrafficFormats(Random rnd, SyntheticPii pii) {
        this.rnd = rnd;
        this.pii = pii;
    }

    String userAgent(boolean attack, String label) {
        if (rnd.nextInt(1000) < (attack ? 80 : 5)) {
            return "sqli".equals(label) ? pii.pick(SCANNERS) : pii.pick(SCANNERS.subList(1, SCANNERS.size()));
        }
        return pii.pick(BROWSERS);
    }

    int status(boolean attack) {
        int r = rnd.nextInt(100);
        if (attack) return r < 35 ? 403 : r < 65 ? 200 : r < 75 ? 400 : r < 85 ? 404 : r < 95 ? 500 : 302;
        return r < 70
                ? 200
                : r < 80 ? 304 : r < 85 ? 301 : r < 90 ? 302 : r < 95 ? 404 : r < 97 ? 401 : r < 98 ? 403 : 500;
    }

    /**
     * Renders {@code req}; {@code payloadInBody} and {@code payloadInHeader} say where a payload sits outside the
     * request line, so that forms which would drop it (an access-log line has no body, a bare URL no headers) are
     * not used.
     */
    String render(Request req, boolean payloadInBody, boolean payloadInHeader, int status) {
        String ip = pii.ip();
        LocalDateTime t = LocalDateTime.ofEpochSecond(EPOCH_2024 + rnd.nextInt(182 * 86_400), 0, ZoneOffset.UTC);
        ZoneOffset zone = ZoneOffset.ofHours(rnd.nextBoolean() ? -3 : rnd.nextBoolean() ? -4 : -6);
        var time = t.atOffset(ZoneOffset.UTC).withOffsetSameInstant(zone);
        int form = rnd.nextInt(100);
        if (payloadInBody && form < 35) form = 35 + rnd.nextInt(65);
        if (form >= 75 && form < 85 && (payloadInBody || payloadInHeader)) form = 85;
        if (form < 35) {
            return ip + " - - [" + CLF.format(time) + "] \"" + req.method() + " " + req.target() + " HTTP/1.1\" "
                    + status
                    + " " + (200 + rnd.nextInt(40_000)) + " \"" + (req.referer().isEmpty() ? "-" : req.referer())
                    + "\" \""
                    + req.userAgent() + "\"";
        }
        if (form < 55) return raw(req);
        if (form < 75) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("ts", ISO.format(time));
            line.put("ip", ip);
            line.put("metodo", req.method());
            line.put("uri", req.target());
            line.put("estado", status);
            line.put("ua", req.userAgent());
            if (!req.body().isEmpty()) line.put("cuerpo", req.body());
            if (!req.cookie().isEmpty()) line.put("cookie", req.cookie());
            return SampleJson.line(line);
        }
        if (form < 85) return req.target();
        String what = req.method() + " " + req.target();
        if (!req.body().isEmpty()) what += " con cuerpo " + req.body();
        if (payloadInHeader)
            what += " (User-Agent: " + req.userAgent() + (req.cookie().isEmpty() ? "" : "; Cookie: " + req.cookie())
                    + ")";
        return pii.pick(NOTES)
                .replace("%REQ%", what)
                .replace("%IP%", ip)
                .replace("%DATE%", DAY.format(time))
                .replace("%TIME%", HOUR.format(time))
                .replace("%STATUS%", String.valueOf(status))
                .replace("%RULE%", String.valueOf(900_000 + rnd.nextInt(50_000)))
                .replace("%TICKET%", String.valueOf(10_000 + rnd.nextInt(90_000)))
                .replace("%NAME%", pii.fullName())
                .replace("%EMAIL%", pii.email())
                .replace("%MS%", String.valueOf(5 + rnd.nextInt(3000)))
                .replace("%COUNT%", String.valueOf(2 + rnd.nextInt(200)))
                .replace("%PHONE%", pii.phone());
    }

    private String raw(Request req) {
        StringBuilder sb =
                new StringBuilder(req.method()).append(' ').append(req.target()).append(" HTTP/1.1\n");
        sb.append("Host: ")
                .append(pii.pick(List.of("www.tienda.cl", "www.banco.cl", "www.tramites.gob.cl", "api.tienda.cl")));
        sb.append("\nUser-Agent: ").append(req.userAgent());
        if (!req.referer().isEmpty()) sb.append("\nReferer: ").append(req.referer());
        if (!req.cookie().isEmpty()) sb.append("\nCookie: ").append(req.cookie());
        if (!req.body().isEmpty()) {
            sb.append("\nContent-Type: ")
                    .append(req.jsonBody() ? "application/json" : "application/x-www-form-urlencoded");
            sb.append("\n\n").append(req.body());
        }
        return sb.toString();
    }
}
