package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogTemplatesTest {

    @Test
    void masksTimestampsAddressesNumbersHexAndUsers() {
        assertThat(LogTemplates.template(
                        "Mar  1 06:00:02 web01 sshd[811]: Failed password for bob from 10.0.3.4 port 52344 ssh2"))
                .isEqualTo("<TS> <N> sshd[<N>]: Failed password for <USER> from <IP> port <N> <N>");
        assertThat(LogTemplates.template("Mar 12 06:00:02 db01 sshd[9]: Failed password for invalid user oracle from "
                        + "45.1.2.3 port 1 ssh2"))
                .isEqualTo("<TS> <N> sshd[<N>]: Failed password for invalid user <USER> from <IP> port <N> <N>");
        assertThat(LogTemplates.template("Mar  1 06:00:02 web01 sudo[42]:    alice : TTY=pts/0 ; PWD=/home/alice ; "
                        + "USER=root ; COMMAND=/usr/bin/docker ps"))
                .isEqualTo("<TS> <N> sudo[<N>]:    <USER> : TTY=pts/<N> ; PWD=/home/alice ; USER=root ; "
                        + "COMMAND=/usr/bin/docker ps");
        assertThat(
                        LogTemplates.template(
                                "10.0.5.251 - - [01/Mar/2026:06:00:06 +0000] \"GET /static/p12.jpg?v=69758b HTTP/1.1\" 200 14991"))
                .isEqualTo("<IP> - - <TS> \"GET /static/<N>.jpg?v=<HEX> HTTP/<N>.<N>\" <N> <N>");
    }

    @Test
    void rareTemplatesScoreHigherAndUnseenHighest() {
        LogTemplates t = LogTemplates.fit(List.of(
                "sshd[1]: Accepted publickey for alice from 10.0.0.1",
                "sshd[2]: Accepted publickey for bob from 10.0.0.2",
                "sshd[3]: Accepted publickey for carlos from 10.0.0.3",
                "CRON[4]: (root) CMD (/usr/local/bin/backup.sh)"));
        assertThat(t.templates()).isEqualTo(2);
        double common = t.score("sshd[9]: Accepted publickey for maria from 10.9.9.9");
        double rare = t.score("CRON[7]: (root) CMD (/usr/local/bin/backup.sh)");
        double unseen = t.score("CRON[7]: (www-data) CMD (/tmp/.x/miner)");
        assertThat(common).isLessThan(rare);
        assertThat(rare).isLessThan(unseen);
        // add-one smoothing over 4 lines and 2 templates: -log((3 + 1) / 7)
        assertThat(common).isEqualTo(-Math.log(4 / 7.0));
    }
}
