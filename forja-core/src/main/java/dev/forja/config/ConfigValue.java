package dev.forja.config;

/**
 * A configuration value of a type of its own, for a key that is one word or a mapping ({@code class_weights:
 * balanced} or {@code class_weights: {attack: 5}}). The type declares {@code public static T fromConfig(Object
 * value)}, which receives what YAML or the command line gives (text, a number, a list or a mapping) and throws
 * {@link IllegalArgumentException} saying what is wrong; {@link #plain()} gives it back in that shape, so that a
 * saved recipe reads back to an equal value.
 */
public interface ConfigValue {
    /** The value as YAML writes it: text, a number, a list or a mapping. */
    Object plain();
}
