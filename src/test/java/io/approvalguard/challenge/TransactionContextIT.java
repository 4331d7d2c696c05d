package io.approvalguard.challenge;

import static io.approvalguard.testkit.PushScenario.CALLBACK;
import static io.approvalguard.testkit.PushScenario.CLIENT;
import static io.approvalguard.testkit.PushScenario.PASSWORD;
import static io.approvalguard.testkit.PushScenario.REALM;
import static io.approvalguard.testkit.PushScenario.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What you see is what you sign: the transaction context, its hash, and the proof in the token. */
@ExtendWith(KeycloakServer.class)
class TransactionContextIT {

    private static final String PAYMENT =
            "[{\"type\":\"payment_initiation\",\"locations\":[\"https://bank.example/payments\"],"
                    + "\"instructedAmount\":{\"currency\":\"EUR\",\"amount\":\"123.50\"},\"creditorName\":\"Merchant A\","
                    + "\"creditorAccount\":{\"iban\":\"DE02100100109307118603\"},\"fee\":0.25,\"priority\":2,\"instant\":true}]";

    private final AdminClient admin = AdminClient.forTestServer();

    @Test
    void theDeviceShowsAndSignsTheTransactionAndTheTokenProvesIt() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser =
                signIn(
                        user,
                        Map.of(
                                "authorization_details",
                                PAYMENT,
                                "binding_message",
                                "Pay 123.50 EUR"));
        Map<String, Object> challenge = user.challenge();
        Map<String, Object> context = context(challenge);
        // From the browser's address anyone could write it, so digit runs that could pose as the
        // code are masked.
        assertEquals(
                "Pay \u2026.\u2026 EUR",
                browser.currentPage().selectFirst("#ag-binding-message").text(),
                "the sign-in page shows the message the device shows");

        assertEquals(Json.read(PAYMENT), context.get("authorization_details"));
        assertEquals("Pay \u2026.\u2026 EUR", context.get("binding_message"));
        assertEquals(
                "unsigned",
                context.get("request_integrity"),
                "plain query parameters are not signed");
        assertEquals("openid", context.get("scope"));
        assertTrue(((String) context.get("browser")).length() > 0);
        assertEquals(
                DeviceClient.computeContextHash(context),
                challenge.get("context_hash"),
                "the reference client's own RFC 8785 hash (decimals included) equals the server's");

        assertEquals(200, user.device.answer(challenge, "approve", browser.code()).status());
        assertTrue(browser.pressWait("continue").isLoggedIn());
        Map<String, Object> tokens = browser.exchangeCode();
        assertEquals(
                Json.read(PAYMENT),
                tokens.get("authorization_details"),
                "RFC 9396: the token response names what was granted");
        for (String token : List.of("access_token", "id_token")) {
            Map<String, Object> approval = approvalClaim(tokens, token);
            assertEquals(id(challenge), approval.get("approval_id"), token);
            assertEquals(challenge.get("context_hash"), approval.get("context_hash"), token);
            assertEquals("code-2", approval.get("verification"), token);
            assertEquals(user.device.thumbprint(), approval.get("device_jkt"), token);
            assertEquals(Json.read(PAYMENT), approval.get("authorization_details"), token);
        }
    }

    @Test
    void everyAlteredContextFieldMakesTheAnswerFail() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser =
                signIn(
                        user,
                        Map.of(
                                "authorization_details",
                                PAYMENT,
                                "binding_message",
                                "Pay 123.50 EUR"));
        Map<String, Object> challenge = user.challenge();
        List<Consumer<Map<String, Object>>> alterations =
                List.of(
                        c -> c.put("client_name", "Trusted Bank"),
                        c -> c.put("scope", "openid email"),
                        c -> c.put("binding_message", "Pay 1.50 EUR"),
                        c -> c.put("ip_address", "198.51.100.1"),
                        c -> c.put("location", "Paris, France"),
                        c ->
                                c.put(
                                        "requested_at",
                                        ((Number) c.get("requested_at")).longValue() + 1),
                        c -> c.put("reason", "add-device"),
                        c -> c.put("browser", "Safari 17"),
                        c ->
                                c.put(
                                        "authorization_details",
                                        Json.read(PAYMENT.replace("123.50", "12350"))),
                        c ->
                                c.put(
                                        "authorization_details",
                                        Json.read(PAYMENT.replace("0.25", "0.250001"))),
                        c -> c.remove("request_integrity"));
        for (Consumer<Map<String, Object>> alteration : alterations) {
            Map<String, Object> altered = new LinkedHashMap<>(context(challenge));
            alteration.accept(altered);
            DeviceClient.Response answer =
                    user.device.answer(
                            id(challenge),
                            "approve",
                            DeviceClient.computeContextHash(altered),
                            browser.code());
            assertEquals("context_mismatch", answer.error(), altered.toString());
        }
        assertEquals("pending", browser.pollStatus());
        assertEquals(200, user.device.answer(challenge, "approve", browser.code()).status());
        assertTrue(browser.pressWait("continue").isLoggedIn());
    }

    @Test
    void anAnswerForTransactionACannotCompleteTransactionB() {
        PushScenario user = PushScenario.enrolledUser(admin);
        signIn(user, Map.of("authorization_details", PAYMENT));
        Map<String, Object> transactionA = user.challenge();
        BrowserFlow browserB =
                signIn(user, Map.of("authorization_details", PAYMENT.replace("123.50", "9999.00")));
        Map<String, Object> transactionB = user.challenge();
        assertNotEquals(id(transactionA), id(transactionB));

        DeviceClient.Response crossed =
                user.device.answer(
                        id(transactionB),
                        "approve",
                        DeviceClient.computeContextHash(context(transactionA)),
                        browserB.code());
        assertEquals("context_mismatch", crossed.error());
        assertEquals("pending", browserB.pollStatus());
    }

    @Test
    void stepUpForOneTransactionInAnExistingSession() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = signIn(user, Map.of());
        Map<String, Object> signIn = user.challenge();
        assertEquals(200, user.device.answer(signIn, "approve", browser.code()).status());
        assertTrue(browser.pressWait("continue").isLoggedIn());
        assertNull(
                approvalClaim(browser.exchangeCode(), "access_token").get("authorization_details"));

        // Same browser session: the client asks for one transaction and a fresh authentication.
        browser.startWithParameters(
                REALM,
                CLIENT,
                CALLBACK,
                Map.of("prompt", "login", "authorization_details", PAYMENT));
        browser.submitPassword(user.username, PASSWORD);
        Map<String, Object> transaction = user.challenge();
        assertEquals(Json.read(PAYMENT), context(transaction).get("authorization_details"));
        assertEquals(200, user.device.answer(transaction, "approve", browser.code()).status());
        assertTrue(browser.pressWait("continue").isLoggedIn());

        Map<String, Object> approval = approvalClaim(browser.exchangeCode(), "access_token");
        assertEquals(id(transaction), approval.get("approval_id"));
        assertEquals(Json.read(PAYMENT), approval.get("authorization_details"));
    }

    @Test
    void noClaimWhenNoPushRan() {
        PushScenario user = PushScenario.newUser(admin);
        BrowserFlow browser = user.signInWithPassword(CLIENT);
        user.enrol(browser, user.device, "phone");
        assertTrue(
                browser.pressEnrol().isLoggedIn(),
                "the first login enrols; push does not run in it");
        Map<String, Object> claims = claims(browser.exchangeCode(), "access_token");
        assertFalse(claims.containsKey("approval"), claims.toString());
    }

    @Test
    void transactionDetailsAreGrantedOnlyWithThisSignInsOwnUnspentApproval() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = signIn(user, Map.of("authorization_details", PAYMENT));
        Map<String, Object> challenge = user.challenge();
        assertEquals(200, user.device.answer(challenge, "approve", browser.code()).status());
        assertTrue(browser.pressWait("continue").isLoggedIn());
        assertEquals(Json.read(PAYMENT), browser.exchangeCode().get("authorization_details"));

        // SSO: the same browser asks again without a fresh authentication, for the same transaction
        // and another one.
        for (String details : List.of(PAYMENT, PAYMENT.replace("123.50", "9999.00"))) {
            browser.startWithParameters(
                    REALM, CLIENT, CALLBACK, Map.of("authorization_details", details));
            assertTrue(browser.isLoggedIn(), "SSO answers at once: " + browser.describePage());
            Map<String, Object> refused = browser.exchangeCode();
            assertEquals(400, refused.get("http_status"), refused.toString());
            assertEquals("invalid_authorization_details", refused.get("error"), refused.toString());
        }
        assertTrue(user.device.challenges().isEmpty(), "no prompt was sent for the SSO requests");
        // A later sign-in without details is not refused for details granted or refused before.
        browser.startWithParameters(REALM, CLIENT, CALLBACK, Map.of());
        Map<String, Object> plain = browser.exchangeCode();
        assertEquals(200, plain.get("http_status"), plain.toString());
        assertNull(plain.get("authorization_details"), plain.toString());
    }

    @Test
    void aFirstLoginEnrolmentGrantsNoTransactionDetails() {
        PushScenario user = PushScenario.newUser(admin);
        BrowserFlow browser = signIn(user, Map.of("authorization_details", PAYMENT));
        user.enrol(browser, user.device, "phone");
        assertTrue(
                browser.pressEnrol().isLoggedIn(),
                "the first login enrols; push does not run in it");
        Map<String, Object> refused = browser.exchangeCode();
        assertEquals(400, refused.get("http_status"), refused.toString());
        assertEquals("invalid_authorization_details", refused.get("error"), refused.toString());
    }

    @Test
    void nullMembersAreRefusedBeforeAnyPromptSoWhatIsShownIsWhatIsHashed() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser =
                signIn(
                        user,
                        Map.of(
                                "authorization_details",
                                "[{\"type\":\"payment_initiation\",\"instructedAmount\":{\"currency\":\"EUR\",\"amount\":\"1.00\"},\"creditorName\":null}]"));
        assertFalse(browser.onWaitPage(), browser.describePage());
        assertTrue(browser.errorMessage().contains("null value"), browser.errorMessage());
        assertTrue(user.device.challenges().isEmpty(), "no prompt was sent");
    }

    @Test
    void theListingWritesNumbersAndCharactersAsTheCanonicalFormDoes() {
        PushScenario user = PushScenario.enrolledUser(admin);
        String details =
                "[{\"type\":\"payment_initiation\",\"limit\":1e21,\"rate\":0.000001,\"fee\":4.50,"
                        + "\"creditorName\":\"Caf\u00e9 \uD83D\uDE00\"}]";
        BrowserFlow browser = signIn(user, Map.of("authorization_details", details));
        DeviceClient.Response listing = user.device.listChallenges();
        assertEquals(200, listing.status(), listing.toString());
        // Not Jackson's 1.0E21 and \ud83d\ude00: the text of each value is its RFC 8785 text.
        assertTrue(
                listing.body()
                        .contains(
                                "\"limit\":1e+21,\"rate\":0.000001,\"fee\":4.5,\"creditorName\":\"Caf\u00e9 \uD83D\uDE00\""),
                listing.body());
        Map<String, Object> challenge = user.challenge();
        assertEquals(
                DeviceClient.computeContextHash(context(challenge)), challenge.get("context_hash"));
        assertEquals(200, user.device.answer(challenge, "deny", null).status());
        assertEquals("denied", browser.pollStatus());
    }

    @Test
    void malformedAuthorizationDetailsAreRefusedBeforeAnyPrompt() {
        PushScenario user = PushScenario.enrolledUser(admin);
        List<String> malformed =
                List.of(
                        "not json",
                        "{\"type\":\"payment_initiation\"}",
                        "[{\"amount\":\"1\"}]",
                        "[{\"type\":\"crypto_withdrawal\"}]",
                        "[{\"type\":\"payment_initiation\",\"creditorName\":\"a\",\"creditorName\":\"b\"}]",
                        "[{\"type\":\"payment_initiation\",\"amount\":123456789012345678901234567890}]",
                        "[{\"type\":\"approval_guard_transaction\",\"a\":[[[[[[[[[1]]]]]]]]]}]");
        int refusedByApprovalGuard = 0;
        for (String details : malformed) {
            BrowserFlow browser =
                    BrowserFlow.forTestServer()
                            .startWithParameters(
                                    REALM,
                                    CLIENT,
                                    CALLBACK,
                                    Map.of("authorization_details", details));
            if (browser.reachedClient()) {
                // Keycloak's own parser refused it at the authorization endpoint, before any login
                // step.
                assertEquals("invalid_request", browser.callbackParams().get("error"), details);
            } else {
                browser.submitPassword(user.username, PASSWORD);
                assertFalse(browser.onWaitPage(), details + ": " + browser.describePage());
                assertTrue(
                        browser.errorMessage().contains("cannot be shown to you safely"),
                        details + ": " + browser.errorMessage());
                refusedByApprovalGuard++;
            }
            assertTrue(user.device.challenges().isEmpty(), details + ": no prompt was sent");
        }
        assertTrue(
                refusedByApprovalGuard >= 3,
                "duplicates, unsafe numbers and deep nesting pass Keycloak's parser and stop at ours");
        assertTrue(
                admin.approvalGuardEvents(
                                REALM, user.userId, "CUSTOM_REQUIRED_ACTION", "challenge_sent")
                        .isEmpty());
        assertEquals(
                refusedByApprovalGuard,
                admin.approvalGuardEvents(REALM, user.userId, "LOGIN_ERROR", "request_refused")
                        .size());
    }

    @Test
    void locationAndNetworkFromTheOperatorsMaxMindDatabases() {
        PushScenario user = PushScenario.enrolledUser(admin);
        // Behind a reverse proxy, Keycloak's proxy-header settings give the client address.
        BrowserFlow.forTestServer()
                .withHeader("X-Forwarded-For", "81.2.69.160")
                .startWithParameters(REALM, CLIENT, CALLBACK, Map.of())
                .submitPassword(user.username, PASSWORD);
        Map<String, Object> known = context(user.challenge());
        assertEquals("81.2.69.160", known.get("ip_address"));
        assertEquals("London, United Kingdom", known.get("location"));
        assertEquals("GB", known.get("country"));

        BrowserFlow.forTestServer()
                .withHeader("X-Forwarded-For", "1.128.0.1")
                .startWithParameters(REALM, CLIENT, CALLBACK, Map.of())
                .submitPassword(user.username, PASSWORD);
        Map<String, Object> network = context(user.challenge());
        assertTrue(
                String.valueOf(network.get("network")).startsWith("AS1221 "), network.toString());

        BrowserFlow.forTestServer()
                .withHeader("X-Forwarded-For", "203.0.113.9")
                .startWithParameters(REALM, CLIENT, CALLBACK, Map.of())
                .submitPassword(user.username, PASSWORD);
        Map<String, Object> unknown = context(user.challenge());
        assertFalse(unknown.containsKey("location"), unknown.toString());
        assertFalse(unknown.containsKey("country"));
        assertFalse(unknown.containsKey("network"));

        // The approver's own country comes with the listing, outside the signed context.
        Map<String, Object> listedFromSweden =
                user.device
                        .challenges(
                                io.approvalguard.testkit.ProofSpec.valid()
                                        .httpHeader("X-Forwarded-For", "89.160.20.120"))
                        .get(0);
        assertEquals("SE", listedFromSweden.get("approver_country"));
        assertNull(user.challenge().get("approver_country"), "unknown for 127.0.0.1");
    }

    @Test
    void keycloaksOwnClientIsShownByTheNameItsPagesUseAndAnUnknownKeyByItsClientId() {
        PushScenario user = PushScenario.enrolledUser(admin);
        // The account console is a public client that must use PKCE; the code is never exchanged
        // here.
        BrowserFlow.forTestServer()
                .startWithParameters(
                        REALM,
                        "account-console",
                        KeycloakServer.realmUrl(REALM) + "/account/",
                        Map.of(
                                "code_challenge",
                                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                                "code_challenge_method",
                                "S256"))
                .submitPassword(user.username, PASSWORD);
        Map<String, Object> accountConsole = context(user.challenge());
        assertEquals("account-console", accountConsole.get("client_id"));
        assertEquals(
                "Account Console",
                accountConsole.get("client_name"),
                "${client_account-console} is resolved through the realm's login theme messages");

        String clientId = "ag-message-key-" + user.username;
        HttpResult created =
                admin.send(
                        "POST",
                        "/admin/realms/" + REALM + "/clients",
                        Map.of(
                                "clientId",
                                clientId,
                                "name",
                                "${ag_no_such_message_key}",
                                "publicClient",
                                true,
                                "standardFlowEnabled",
                                true,
                                "redirectUris",
                                List.of(CALLBACK)));
        assertEquals(201, created.status(), created.body());
        signIn(user, clientId, Map.of());
        Map<String, Object> unknownKey = context(user.challenge());
        assertEquals(clientId, unknownKey.get("client_id"));
        assertEquals(
                clientId,
                unknownKey.get("client_name"),
                "a key no theme knows falls back to the client id");
    }

    // ---------------------------------------------------------------- helpers

    private static BrowserFlow signIn(PushScenario user, Map<String, String> parameters) {
        return signIn(user, CLIENT, parameters);
    }

    private static BrowserFlow signIn(
            PushScenario user, String client, Map<String, String> parameters) {
        return BrowserFlow.forTestServer()
                .startWithParameters(REALM, client, CALLBACK, parameters)
                .submitPassword(user.username, PASSWORD);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> context(Map<String, Object> challenge) {
        return (Map<String, Object>) challenge.get("context");
    }

    private static Map<String, Object> claims(Map<String, Object> tokens, String name) {
        String[] parts = ((String) tokens.get(name)).split("\\.");
        return Json.readMap(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> approvalClaim(Map<String, Object> tokens, String name) {
        Map<String, Object> claims = claims(tokens, name);
        assertTrue(claims.containsKey("approval"), name + " has no approval claim: " + claims);
        return (Map<String, Object>) claims.get("approval");
    }
}
