package dev.forja.io;

/**
 * Bytes that are not well-formed protobuf wire format (a truncated varint, a length past the end, an unknown wire
 * type); the caller wraps it with the file name and what to do.
 */
public final class ProtoFormatException extends RuntimeException {
    public ProtoFormatException(String message) {
        super(message);
    }
}
