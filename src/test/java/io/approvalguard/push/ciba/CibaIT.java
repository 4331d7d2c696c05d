package io.approvalguard.push.ciba;

import static io.approvalguard.testkit.PushScenario.REALM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** OpenID CIBA, poll mode, approved and denied on the user's Approval Guard device. */
@ExtendWith(KeycloakServer.class)
class CibaIT {

    private static final String CLIENT = "ag-ciba-client";
    private static final String SECRET = "ciba-test-secret";

    private final AdminClient admin = AdminClient.forTestServer();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void approvedOnTheDeviceTheClientGetsTokens() throws Exception {
        PushScenario user = PushScenario.enrolledUser(admin);
        String authReqId = backchannelRequest(user, "Till3-42.00EUR");

        Map<String, Object> challenge = user.challenge();
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) challenge.get("context");
        assertEquals("ciba", context.get("reason"));
        assertEquals("Till3-42.00EUR", context.get("binding_message"));
        assertEquals(CLIENT, context.get("client_id"));
        assertEquals("backchannel", context.get("request_integrity"));
        assertEquals(
                Map.of("type", "none"),
                challenge.get("verification"),
                "the binding message takes the code's place");

        assertEquals("authorization_pending", poll(authReqId).get("error"));
        assertEquals(200, user.device.answer(challenge, "approve", null).status());
        Map<String, Object> tokens = poll(authReqId);
        assertTrue(tokens.get("access_token") instanceof String, tokens.toString());
    }

    @Test
    void deniedOnTheDeviceTheClientIsRefused() throws Exception {
        PushScenario user = PushScenario.enrolledUser(admin);
        String authReqId = backchannelRequest(user, "Transfer-900-EUR");
        assertEquals(200, user.device.answer(user.challenge(), "deny", null).status());
        assertEquals("access_denied", poll(authReqId).get("error"));
    }

    @Test
    void theDeviceShowsTheTransactionOfABackchannelRequest() throws Exception {
        PushScenario user = PushScenario.enrolledUser(admin);
        String details =
                "[{\"type\":\"payment_initiation\",\"instructedAmount\":{\"currency\":\"EUR\",\"amount\":\"42.00\"}}]";
        String authReqId =
                backchannelRequest(user, "Till3", Map.of("authorization_details", details));
        Map<String, Object> challenge = user.challenge();
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) challenge.get("context");
        assertEquals(Json.read(details), context.get("authorization_details"));
        assertEquals(200, user.device.answer(challenge, "approve", null).status());
        assertTrue(poll(authReqId).get("access_token") instanceof String);
    }

    @Test
    void aSuspendedUserGetsNoBackchannelPrompt() throws Exception {
        PushScenario user = PushScenario.enrolledUser(admin);
        assertEquals(
                200,
                admin.send(
                                "POST",
                                "/admin/realms/"
                                        + REALM
                                        + "/approval-guard/risk/users/"
                                        + user.userId
                                        + "/actions",
                                Map.of(
                                        "action",
                                        "suspend_push",
                                        "reason_code",
                                        "test.ciba",
                                        "duration_seconds",
                                        600))
                        .status());
        HttpResponse<String> refused =
                post(
                        "/protocol/openid-connect/ext/ciba/auth",
                        Map.of(
                                "client_id",
                                CLIENT,
                                "client_secret",
                                SECRET,
                                "scope",
                                "openid",
                                "login_hint",
                                user.username,
                                "binding_message",
                                "Till4"));
        assertTrue(refused.statusCode() >= 400, refused.statusCode() + " " + refused.body());
        assertTrue(user.device.challenges().isEmpty(), "no challenge for a suspended user");
    }

    @Test
    void aBackchannelRequestReplacedByANewerPromptEndsAtOnce() throws Exception {
        PushScenario user = PushScenario.enrolledUser(admin);
        String authReqId = backchannelRequest(user, "Till5");
        user.challenge();
        // The user signs in in a browser meanwhile: the newer prompt replaces the CIBA one.
        user.signInToWaitPage();
        Map<String, Object> answer = poll(authReqId);
        assertEquals(
                "access_denied",
                answer.get("error"),
                "the client is told at once, not left polling: " + answer);
    }

    private String backchannelRequest(PushScenario user, String bindingMessage) throws Exception {
        return backchannelRequest(user, bindingMessage, Map.of());
    }

    private String backchannelRequest(
            PushScenario user, String bindingMessage, Map<String, String> extra) throws Exception {
        Map<String, String> form =
                new java.util.HashMap<>(
                        Map.of(
                                "client_id",
                                CLIENT,
                                "client_secret",
                                SECRET,
                                "scope",
                                "openid",
                                "login_hint",
                                user.username,
                                "binding_message",
                                bindingMessage));
        form.putAll(extra);
        HttpResponse<String> response = post("/protocol/openid-connect/ext/ciba/auth", form);
        assertEquals(200, response.statusCode(), response.body());
        return (String) Json.readMap(response.body()).get("auth_req_id");
    }

    /** Polls the token endpoint as a client honouring the realm's 1 s interval. */
    private Map<String, Object> poll(String authReqId) throws Exception {
        Thread.sleep(1100);
        HttpResponse<String> response =
                post(
                        "/protocol/openid-connect/token",
                        Map.of(
                                "grant_type",
                                "urn:openid:params:grant-type:ciba",
                                "auth_req_id",
                                authReqId,
                                "client_id",
                                CLIENT,
                                "client_secret",
                                SECRET));
        return Json.readMap(response.body());
    }

    private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        String body =
                form.entrySet().stream()
                        .map(
                                e ->
                                        URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                                                + "="
                                                + URLEncoder.encode(
                                                        e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
        return http.send(
                HttpRequest.newBuilder(URI.create(KeycloakServer.realmUrl(REALM) + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
