package dev.forja.prepare.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class NameModelTest {
    private static final List<String> NAMES =
            List.of("Eckenfels", "Kleinmann", "Gunthorpe", "Bernd", "Susan", "Matthias", "Klose", "Hess", "Joey");
    private static final List<String> OTHERS =
            List.of("Linux", "Manual", "Reference", "System", "Window", "Kernel", "Network", "Options", "Server");

    @Test
    void trainingSeparatesItsListsAndIsDeterministic() {
        NameModel m = NameModelTrainer.train(NAMES, OTHERS, 1);
        for (String n : NAMES) assertThat(m.score(n)).as(n).isGreaterThan(0.5);
        for (String o : OTHERS) assertThat(m.score(o)).as(o).isLessThan(0.5);
        assertThat(NameModelTrainer.train(NAMES, OTHERS, 1).weights).isEqualTo(m.weights);
    }

    @Test
    void writeThenReadGivesTheSameScores() throws IOException {
        NameModel m = NameModelTrainer.train(NAMES, OTHERS, 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.write(bytes);
        NameModel back = NameModel.read(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(back.logit("Eckenfels")).isEqualTo(m.logit("Eckenfels"));
        assertThat(back.logit("Linux")).isEqualTo(m.logit("Linux"));
        byte[] broken = bytes.toByteArray();
        broken[0] = 'X';
        assertThatThrownBy(() -> NameModel.read(new ByteArrayInputStream(broken)))
                .hasMessageContaining("bad magic");
    }

    @Test
    void theShippedModelTellsNamesFromTechnicalWords() {
        NameModel m = NameModel.builtIn();
        for (String word : List.of("Linux", "Manual", "Software", "Internet", "Sistema", "Usuario", "Descripción"))
            assertThat(m.score(word)).as(word).isLessThan(0.5);
        for (String word : List.of("Bernd", "Kleinmann", "Carrasco"))
            assertThat(m.score(word)).as(word).isGreaterThan(0.5);
    }
}
