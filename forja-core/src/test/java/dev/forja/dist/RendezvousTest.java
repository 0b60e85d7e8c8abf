package dev.forja.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousTest {
    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void noTorchrunVariablesMeansOneProcess() {
        assertThat(Rendezvous.fromEnvironment(Map.of("PATH", "/bin"), T)).isEmpty();
    }

    @Test
    void readsTorchrunsVariables() {
        Map<String, String> env = Map.of(
                "MASTER_ADDR", "10.0.0.1", "MASTER_PORT", "29500", "RANK", "3", "WORLD_SIZE", "4", "LOCAL_RANK", "1");
        assertThat(Rendezvous.fromEnvironment(env, T)).contains(new Rendezvous("10.0.0.1", 29500, 3, 4, 1, T));
    }

    @Test
    void anIncompleteEnvironmentNamesWhatIsMissing() {
        assertThatThrownBy(() -> Rendezvous.fromEnvironment(Map.of("RANK", "0", "WORLD_SIZE", "2"), T))
                .isInstanceOf(ForjaException.class)
                .hasMessageStartingWith(
                        "torchrun's environment is incomplete: MASTER_ADDR, MASTER_PORT, LOCAL_RANK not set");
    }

    @Test
    void badValuesAreNamed() {
        Map<String, String> env = Map.of(
                "MASTER_ADDR", "localhost", "MASTER_PORT", "port", "RANK", "0", "WORLD_SIZE", "2", "LOCAL_RANK", "0");
        assertThatThrownBy(() -> Rendezvous.fromEnvironment(env, T))
                .hasMessageStartingWith("MASTER_PORT=port is not a whole number");
        assertThatThrownBy(() -> Rendezvous.local(29500, 2, 2, T))
                .isInstanceOf(ForjaException.class)
                .hasMessage("RANK 2 must be within [0, WORLD_SIZE 2)");
        assertThatThrownBy(() -> Rendezvous.local(70000, 0, 2, T)).hasMessageStartingWith("MASTER_PORT 70000 is not");
    }

    @Test
    void itsEnvironmentReadsBackAsItself() {
        Rendezvous r = new Rendezvous("10.0.0.1", 29501, 3, 4, 1, Duration.ofSeconds(9));
        assertThat(r.environment())
                .containsOnlyKeys(Rendezvous.VARIABLES)
                .containsEntry("MASTER_ADDR", "10.0.0.1")
                .containsEntry("RANK", "3");
        assertThat(Rendezvous.fromEnvironment(r.environment(), Duration.ofSeconds(9)))
                .contains(r);
    }
}
