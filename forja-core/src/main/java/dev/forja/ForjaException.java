package dev.forja;

/**
 * An error caused by the user's input or environment, with a message a person can act on: what is wrong, where
 * (file, line), and what to do. The CLI prints the message alone, on one line, and exits non-zero.
 */
public class ForjaException extends RuntimeException {
    public ForjaException(String message) {
        super(message);
    }

    public ForjaException(String message, Throwable cause) {
        super(message, cause);
    }
}
