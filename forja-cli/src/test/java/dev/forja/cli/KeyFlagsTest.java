package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.config.KeyNames;
import dev.forja.config.Recipe;
import dev.forja.train.TrainConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every TrainConfig key is a {@code forja train} flag, documented with its default; errors name the flag typed. */
class KeyFlagsTest {
    @Test
    void everyKeyHasAHelpLineAndTheHelpListsItWithItsDefault() {
        KeyFlags<?> flags = new TrainCommand().keyFlags();
        assertThat(flags.keys())
                .hasSize(TrainConfig.class.getRecordComponents().length)
                .allSatisfy(
                        k -> assertThat(flags.help(k)).as("help line of " + k).isNotBlank());
        CliRun r = CliRun.of("train", "--help");
        assertThat(r.exit()).isZero();
        String help = r.out();
        Map<String, Object> defaults = Recipe.toMap(TrainConfig.defaults());
        for (String key : flags.keys()) assertThat(help).contains(KeyNames.flag(key));
        assertThat(help)
                .contains("--lr", "--task=causal_lm|classification", "--val-fraction", "--config")
                .contains("(default: " + defaults.get("lora_r") + ")", "(default: 0.2)", "(default: linear)");
    }

    @Test
    void prepareKeysAreFlagsToo() {
        KeyFlags<?> flags = new PrepareCommand().keyFlags();
        assertThat(flags.keys())
                .contains("min_chars", "on_error", "language_detector")
                .doesNotContain("inputs")
                .allSatisfy(
                        k -> assertThat(flags.help(k)).as("help line of " + k).isNotBlank());
        CliRun r = CliRun.of("prepare", "--min-chars", "x");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("'--min-chars'", "'x' is not an integer");
        r = CliRun.of("prepare", "--anonymise");
        assertThat(r.err()).contains("did you mean --anonymize?");
    }

    @Test
    void parsedFlagsResolveToTheConfigAKeyValueWouldGive() {
        TrainCommand command = new TrainCommand();
        picocli.CommandLine cl = new picocli.CommandLine(command);
        command.keyFlags().addTo(cl.getCommandSpec());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.parseArgs(
                "--lr",
                "3e-4",
                "--lora-target-modules",
                "q_proj,v_proj",
                "--lora-target-modules",
                "o_proj",
                "--packing",
                "--resume=false",
                "--precision",
                "BF16",
                "--data",
                "d.jsonl",
                "--task",
                "classification",
                "--val-fraction",
                "0.1",
                "--gradient-accumulation-steps",
                "4");
        TrainConfig fromFlags = Recipe.resolve(
                TrainConfig.class,
                TrainConfig.defaults(),
                null,
                java.util.List.of(),
                command.keyFlags().given());
        TrainConfig fromKeys = Recipe.resolve(
                TrainConfig.class,
                TrainConfig.defaults(),
                null,
                java.util.List.of(
                        "learning_rate=3e-4",
                        "lora_target_modules=q_proj,v_proj,o_proj",
                        "packing=true",
                        "resume=false",
                        "precision=bf16",
                        "data=d.jsonl",
                        "task=classification",
                        "val_fraction=0.1",
                        "grad_accum=4"),
                Map.of());
        assertThat(fromFlags).isEqualTo(fromKeys);
        assertThat(fromFlags.loraTargetModules()).containsExactly("q_proj", "v_proj", "o_proj");
        assertThat(fromFlags.packing()).isTrue();
    }

    @Test
    void aBadValueNamesTheFlagAsTyped() {
        CliRun r = CliRun.of("train", "--lr", "abc");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .startsWith("forja: error: ")
                .contains("'--lr'", "'abc' is not a number")
                .doesNotContain("--learning-rate");
        r = CliRun.of("train", "--learning-rate", "abc");
        assertThat(r.err()).contains("'--learning-rate'");
    }

    @Test
    void anUnknownFlagNamesTheNearestKey() {
        CliRun r = CliRun.of("train", "--lerning-rate", "3e-4");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("forja: error: unknown option '--lerning-rate'; did you mean --learning-rate?");
    }

    @Test
    void keysWithoutAHandWrittenFlagReachTheConfig() {
        // val_fraction and task were key=value only; their values now reach TrainConfig's validation
        CliRun r = CliRun.of("train", "--val-fraction", "1.5", "--model", "m", "--data", "d", "--output", "o");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("val_fraction must be within (0, 1)");
        r = CliRun.of("train", "--task", "clasification");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("did you mean 'classification'?");
    }

    @Test
    void aKeyGivenAsAFlagAndAsAnAliasIsRefused() {
        CliRun r = CliRun.of("train", "--lr", "1e-3", "--learning-rate", "2e-3");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--lr", "--learning-rate", "keep one");
    }

    @Test
    void anUnknownOverrideNamesTheNearestKeyWithoutListingThemAll() {
        CliRun r = CliRun.of("train", "lerning_rate=1", "--model", "m", "--data", "d", "--output", "o");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("did you mean 'learning_rate'?").doesNotContain("valid keys");
    }
}
