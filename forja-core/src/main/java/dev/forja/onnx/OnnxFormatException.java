package dev.forja.onnx;

/** The bytes are not a well-formed ONNX protobuf; the reader wraps it with the file name for the user. */
final class OnnxFormatException extends RuntimeException {
    OnnxFormatException(String message) {
        super(message);
    }
}
