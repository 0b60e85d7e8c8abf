package dev.forja.data;

/**
 * One training sample as read from a dataset file, before tokenisation. The set of shapes is closed so that every
 * consumer ({@link SampleEncoder} first) handles each one. A new shape (e.g. {@code {"text","label"}} for
 * classification) is added by writing its record, listing it in {@code permits}, teaching {@code ExampleShapes} its
 * keys and {@link SampleEncoder#encode} its encoding (Java 17 has no pattern switch to flag the latter: it throws
 * {@code IllegalStateException} on a shape it does not know).
 */
public sealed interface Example permits TextExample, PromptCompletionExample, ChatExample {

    /** The file and line this sample was read from. */
    Source source();
}
