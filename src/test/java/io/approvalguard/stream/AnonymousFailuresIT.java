package io.approvalguard.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.StreamSinks;
import io.approvalguard.testkit.TimeOffset;
import io.approvalguard.testkit.WebhookReceiver;
import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An anonymous password sprayer costs the stream a bounded number of records, and the SIEM still
 * learns how big the flood was: 200 failed sign-ins for unknown user names from one address, in a
 * realm of their own, make the budget's records plus one count per sink.
 */
@ExtendWith(KeycloakServer.class)
class AnonymousFailuresIT {

    private static final String REALM = "ag-anonymous-failures";
    private static final String CLIENT = "ag-flood-client";
    private static final String SPRAYER = "198.51.100.23";
    private static final int ATTEMPTS = 200;

    /** What the test server is started with ({@code KeycloakServer}) and the default budget. */
    private static final int WINDOW_SECONDS = KeycloakServer.ANONYMOUS_FAILURES_WINDOW_SECONDS;

    private static final int PER_ADDRESS = 10;
    private static final String COUNT_TYPE = "io.approvalguard.stream.anonymous_failures";

    @RegisterExtension final TimeOffset time = new TimeOffset();

    private static WebhookReceiver receiver;
    private final AdminClient admin = AdminClient.forTestServer();

    @BeforeAll
    static void createRealmAndReceiver() {
        AdminClient admin = AdminClient.forTestServer();
        HttpResult created =
                admin.send(
                        "POST",
                        "/admin/realms",
                        Map.of(
                                "realm",
                                REALM,
                                "enabled",
                                true,
                                "sslRequired",
                                "none",
                                "eventsListeners",
                                List.of("jboss-logging", "approval-guard"),
                                "clients",
                                List.of(
                                        Map.of(
                                                "clientId",
                                                CLIENT,
                                                "publicClient",
                                                true,
                                                "standardFlowEnabled",
                                                true,
                                                "redirectUris",
                                                List.of(PushScenario.CALLBACK)))));
        assertEquals(201, created.status(), created.body());
        receiver = new WebhookReceiver(StreamSinks.WEBHOOK_PORT).start();
    }

    @AfterAll
    static void removeRealmAndReceiver() {
        receiver.close();
        AdminClient.forTestServer().send("DELETE", "/admin/realms/" + REALM, null);
    }

    @Test
    void twoHundredFailuresForUnknownUsersFromOneAddressAreTheBudgetPlusOneCount() {
        startOfAWindow();
        BrowserFlow sprayer =
                BrowserFlow.forTestServer()
                        .withHeader("X-Forwarded-For", SPRAYER)
                        .start(REALM, CLIENT, PushScenario.CALLBACK);
        for (int i = 0; i < ATTEMPTS; i++) {
            sprayer.submitPassword("nobody-" + i, "Winter2026!");
            assertTrue(
                    sprayer.currentPage().selectFirst("#kc-form-login") != null,
                    sprayer.describePage());
        }
        assertEquals(
                PER_ADDRESS,
                totalRecordsPerSink().get("webhook").intValue(),
                "while the window is open: the budget's records only");

        time.shift(Duration.ofSeconds(WINDOW_SECONDS + 10)); // the window is over
        Map<String, Object> count = awaitCountRecord();
        assertEquals(ATTEMPTS, count.get("attempts"), count.toString());
        assertEquals(PER_ADDRESS, count.get("streamed"), count.toString());
        assertEquals(ATTEMPTS - PER_ADDRESS, count.get("coalesced"), count.toString());
        assertEquals(REALM, count.get("realm_name"));

        List<Map<String, Object>> individual = sprayerEvents("org.keycloak.event.login_error");
        assertEquals(
                PER_ADDRESS, individual.size(), "the budget's failures are streamed as before");
        assertTrue(
                individual.stream().allMatch(e -> "user_not_found".equals(data(e).get("error"))),
                individual.toString());

        Map<String, Long> records = totalRecordsPerSink();
        assertTrue(records.size() >= 2, "several sinks are active: " + records);
        records.forEach(
                (sink, total) ->
                        assertEquals(
                                PER_ADDRESS + 1,
                                total.intValue(),
                                "sink "
                                        + sink
                                        + ": the budget plus one count, not one record per attempt; "
                                        + records));
    }

    /**
     * Moves the server's clock to just after the start of a window, so that every attempt falls
     * into one.
     */
    private void startOfAWindow() {
        long nowSeconds = KeycloakServer.serverNow().getEpochSecond();
        time.shift(
                Duration.ofSeconds(WINDOW_SECONDS - Math.floorMod(nowSeconds, WINDOW_SECONDS) + 1));
    }

    /** The realm's outbox records of each sink, whatever their status. */
    @SuppressWarnings("unchecked")
    private Map<String, Long> totalRecordsPerSink() {
        HttpResult sinks =
                admin.send("GET", "/admin/realms/" + REALM + "/approval-guard/stream/sinks", null);
        assertEquals(200, sinks.status(), sinks.body());
        Map<String, Long> totals = new java.util.TreeMap<>();
        for (Map<String, Object> sink : (List<Map<String, Object>>) sinks.jsonMap().get("sinks")) {
            long total =
                    ((Map<String, Object>) sink.get("records"))
                            .values().stream().mapToLong(n -> ((Number) n).longValue()).sum();
            totals.put((String) sink.get("id"), total);
        }
        return totals;
    }

    private Map<String, Object> awaitCountRecord() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> counts = sprayerEvents(COUNT_TYPE);
            if (!counts.isEmpty()) {
                assertEquals(1, counts.size(), counts.toString());
                return data(counts.get(0));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no " + COUNT_TYPE + " record for " + SPRAYER + " within 30 s");
    }

    /** The webhook's distinct events of this type from the sprayer's address in this realm. */
    private static List<Map<String, Object>> sprayerEvents(String type) {
        Map<String, Map<String, Object>> byId = new java.util.LinkedHashMap<>();
        for (WebhookReceiver.Delivery delivery : receiver.deliveries()) {
            Map<String, Object> event = Json.readMap(delivery.bodyText());
            if (type.equals(event.get("type"))
                    && SPRAYER.equals(data(event).get("ip_address"))
                    && REALM.equals(data(event).get("realm_name"))) {
                byId.putIfAbsent((String) event.get("id"), event);
            }
        }
        return List.copyOf(byId.values());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(Map<String, Object> event) {
        return (Map<String, Object>) event.get("data");
    }
}
