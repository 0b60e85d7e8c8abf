package dev.forja.data;

/** A piece of a sample's text and whether its tokens are training targets. */
record Span(String text, boolean trainable) {}
