package io.approvalguard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The test-only {@code approval-guard-testing} provider really moves the server's clock: the
 * endpoint reports the offset, tokens the server issues carry the shifted {@code iat}, and {@link
 * TimeOffset} puts everything back after each test.
 */
@ExtendWith(KeycloakServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TimeOffsetIT {

    private static final long HOUR = 3600;
    private static final long TOLERANCE_SECONDS = 30;

    @RegisterExtension final TimeOffset time = new TimeOffset();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Order(1)
    void shiftMovesTheServerClockAndResetBringsItBack() {
        assertEquals(0, KeycloakServer.timeOffset());
        assertIatNear(0);

        time.shift(Duration.ofSeconds(HOUR));
        assertEquals(HOUR, KeycloakServer.timeOffset());
        assertEquals(Duration.ofHours(1), time.offset());
        assertIatNear(HOUR);

        time.reset();
        assertEquals(0, KeycloakServer.timeOffset());
        assertIatNear(0);
    }

    @Test
    @Order(2)
    void shiftsAddUpAndMayGoBack() {
        time.shift(Duration.ofMinutes(1)).shift(Duration.ofMinutes(1));
        assertEquals(120, KeycloakServer.timeOffset());
        time.shift(Duration.ofMinutes(-3));
        assertEquals(-60, KeycloakServer.timeOffset());
        assertThrows(IllegalArgumentException.class, () -> time.shift(Duration.ofMillis(1500)));
    }

    /** Leaves the clock shifted on purpose: the extension must reset it before the next test. */
    @Test
    @Order(3)
    void leavesTheClockShifted() {
        AdminClient admin = AdminClient.forTestServer();
        admin.token(); // cached; it lives 60 s by the server's real-time clock

        time.shift(Duration.ofHours(2));
        assertEquals(2 * HOUR, KeycloakServer.timeOffset());
        // The cached token is expired for the shifted server; AdminClient logs in again on the 401.
        assertEquals(200, admin.send("GET", "/admin/realms/ag-test", null).status());
    }

    @Test
    @Order(4)
    void theExtensionResetAfterThePreviousTest() {
        assertEquals(0, KeycloakServer.timeOffset());
        assertIatNear(0);
    }

    @Test
    @Order(5)
    void malformedOffsetsAreRejectedAndChangeNothing() throws Exception {
        time.shift(Duration.ofSeconds(42));
        for (String body :
                List.of(
                        "{\"offset\":1.5}",
                        "{\"offset\":\"3600\"}",
                        "{\"offset\":true}",
                        "{\"offset\":null}",
                        "{}",
                        "[3600]",
                        "3600",
                        "not json",
                        "",
                        "{\"offset\":3600} {}",
                        "{\"offset\":34560001}",
                        "{\"offset\":-34560001}",
                        "{\"offset\":99999999999999999999}")) {
            HttpResponse<String> response = put(body);
            assertEquals(400, response.statusCode(), "status for " + body + ": " + response.body());
            Map<String, Object> error = Json.readMap(response.body());
            assertEquals("invalid_request", error.get("error"), body);
            assertFalse(String.valueOf(error.get("error_description")).isBlank(), body);
        }
        assertEquals(42, KeycloakServer.timeOffset());

        // the limits themselves are accepted
        HttpResponse<String> edge = put("{\"offset\":-34560000}");
        assertEquals(200, edge.statusCode(), edge.body());
        assertEquals(-34560000, ((Number) Json.readMap(edge.body()).get("offset")).intValue());
    }

    /**
     * A fresh admin-cli password-grant token of realm master is issued at server time now + offset.
     */
    private static void assertIatNear(long offsetSeconds) {
        long expected = System.currentTimeMillis() / 1000 + offsetSeconds;
        long iat = ((Number) jwtClaims(AdminClient.forTestServer().token()).get("iat")).longValue();
        assertTrue(
                Math.abs(iat - expected) <= TOLERANCE_SECONDS,
                "iat "
                        + iat
                        + " is "
                        + (iat - expected)
                        + " s away from real time + "
                        + offsetSeconds
                        + " s");
    }

    private static Map<String, Object> jwtClaims(String jwt) {
        String[] parts = jwt.split("\\.");
        return Json.readMap(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    private HttpResponse<String> put(String body) throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(KeycloakServer.timeOffsetUrl()))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
