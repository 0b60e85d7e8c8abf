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
        // initials and a surname after a weaker cue
        assertThat(names("Baseado em código de J. Quintella.")).containsExactly("J. Quintella");
        assertThat(names("Written by Brian Oakhurst and P. J. Plaunder."))
                .containsExactly("Brian Oakhurst", "P. J. Plaunder");
    }

    @Test
    void listsAfterACueAreSeveralNames() {
        assertThat(names("Autores: Fred N. van Kempen, Alan Cox y Bernd Eckenfels."))
                .containsExactly("Fred N. van Kempen", "Alan Cox", "Bernd Eckenfels");
        assertThat(names("Escrito por José Ortega y Gasset.")).containsExactly("José Ortega y Gasset");
        // particles inside the names on either side of the joiner
        assertThat(names("Traduzido por Anselmo dos Santos e Iolanda da Costa Pires."))
                .containsExactly("Anselmo dos Santos", "Iolanda da Costa Pires");
        assertThat(names("Traducido por Anselmo de la Fuente y Iolanda del Río."))
                .containsExactly("Anselmo de la Fuente", "Iolanda del Río");
        // one word alone after "and" in a list that began with a cue
        assertThat(names("Thanks to Lucimar Feitosa and Ozzie for the patches."))
                .containsExactly("Lucimar Feitosa", "Ozzie");
        assertThat(names("Thanks to Lucimar Feitosa and Debian for the patches."))
                .containsExactly("Lucimar Feitosa");
        // a login in brackets after a name does not end the list
        assertThat(names("A tradução foi feita por Teodoro Braga (tbraga) e Lucimar Feitosa (lfeitosa)."))
                .containsExactly("Teodoro Braga", "Lucimar Feitosa");
    }

    @Test
    void salutationsAndSignatures() {
        assertThat(names("Saludos,\nMarta Quiroga")).containsExactly("Marta Quiroga");
        assertThat(names("Regards,\nTorsten Werner")).containsExactly("Torsten Werner");
        assertThat(names("Dear Bernd, the patch is fine.")).containsExactly("Bernd");
    }

    @Test
    void surnamesOfGaelicShapeAfterAGivenName() {
        assertThat(names("Roderick McAllister.  Long options, the manual.")).containsExactly("Roderick McAllister");
        assertThat(names("Install MacPorts Base first; the McAfee VirusScan tool is not needed."))
                .isEmpty();
    }

    @Test
    void janBeforeASurnameIsAGivenNameNotAMonth() {
        assertThat(names("Escrito por Jan Holub y Petra Dvořáková.")).containsExactly("Jan Holub", "Petra Dvořáková");
        assertThat(names("Released Jan 2004 by the GNU Project.\nJan Feb Mar Apr"))
                .isEmpty();
    }

    @Test
    void anAccountsHandleAfterANameIsACue() {
        assertThat(names("Odile Brassens-Marchal (@obm)\nK. L. Oyelaran (@klo)\nAcme Widgets"))
                .containsExactly("Odile Brassens-Marchal", "K. L. Oyelaran");
    }

    @Test
    void aProductWithItsModelNumberIsNoPerson() {
        assertThat(names("Rodava numa Marcella Kirkwood 88, emprestada.")).isEmpty();
        assertThat(names("Comprei uma Orion Tamara 500 usada.")).isEmpty();
        // a year, a phone number after a name leave it a name
        assertThat(names("Rosendo Ayala 1993 fundó el grupo.")).containsExactly("Rosendo Ayala");
        assertThat(names("Llamar a Bernarda Quiroz 9 8765 4321 mañana.")).contains("Bernarda Quiroz");
    }

    @Test
    void aGivenNameAloneAfterATribute() {
        assertThat(names("As contribuições de Ilse para o projeto não serão esquecidas."))
                .containsExactly("Ilse");
        assertThat(names("Las contribuciones de Fermín al proyecto fueron enormes."))
                .containsExactly("Fermín");
        assertThat(names("Dedicamos esta versão 2.0 ao Anatole, que nos deixou em maio."))
                .containsExactly("Anatole");
        assertThat(names("Llegó con su esposa, Consuelo.")).containsExactly("Consuelo");
        // an obituary or a memorial vouches for a full name whose words the models doubt
        assertThat(names("Em 3 de maio de 2010, Oddone Ferrucci faleceu em Lisboa."))
                .containsExactly("Oddone Ferrucci");
        assertThat(names("2.4. Junio 2003: Muere Oddone Ferrucci")).containsExactly("Oddone Ferrucci");
        assertThat(names("In memory of Corrado Ferrucci.")).containsExactly("Corrado Ferrucci");
        assertThat(names("The process died after Samba restarted.")).isEmpty();
        // products after the same words stay
        assertThat(names("Esta opção faz o trabalho de Perl mais simples.")).isEmpty();
        assertThat(names("O trabalho de Make é decidir quais partes recompilar."))
                .isEmpty();
        assertThat(names("The package is dedicated to Ruby and Perl developers."))
                .isEmpty();
        assertThat(names("As contribuições do Debian para o software livre.")).isEmpty();
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
        String text = "Ortega Wall\n\nSi encuentra un error, escriba a Ortega Wall <ow@example.org>.";
        assertThat(masked(text)).isEqualTo("<PERSON>\n\nSi encuentra un error, escriba a <PERSON> <<EMAIL>>.");
        String alone = "Ortega Wall\n\nSi encuentra un error, escriba a la lista.";
        assertThat(masked(alone)).isEqualTo(alone); // without the cue or a given name, nothing says it is a person
        // one word of a name found in the text names the person alone too
        assertThat(names("Bruce Perens <bp@example.org> fue el líder. Bruce escribió las pautas."))
                .containsExactly("Bruce Perens", "Bruce");
        // but not where it opens another name, here a company's
        assertThat(names("Bruce Perens <bp@example.org> fundó Bruce Systems en 1999."))
                .containsExactly("Bruce Perens");
        // a given name found alone names the person elsewhere in the text too
        assertThat(names("Las contribuciones de Ilse fueron muchas; Ilse mantuvo el instalador durante años."))
                .containsExactly("Ilse", "Ilse");
    }

    @Test
    void aGivenNameOpensANameWithoutACue() {
        assertThat(names("Ian Murdock fundó Debian en agosto de 1993.")).containsExactly("Ian Murdock");
        assertThat(names("    Bdale Garbee construyó el primer servidor.")).containsExactly("Bdale Garbee");
        assertThat(names("Cuando Ian Murdock dejó Debian")).containsExactly("Ian Murdock");
        assertThat(names("Visitamos la Calle Carmen y San Francisco en Nueva York."))
                .isEmpty();
        assertThat(names("Cedo Ian Jackson tomou conta do desenvolvimento.")).containsExactly("Ian Jackson");
        // inside a sentence the word before a given name belongs to the same name, here a product's
        assertThat(names("Raise the timeout to make Novatek Ottilie Shield readers work."))
                .isEmpty();
        assertThat(names("Cuando Ottilie Brandt dejó el proyecto, nadie la sustituyó."))
                .containsExactly("Ottilie Brandt");
        assertThat(names("Falleció en su casa de San Francisco.")).isEmpty();
    }

    @Test
    void namesSpreadByJustifiedTextAndTwoColumns() {
        assertThat(names("foi      escrito      por      Dustin      Kirkland\n<kirkland@example.com>."))
                .containsExactly("Dustin      Kirkland");
        assertThat(names("Autores:\nAlan Cox          Bernd Eckenfels\n"))
                .containsExactly("Alan Cox", "Bernd Eckenfels");
    }

    @Test
    void namesInLowerCaseAndAcrossNoBreakSpaces() {
        assertThat(names("Escrito por:\njoost witteveen\n       <joostje@example.org>\n"))
                .containsExactly("joost witteveen");
        assertThat(names("mailing list <list@example.org>")).isEmpty();
        assertThat(names("Manuel Estrada (ranty) y Andrés\n\u00a0\u00a0\u00a0 García fallecieron"))
                .contains("Andrés\n\u00a0\u00a0\u00a0 García");
        assertThat(names("Copyright © 1994, 2004, 2005, 2006, 2007,  2008,  2009  Clint\nAdams\n"))
                .containsExactly("Clint\nAdams");
    }

    @Test
    void nicknamesMiddleNamesAndAccents() {
        assertThat(names("Dedicado a Joel 'Espy' Klecker")).containsExactly("Joel 'Espy' Klecker");
        assertThat(names("Thanks to Andraž 'ruskie' Levstik.")).containsExactly("Andraž 'ruskie' Levstik");
        assertThat(names("Raimundo Iara Urquiza firmó el contrato.")).containsExactly("Raimundo Iara Urquiza");
        assertThat(names("El Real Madrid ganó en el Estadio Santiago Bernabéu."))
                .isEmpty();
        NameModel m = NameModel.builtIn();
        assertThat(m.score("Echeverría")).isEqualTo(m.score("Echeverria")); // the better of the two spellings
    }

    @Test
    void creditListsOfOnePersonALine() {
        String thanks = "In alphabetical order:\n  - Mark Adler\n  - H. Peter Anvin\n  - Anders F. Björklund\n";
        assertThat(names(thanks)).containsExactly("Mark Adler", "H. Peter Anvin", "Anders F. Björklund");
        String table = "Adam Mitchell\t\t   adam at example.org\nBodo Moeller\t\t   Bodo_Moeller at example.de\n";
        assertThat(names(table)).containsExactly("Adam Mitchell", "Bodo Moeller");
        assertThat(names("chroot: Roland McGrath\ncp: David MacKenzie, and Jim Meyering\n"))
                .containsExactly("Roland McGrath", "David MacKenzie", "Jim Meyering");
        assertThat(names("Installation\nGetting Started\nMore Options\n")).isEmpty();
    }

    @Test
    void changelogPeopleWhateverTheirCase() {
        String entry = "  [ tony mancill ]\n  * Drop a patch.  Thanks Riku Saikkonen.\n\n"
                + " -- ChangZhuo Chen (陳昌倬) <cz@example.org>  Wed, 09 Jul 2025 10:00:00 +0800";
        assertThat(names(entry)).containsExactly("tony mancill", "Riku Saikkonen", "ChangZhuo Chen", "陳昌倬");
        assertThat(names("  [ Debian Janitor ]\n  * Apply multi-arch hints.")).isEmpty();
        assertThat(names("Adjusted from Stephen Gildea's patch.")).containsExactly("Stephen Gildea");
        assertThat(names("Copyright:\n  1993-1999 Steven E. Brenner\nComment:\n  Part of webcscope."))
                .containsExactly("Steven E. Brenner");
        assertThat(names("Courtesy of The Santa Cruz Operation, Inc. (SCO)")).isEmpty();
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

    @Test
    void aGivenNameAloneAsTheSubjectOfAPastVerbOrReportedSpeech() {
        assertThat(names("Durante anos, Rogério tinha mantido o pacote sozinho."))
                .containsExactly("Rogério");
        assertThat(names("O Anselmo estava envolvido na tradução.")).containsExactly("Anselmo");
        assertThat(names("Segundo Gustavo, o pacote está pronto.")).containsExactly("Gustavo");
        assertThat(names("Según Javier, no hay problema.")).containsExactly("Javier");
        assertThat(names("According to Colin, this is fine.")).containsExactly("Colin");
        assertThat(names("Obrigado ao Rodrigo pela ajuda.")).containsExactly("Rodrigo");
        // pronouns and products take the same verbs, and stay
        assertThat(names("Ele era o mantenedor líder dos portes MIPS. Ela foi revisora."))
                .isEmpty();
        assertThat(names("Debian era pequena em 1994. Linux had no modules then."))
                .isEmpty();
        assertThat(names("Segundo Debian, o pacote está pronto. According to POSIX, this is fine."))
                .isEmpty();
    }

    @Test
    void twoGivenNamesJoinedByAConjunctionAreTwoPeople() {
        assertThat(names("Agradecimentos a Felipe e Marcelo pela revisão.")).containsExactly("Felipe", "Marcelo");
        assertThat(names("Thanks to Ana y Luis Soto.")).containsExactly("Ana", "Luis Soto");
        assertThat(names("Escrito por José Ortega y Gasset.")).containsExactly("José Ortega y Gasset");
    }

    @Test
    void aLowerCaseNameWhoseWordTheAddressRepeats() {
        assertThat(names("sigrid haugland <sigrid@haugland.example> - packaging\n"))
                .containsExactly("sigrid haugland");
        assertThat(names("build system <builds@ci.example> - nightly\n")).isEmpty();
    }

    @Test
    void aListOfMostlyPeopleVouchesForItsDoubtedItemsOfANamesShape() {
        String people = "Contributors:\n  - Peter Lawler\n  - James M Leddy\n  - Vincent Lefevre\n  - Cary Lewis\n"
                + "  - Wim Lewis\n  - Xin Li\n";
        assertThat(names(people)).contains("James M Leddy", "Cary Lewis", "Wim Lewis");
        // a list of features or projects stays, and so does an acronym or an organisation among people
        assertThat(names("Changes:\n  - Faster Startup\n  - Better Defaults\n  - Smaller Images\n"))
                .isEmpty();
        assertThat(names("  - Peter Lawler\n  - Vincent Lefevre\n  - Debian Project\n  - GNU Make\n"))
                .doesNotContain("Debian Project", "GNU Make");
    }

    @Test
    void aMiddleInitialWithoutItsDot() {
        assertThat(names("Written by Harold T Quimby.")).containsExactly("Harold T Quimby");
        assertThat(names("See Appendix A Overview for the layout.")).isEmpty();
    }

    @Test
    void aNameHyphenatedAtTheEndOfAJustifiedLine() {
        String credit = "       criada  por  Hugo  Bezerra  Carva-\n       lho <hb@example.org> e Marta Souza.";
        assertThat(names(credit)).containsExactly("Hugo  Bezerra  Carva-\n       lho", "Marta Souza");
        assertThat(names("       Escrito por Marcelo Tosatti e Henrique de Mo-\n       raes Holschuh."))
                .containsExactly("Marcelo Tosatti", "Henrique de Mo-\n       raes Holschuh");
        // the line breaks survive masking, and the name is one name: one pseudonym wherever it is written
        assertThat(masked(credit)).startsWith("       criada  por  <PERSON>\n <<EMAIL>>");
        Anonymizer p =
                new Anonymizer(new AnonymizerConfig(Mode.PSEUDONYM, "a-test-secret-of-32-characters!!", null, null));
        String hyphenated = p.anonymize("criada por Hugo Bezerra Carva-\n  lho <hb@example.org>")
                .text();
        String whole =
                p.anonymize("criada por Hugo Bezerra Carvalho <hb@example.org>").text();
        assertThat(whole).doesNotContain("Carvalho");
        assertThat(hyphenated).isEqualTo(whole.replaceFirst(" <", "\n <"));
    }

    @Test
    void handlesMailingListsAndSurnamesTheModelsDoubtAfterATitleOrBeforeAVerb() {
        assertThat(names("Last-Translator: Kriv0 <kriv0@example.org>\n")).isEmpty();
        assertThat(names("Copyright © 2004      StarHawk <starhawk@example.org>\n"))
                .isEmpty();
        assertThat(names("Copyright © 2004      Ewan McAllister <ewan@example.org>\n"))
                .containsExactly("Ewan McAllister");
        assertThat(names("Report-Msgid-Bugs-To: Tool Mailing List <tool@lists.example.org>\n"))
                .isEmpty();
        assertThat(names("O Dr. Bartholomew Quarrington, fundador do projeto")).hasSize(1);
        assertThat(names("O Dr. Bartholomew Quarrington, fundador do projeto").get(0))
                .endsWith("Quarrington");
        assertThat(names("Ernesto Quarrington descobriu a ideia em 1983.")).containsExactly("Ernesto Quarrington");
        // spaces that do not break, as man pages indent with, still separate the items of a list
        assertThat(names("escrito por Ana Lima, Rui Paz,\n\u00a0\u00a0   Tiago Moura e Vera Dias"))
                .containsExactly("Ana Lima", "Rui Paz", "Tiago Moura", "Vera Dias");
    }

    @Test
    void aLongCreditLabelAndTheFirstItemOfAListTheModelsDoubt() {
        assertThat(names("Tradução e revisão para a língua portuguesa: Ênio Fortunato, Ísis Vasconcelos."))
                .containsExactly("Ênio Fortunato", "Ísis Vasconcelos");
        // no cue: the second item, a confident name, shows the first to be one too
        assertThat(names("Ênio Fortunato, Ísis Vasconcelos.")).containsExactly("Ênio Fortunato", "Ísis Vasconcelos");
        assertThat(names("Red Hat, Maria Silva")).containsExactly("Maria Silva");
        // sites and companies named after a particle stay out of the name
        assertThat(names("Agradeço a Stephan Ramoin do Gandi.net e a Benjamin Humphrey da OMG! Ubuntu."))
                .containsExactly("Stephan Ramoin", "Benjamin Humphrey");
    }
}
