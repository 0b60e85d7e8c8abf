package dev.forja.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import org.junit.jupiter.api.Test;

class RepoRefTest {

    @Test
    void parsesIdAndOptionalRevision() {
        assertThat(RepoRef.parse("gpt2")).isEqualTo(new RepoRef("gpt2", "main"));
        assertThat(RepoRef.parse("HuggingFaceTB/SmolLM2-135M@v1.0"))
                .isEqualTo(new RepoRef("HuggingFaceTB/SmolLM2-135M", "v1.0"));
        assertThat(RepoRef.parse("org/name@refs/pr/1").revision()).isEqualTo("refs/pr/1");
    }

    @Test
    void cacheFolderNameMatchesHuggingfaceHub() {
        assertThat(RepoRef.parse("gpt2").cacheFolderName()).isEqualTo("models--gpt2");
        assertThat(RepoRef.parse("HuggingFaceTB/SmolLM2-135M").cacheFolderName())
                .isEqualTo("models--HuggingFaceTB--SmolLM2-135M");
    }

    @Test
    void commitShaIsRecognised() {
        assertThat(RepoRef.parse("gpt2@" + "a".repeat(40)).revisionIsCommit()).isTrue();
        assertThat(RepoRef.parse("gpt2@main").revisionIsCommit()).isFalse();
    }

    @Test
    void invalidIdsAreRejectedWithAnExample() {
        for (String bad : new String[] {"", "a/b/c", "a--b", "../x", "-lead", "org/na me", "gpt2@"}) {
            assertThatThrownBy(() -> RepoRef.parse(bad)).as(bad).isInstanceOf(ForjaException.class);
        }
        assertThatThrownBy(() -> RepoRef.parse("a b")).hasMessageContaining("e.g. gpt2");
        assertThatThrownBy(() -> RepoRef.parse("gpt2@../../etc")).isInstanceOf(ForjaException.class);
    }
}
