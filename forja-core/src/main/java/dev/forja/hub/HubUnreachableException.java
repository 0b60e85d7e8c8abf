package dev.forja.hub;

/**
 * The Hub could not be reached or is failing (connection refused, timeout, HTTP 5xx or 429): the one failure after
 * which a complete cached snapshot is used instead. Never leaves this package; {@link HubClient} turns it into a
 * {@link dev.forja.ForjaException} saying what to do.
 */
final class HubUnreachableException extends RuntimeException {
    HubUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
