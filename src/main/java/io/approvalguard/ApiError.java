package io.approvalguard;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A client error on one of our REST endpoints: an HTTP status, a stable {@code error} code and a
 * human-readable {@code error_description}. Thrown before any state changes.
 */
public final class ApiError extends WebApplicationException {

    private final String error;

    public ApiError(Response.Status status, String error, String description) {
        this(status.getStatusCode(), error, description);
    }

    public ApiError(int status, String error, String description) {
        super(description, json(status, error, description));
        this.error = error;
    }

    public String error() {
        return error;
    }

    public static Response json(int status, String error, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store").entity(body).build();
    }

    public static ApiError badRequest(String error, String description) {
        return new ApiError(Response.Status.BAD_REQUEST, error, description);
    }

    public static ApiError invalidRequest(String description) {
        return badRequest("invalid_request", description);
    }

    public static ApiError unauthorized(String error, String description) {
        return new ApiError(Response.Status.UNAUTHORIZED, error, description);
    }

    public static ApiError forbidden(String error, String description) {
        return new ApiError(Response.Status.FORBIDDEN, error, description);
    }
}
