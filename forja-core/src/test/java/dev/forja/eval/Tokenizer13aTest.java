package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Hand-derived from the 13a rules (mteval-v13a.pl, as in sacreBLEU's tokenizer_13a / tokenizer_re). */
class Tokenizer13aTest {

    @Test
    void splitsFinalPeriodButKeepsApostrophe() {
        assertThat(Tokenizer13a.tokenize("It wasn't surprising.")).isEqualTo("It wasn't surprising .");
    }

    @Test
    void keepsDecimalsAndThousandsTogether() {
        assertThat(Tokenizer13a.tokenize("It costs 3.5 or 1,000 pesos, ok?"))
                .isEqualTo("It costs 3.5 or 1,000 pesos , ok ?");
    }

    @Test
    void splitsDashAfterDigitOnly() {
        assertThat(Tokenizer13a.tokenize("pages 10-12 of e-mail")).isEqualTo("pages 10 - 12 of e-mail");
    }

    @Test
    void splitsSymbolsAndUnescapesEntities() {
        assertThat(Tokenizer13a.tokenize("a&amp;b (x) &quot;q&quot; /p <skipped>"))
                .isEqualTo("a & b ( x ) \" q \" / p");
        assertThat(Tokenizer13a.tokenize("  spaced \t out\u00a0 ")).isEqualTo("spaced out");
    }

    @Test
    void joinsHyphenatedLineBreak() {
        assertThat(Tokenizer13a.tokenize("exam-\nple\nnext")).isEqualTo("example next");
    }
}
