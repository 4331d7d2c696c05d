package io.approvalguard.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.risk.RiskInput;
import io.approvalguard.risk.RiskInputs;
import io.approvalguard.stream.sink.StreamEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.util.JsonSerialization;

/** The envelope: CloudEvents attributes, correlation ids, and nothing secret. */
class CloudEventsTest {

    @Test
    void anApprovalGuardEventKeepsItsIdNameAndCorrelationIds() throws Exception {
        Event event = loginError("approval_denied");
        event.getDetails().put("approval_guard_event", "challenge_denied");
        event.getDetails().put("challenge_id", "ch-1");
        event.getDetails().put("device_key_thumbprint", "tp-1");
        event.getDetails().put("code_id", "auth-session-1");
        event.getDetails().put("login_country", "DE");

        StreamEvent streamed = CloudEvents.of(event, "https://sso.example/realms/demo");
        Map<String, Object> envelope = JsonSerialization.readValue(streamed.json(), Map.class);
        assertEquals("1.0", envelope.get("specversion"));
        assertEquals("event-1", envelope.get("id"));
        assertEquals("io.approvalguard.challenge_denied", envelope.get("type"));
        assertEquals("user-1", envelope.get("subject"));
        assertEquals("https://sso.example/realms/demo", envelope.get("source"));
        Map<?, ?> data = (Map<?, ?>) envelope.get("data");
        assertEquals("ch-1", data.get("challenge_id"));
        assertEquals("tp-1", data.get("device_key_thumbprint"));
        assertEquals("auth-session-1", data.get("auth_session_id"));
        assertEquals("approval_denied", data.get("error"));

        RiskInput input = RiskInputs.parse(streamed).input();
        assertEquals(RiskInput.Kind.DENIED, input.kind());
    }

    @Test
    void detailsOutsideTheAllowListNeverEnterTheStream() {
        Event event = loginError("invalid_user_credentials");
        event.getDetails().put("password", "hunter2");
        event.getDetails().put("code", "123456");
        event.getDetails().put("refresh_token", "eyJhbGciOi.secret");
        event.getDetails().put("username", "alice");
        String json = CloudEvents.of(event, "urn:keycloak:realm:demo").json();
        assertFalse(
                json.contains("hunter2") || json.contains("123456") || json.contains("eyJhbGciOi"),
                json);
        assertTrue(json.contains("alice"));
    }

    @Test
    void anAdminEventNeverCarriesItsRepresentation() {
        AdminEvent event = new AdminEvent();
        event.setId("admin-1");
        event.setTime(1_800_000_000_000L);
        event.setRealmId("realm-1");
        event.setOperationType(OperationType.ACTION);
        event.setResourceType(ResourceType.USER);
        event.setResourcePath("users/user-9/reset-password");
        event.setRepresentation("{\"type\":\"password\",\"value\":\"N3w-Passw0rd\"}");
        AuthDetails actor = new AuthDetails();
        actor.setUserId("admin-user");
        event.setAuthDetails(actor);
        StreamEvent streamed = CloudEvents.of(event, "urn:keycloak:realm:demo");
        assertFalse(streamed.json().contains("N3w-Passw0rd"), streamed.json());
        assertEquals("user-9", streamed.userId());
        assertEquals("org.keycloak.admin.user.action", streamed.type());
        assertEquals(RiskInput.Kind.PASSWORD_RESET, RiskInputs.parse(streamed).input().kind());
    }

    @Test
    void eventsTheScorerDoesNotReadAreIgnored() {
        Event event = loginError("invalid_user_credentials");
        assertNull(
                RiskInputs.parse(CloudEvents.of(event, "urn:x")),
                "a plain login error is the brute-force protector's");
        assertNull(CloudEvents.userIdInPath("clients/abc"));
        assertEquals("u1", CloudEvents.userIdInPath("users/u1"));
    }

    private static Event loginError(String error) {
        Event event = new Event();
        event.setId("event-1");
        event.setTime(1_800_000_000_000L);
        event.setType(EventType.LOGIN_ERROR);
        event.setRealmId("realm-1");
        event.setRealmName("demo");
        event.setUserId("user-1");
        event.setClientId("web-shop");
        event.setIpAddress("203.0.113.7");
        event.setError(error);
        event.setDetails(new LinkedHashMap<>());
        return event;
    }
}
