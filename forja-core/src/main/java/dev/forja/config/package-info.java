/**
 * Recipes: configuration records filled from defaults, a YAML file, {@code key=value} overrides and explicit
 * command-line flags, in that order of precedence.
 *
 * <p>Keys are the record component names in snake_case ({@code learning_rate}; {@code learningRate} and
 * {@code learning-rate} are accepted too). A nested record is a nested YAML mapping, and a dotted key in an
 * override ({@code lora.rank=16}). An unknown key is an error naming the nearest valid one; the record's
 * compact constructor then validates the values.
 */
package dev.forja.config;
