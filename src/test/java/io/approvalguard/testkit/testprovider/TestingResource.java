package io.approvalguard.testkit.testprovider;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;

/**
 * TEST ONLY: {@code /realms/{realm}/approval-guard-testing}. Lets an integration test move the
 * whole server's clock ({@link Time#setOffset}, which every {@code Time.currentTime()} and {@code
 * Time.currentTimeMillis()} adds), whichever realm the URL names.
 *
 * <ul>
 *   <li>{@code GET time-offset}: {@code {"offset": n}}, the current offset in seconds.
 *   <li>{@code PUT time-offset} with {@code {"offset": n}}: sets it and answers the same.
 * </ul>
 *
 * <p>Unauthenticated, so it only answers callers on a loopback address (403 otherwise). Errors are
 * returned as {@link Response}s, never thrown as {@code WebApplicationException}s (see the
 * product's {@code ApiError} for why).
 */
public final class TestingResource {

    /** 400 days either way is far more than any test needs and keeps {@code Time} well in range. */
    static final int MAX_OFFSET_SECONDS = 86400 * 400;

    private static final int MAX_BODY_BYTES = 1024;
    private static final String OFFSET = "offset";
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final KeycloakSession session;

    TestingResource(KeycloakSession session) {
        this.session = session;
    }

    @GET
    @Path("time-offset")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getTimeOffset() {
        if (!fromLoopback()) {
            return forbidden();
        }
        return offsetResponse();
    }

    @PUT
    @Path("time-offset")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response setTimeOffset(InputStream body) {
        if (!fromLoopback()) {
            return forbidden();
        }
        JsonNode json;
        try {
            byte[] bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                return invalidRequest("body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            json = bytes.length == 0 ? null : MAPPER.readTree(bytes);
        } catch (IOException e) {
            return invalidRequest("body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            return invalidRequest("body must be a JSON object {\"offset\": <integer seconds>}");
        }
        JsonNode offset = json.get(OFFSET);
        // isIntegralNumber: 3600 yes; 3600.0, "3600", true, null no.
        if (offset == null
                || !offset.isIntegralNumber()
                || !offset.canConvertToLong()
                || Math.abs(offset.longValue()) > MAX_OFFSET_SECONDS) {
            return invalidRequest(
                    "offset must be an integer number of seconds between "
                            + -MAX_OFFSET_SECONDS
                            + " and "
                            + MAX_OFFSET_SECONDS);
        }
        Time.setOffset(offset.intValue());
        return offsetResponse();
    }

    /** Governed changes applied directly ({@link GovernanceTesting}), for loopback callers. */
    @Path("governance")
    public GovernanceTesting governance() {
        return new GovernanceTesting(session, fromLoopback());
    }

    /**
     * The caller's socket address must be loopback. Keycloak runs without proxy headers in the
     * tests, so this is the real peer address; it is always an IP literal, never a host name, so
     * parsing it does not touch DNS (anything else is refused).
     */
    private boolean fromLoopback() {
        String address = session.getContext().getConnection().getRemoteAddr();
        if (address == null
                || !(IPV4_LITERAL.matcher(address).matches() || address.contains(":"))) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static Response offsetResponse() {
        return Response.ok(Map.of(OFFSET, Time.getOffset()))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .build();
    }

    private static Response forbidden() {
        return error(
                Response.Status.FORBIDDEN,
                "access_denied",
                "only loopback callers may use the testing endpoints");
    }

    private static Response invalidRequest(String description) {
        return error(Response.Status.BAD_REQUEST, "invalid_request", description);
    }

    private static Response error(Response.Status status, String error, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .entity(body)
                .build();
    }
}
