package dev.forja.prepare.formats;

/** What a run does with bad input ({@code on_error:} in a recipe): skip and count it, or stop at the first. */
public enum OnError {
    SKIP,
    FATAL
}
