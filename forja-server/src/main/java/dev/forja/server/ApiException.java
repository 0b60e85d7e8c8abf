package dev.forja.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the server refuses, answered with OpenAI's error body
 * {@code {"error": {"message", "type", "param", "code"}}} and an HTTP status.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiException(int status, String message, String type, String param, String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: the request is malformed or asks for something impossible; {@code param} names the field, or null. */
    public static ApiException badRequest(String message, String param) {
        return new ApiException(400, message, "invalid_request_error", param, null);
    }

    /** 400 with a machine-readable code, such as {@code context_length_exceeded}. */
    public static ApiException badRequest(String message, String param, String code) {
        return new ApiException(400, message, "invalid_request_error", param, code);
    }

    public int status() {
        return status;
    }

    /** The body OpenAI sends with this error. */
    public ObjectNode body() {
        return body(getMessage(), type, param, code);
    }

    static ObjectNode body(String message, String type, String param, String code) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", type);
        if (param == null) e.putNull("param");
        else e.put("param", param);
        if (code == null) e.putNull("code");
        else e.put("code", code);
        return root;
    }
}
