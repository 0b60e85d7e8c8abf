package dev.forja.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TruncationTest {
    @Test
    void keepsTheHeadAndTheFinalSpecialToken() {
        long[] ids = {101, 1, 2, 3, 4, 102}; // [CLS] a b c d [SEP]
        assertThat(Truncation.keepingLast(ids, 4)).containsExactly(101, 1, 2, 102);
        assertThat(Truncation.keepingLast(ids, 6)).isSameAs(ids);
        assertThat(Truncation.keepingLast(ids, 8)).isSameAs(ids);
        assertThat(ids).containsExactly(101, 1, 2, 3, 4, 102); // the input is not cut in place
    }
}
