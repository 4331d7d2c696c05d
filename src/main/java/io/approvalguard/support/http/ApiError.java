package io.approvalguard.support.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A client error on one of our REST endpoints: an HTTP status, a stable {@code error} code and a
 * human-readable {@code error_description}. Endpoints turn it into a response with {@link
 * #respond}; the request's transaction still commits, so an event recorded before the error (a
 * wrong code, an expiry) is kept.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String error;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ApiError(Response.Status status, String error, String description) {
        this(status.getStatusCode(), error, description);
    }

    public ApiError(int status, String error, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    /** Adds a response header that belongs to this error (for example {@code Allow} on a 405). */
    public ApiError header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Response toResponse() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", getMessage());
        Response.ResponseBuilder response =
                Response.status(status)
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .header("Cache-Control", "no-store")
                        .entity(body);
        headers.forEach(response::header);
        return response.build();
    }

    /**
     * This error for code that cannot return a response, such as a sub-resource locator. JAX-RS
     * sends a WebApplicationException's response as it is when it has an entity (spec 3.3.4), so
     * Keycloak's catch-all exception mapper does not replace this JSON body.
     */
    public WebApplicationException toException() {
        return new WebApplicationException(getMessage(), toResponse());
    }

    /** Runs an endpoint's work and answers an {@link ApiError} as its JSON response. */
    public static Response respond(Supplier<Response> work) {
        try {
            return work.get();
        } catch (ApiError e) {
            return e.toResponse();
        }
    }

    /** Like {@link #respond}, for an endpoint that may answer later (a held request). */
    public static CompletionStage<Response> respondLater(Supplier<CompletionStage<Response>> work) {
        try {
            return work.get();
        } catch (ApiError e) {
            return CompletableFuture.completedFuture(e.toResponse());
        }
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
