package io.approvalguard.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.stream.sink.StreamEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.util.JsonSerialization;

/** Which failures count as anonymous, where they are counted, and what the count's record says. */
class AnonymousFailuresTest {

    @Test
    void onlyFailuresThatNameNoUserAreAnonymous() {
        assertTrue(
                AnonymousFailures.isAnonymousFailure(event(EventType.LOGIN_ERROR, null)),
                "an unknown user name");
        assertTrue(
                AnonymousFailures.isAnonymousFailure(
                        event(EventType.SEND_RESET_PASSWORD_ERROR, null)));
        assertFalse(
                AnonymousFailures.isAnonymousFailure(event(EventType.LOGIN_ERROR, "user-1")),
                "a known user's failure");
        assertFalse(
                AnonymousFailures.isAnonymousFailure(event(EventType.LOGIN, null)),
                "not a failure");
    }

    @Test
    void everyNodeCountsOneRealmWindowAndAddressIntoOneRow() {
        assertEquals(
                AnonymousFailures.id("realm-1", 60_000, "203.0.113.7"),
                AnonymousFailures.id("realm-1", 60_000, "203.0.113.7"));
        assertNotEquals(
                AnonymousFailures.id("realm-1", 60_000, "203.0.113.7"),
                AnonymousFailures.id("realm-1", 120_000, "203.0.113.7"));
        assertNotEquals(
                AnonymousFailures.id("realm-1", 60_000, "203.0.113.7"),
                AnonymousFailures.id("realm-2", 60_000, "203.0.113.7"));
        assertNotEquals(
                AnonymousFailures.id("realm-1", 60_000, null),
                AnonymousFailures.id("realm-1", 60_000, ""),
                "the shared count of further addresses is not an address's");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRecordSaysWhereFromWhenAndHowMany() throws Exception {
        AnonymousFailureEntity count = new AnonymousFailureEntity();
        count.setRealmId("realm-1");
        count.setIpAddress("203.0.113.7");
        count.setWindowStart(1_800_000_000_000L);
        count.setWindowEnd(1_800_000_060_000L);
        count.setAttempts(200);
        count.setStreamed(10);
        count.setSource("https://sso.example/realms/demo");
        StreamEvent record = AnonymousFailures.record(count, "demo");
        assertEquals("io.approvalguard.stream.anonymous_failures", record.type());
        assertNull(record.userId());
        assertEquals(1_800_000_060_000L, record.timeMillis());
        Map<String, Object> envelope = JsonSerialization.readValue(record.json(), Map.class);
        assertEquals("https://sso.example/realms/demo", envelope.get("source"));
        Map<String, Object> data = (Map<String, Object>) envelope.get("data");
        assertEquals("203.0.113.7", data.get("ip_address"));
        assertEquals("2027-01-15T08:00:00Z", data.get("window_start"));
        assertEquals("2027-01-15T08:01:00Z", data.get("window_end"));
        assertEquals(200, data.get("attempts"));
        assertEquals(10, data.get("streamed"));
        assertEquals(190, data.get("coalesced"));

        count.setIpAddress(null);
        Map<String, Object> shared =
                (Map<String, Object>)
                        JsonSerialization.readValue(
                                        AnonymousFailures.record(count, "demo").json(), Map.class)
                                .get("data");
        assertEquals(true, shared.get("other_addresses"));
        assertFalse(shared.containsKey("ip_address"));
        assertNotEquals(
                record.id(),
                AnonymousFailures.record(count, "demo").id(),
                "each record has an id of its own");
    }

    private static Event event(EventType type, String userId) {
        Event event = new Event();
        event.setType(type);
        event.setRealmId("realm-1");
        event.setUserId(userId);
        event.setTime(1_800_000_000_000L);
        return event;
    }
}
