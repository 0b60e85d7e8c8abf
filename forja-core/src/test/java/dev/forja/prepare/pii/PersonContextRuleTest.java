package dev.forja.prepare.pii;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.prepare.pii.AnonymizerConfig.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

class PersonContextRuleTest {
    private static final Anonymizer PLACEHOLDERS = new Anonymizer(AnonymizerConfig.placeholders());

    private static String masked(String text) {
        return PLACEHOLDERS.anonymize(text).text();
    }

    private static List<String> names(String text) {
        return PLACEHOLDERS.detect(text).stream()
                .filter(m -> m.type() == PiiType.PERSON)
                .map(m -> text.substring(m.start(), m.end()))
                .toList();
    }

    @Test
    void aNameSplitByALineBreakIsOneSpanAndKeepsTheLineBreak() {
        String text = "La traducción fue creada por José\nLópez Mellado <jlm@example.es>.";
        assertThat(names(text)).containsExactly("José\nLópez Mellado");
        assertThat(masked(text)).isEqualTo("La traducción fue creada por <PERSON>\n <<EMAIL>>.");
    }

    @Test
    void foreignNamesAreFoundFromTheirContext() {
        assertThat(names("Escrito por Bernd Eckenfels.")).containsExactly("Bernd Eckenfels");
        assertThat(names("Susan Kleinmann <sgk@example.org>")).containsExactly("Susan Kleinmann");
        assertThat(names("Copyright (C) 2003 Alan Cox")).containsExactly("Alan Cox");
        assertThat(names("Author: Wojciech Kryński")).containsExactly("Wojciech Kryński");
        assertThat(names(" -- ISHIKAWA Mutsumi <ishikawa@example.org>  Mon, 02 Jan 2023 13:06:21 +0100"))
                .containsExactly("ISHIKAWA Mutsumi");
    }

    @Test
    void initialsAndParticlesBelongToTheName() {
        assertThat(names("revisada por Pedro A. Carrasco Ponce.")).containsExactly("Pedro A. Carrasco Ponce");
        assertThat(names("Traductor: Fred N. van Kempen")).containsExactly("Fred N. van Kempen");
        assertThat(names("Mantenedor: Ludwig von Mises <lvm@example.de>")).containsExactly("Ludwig von Mises");
        assertThat(names("escrita por João dos Santos Filho")).containsExactly("João dos Santos Filho");
    }

    @Test
    void listsAfterACueAreSeveralNames() {
        assertThat(names("Autores: Fred N. van Kempen, Alan Cox y Bernd Eckenfels."))
                .containsExactly("Fred N. van Kempen", "Alan Cox", "Bernd Eckenfels");
        assertThat(names("Escrito por José Ortega y Gasset.")).containsExactly("José Ortega y Gasset");
    }

    @Test
    void salutationsAndSignatures() {
        assertThat(names("Saludos,\nMarta Quiroga")).containsExactly("Marta Quiroga");
        assertThat(names("Regards,\nTorsten Werner")).containsExactly("Torsten Werner");
        assertThat(names("Dear Bernd, the patch is fine.")).containsExactly("Bernd");
    }

    @Test
    void namesInFormAndJsonFieldsOfRequests() {
        assertThat(names("POST /contacto nombre=Luis+Gonzalez&email=x")).containsExactly("Luis+Gonzalez");
        assertThat(names("GET /perfil?nombre=Camila%20Sepulveda&id=3")).containsExactly("Camila%20Sepulveda");
        assertThat(names("{\\\"name\\\":\\\"Bernd Eckenfels\\\",\\\"id\\\":3}")).containsExactly("Bernd Eckenfels");
        assertThat(names("{\"nome\": \"João dos Santos\"}")).containsExactly("João dos Santos");
        assertThat(names("the name=Value of the option")).isEmpty();
    }

    @Test
    void browsersAndInjectionsInRequestsAreNotPeople() {
        // an address later on the line is no cue for a word it is not next to ("Safari/537.36\",...email=a@b")
        assertThat(
                        names(
                                "\"ua\":\"Mozilla/5.0 (X11) Chrome/122.0.0.0 Safari/537.36\",\"cuerpo\":\"email=ana@example.cl\""))
                .isEmpty();
        assertThat(names("nombre=admin';WAITFOR+DELAY+'0:0:5'&email=ana@example.cl"))
                .isEmpty();
        assertThat(names("page=lista%27+UNION+SELECT+@@version+FROM+clientes")).isEmpty();
        assertThat(names("nombre=' UNION SELECT password FROM usuarios--")).isEmpty();
    }

    @Test
    void organisationsAndProductsAfterACueAreNotPeople() {
        for (String text : List.of(
                "Copyright (C) 1998 Free Software Foundation, Inc.",
                "Copyright 2001 Red Hat",
                "Escrito por el equipo de Debian.",
                "Este programa usa POSIX y NFS en Debian GNU/Linux.",
                "The GNU C Library is the standard C library of the GNU system.",
                "Hello World program in the X Window System",
                "Distribuido por Netscape Communications Corporation.",
                "Linux Kernel Mailing List",
                "Mount the NFS share from the Debian server."))
            assertThat(masked(text)).as(text).isEqualTo(text);
    }

    @Test
    void aPersonHasOnePseudonymWhateverTheLineBreaks() {
        Anonymizer p =
                new Anonymizer(new AnonymizerConfig(Mode.PSEUDONYM, "a-test-secret-of-32-characters!!", null, null));
        String one = p.anonymize("creada por Bernd Eckenfels <b@example.de>").text();
        String two = p.anonymize("creada por Bernd\nEckenfels <b@example.de>").text();
        assertThat(one).doesNotContain("Eckenfels");
        assertThat(two).isEqualTo(one.replaceFirst(" <", "\n <"));
    }

    @Test
    void aNameFoundOnceIsMaskedEverywhereInTheText() {
        String text = "Larry Wall\n\nSi encuentra un error, escriba a Larry Wall <lw@example.org>.";
        assertThat(masked(text)).isEqualTo("<PERSON>\n\nSi encuentra un error, escriba a <PERSON> <<EMAIL>>.");
        String alone = "Larry Wall\n\nSi encuentra un error, escriba a la lista.";
        assertThat(masked(alone)).isEqualTo(alone); // without the cue, nothing says it is a person
    }

    @Test
    void aSweepMasksNamesFoundInEarlierTextsAcrossLinesAndJsonEscapes() {
        Anonymizer a = new Anonymizer(AnonymizerConfig.placeholders());
        a.anonymize("Traducido por Larry Wall <lw@example.org>.");
        assertThat(a.sweep("{\"text\":\"Larry\\nWall escribió; Larry Walls no; LarryWall tampoco.\"}")
                        .text())
                .isEqualTo("{\"text\":\"<PERSON> escribió; Larry Walls no; LarryWall tampoco.\"}");
        assertThat(a.sweep("Larry\nWall").text()).isEqualTo("<PERSON>\n");
        assertThat(a.sweep("nada que ver").counts()).isEmpty();
    }

    @Test
    void creditFilesHeadingsAndTeams() {
        assertThat(names("AUTHORS\n\nAlan Coxwell\nBernd Eckhardt\nFred N. van Kampen\n"))
                .containsExactly("Alan Coxwell", "Bernd Eckhardt", "Fred N. van Kampen");
        assertThat(names("Copyright: 2003 Juan Pérez Aldana\n           2008-2019 Petter Reinholt\nLicense: GPL-2+"))
                .containsExactly("Juan Pérez Aldana", "Petter Reinholt");
        String team = "\"Language-Team: Debian l10n Spanish <debian-l10n-spanish@lists.example.org>\\n\"";
        assertThat(names(team)).isEmpty();
    }
}
