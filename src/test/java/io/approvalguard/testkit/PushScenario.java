package io.approvalguard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A test user of realm {@code ag-test} with an enrolled reference device, and the steps every push
 * test repeats: sign in up to the wait page, find the challenge on the device.
 */
public final class PushScenario {

    public static final String REALM = "ag-test";
    public static final String CLIENT = "ag-test-client";

    /** A client whose browser flow gives challenges a 10 s lifetime. */
    public static final String SHORT_LIVED_CLIENT = "ag-short-client";

    public static final String CALLBACK = "http://127.0.0.1:8089/callback";
    public static final String PASSWORD = "correct-horse-battery";
    public static final Duration DEVICE_WAIT = Duration.ofSeconds(10);

    public final AdminClient admin;
    public final String realm;
    public final String username;
    public final String userId;
    public final DeviceClient device;

    private PushScenario(
            AdminClient admin, String realm, String username, String userId, DeviceClient device) {
        this.admin = admin;
        this.realm = realm;
        this.username = username;
        this.userId = userId;
        this.device = device;
    }

    /** A new user without a device. */
    public static PushScenario newUser(AdminClient admin) {
        return newUser(admin, List.of());
    }

    /**
     * A new user without a device, holding these further credentials (as admin API
     * representations).
     */
    public static PushScenario newUser(
            AdminClient admin, List<Map<String, Object>> moreCredentials) {
        return newUserIn(REALM, admin, moreCredentials);
    }

    /**
     * A new user of another realm that signs in with the same flow and client ids as the test
     * realm.
     */
    public static PushScenario newUserIn(
            String realm, AdminClient admin, List<Map<String, Object>> moreCredentials) {
        String username = "user-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = admin.createUser(realm, username, PASSWORD, moreCredentials);
        return new PushScenario(admin, realm, username, userId, DeviceClient.create(realm));
    }

    /**
     * An existing user of the test realm, without a device yet, whose password is {@link
     * #PASSWORD}.
     */
    public static PushScenario existingUser(AdminClient admin, String username) {
        return existingUserIn(REALM, admin, username);
    }

    /**
     * A new user with a password and an OTP credential, without a device. The admin users endpoint
     * drops non-password credentials, so the user comes in through a partial realm import, as an
     * operator's would.
     */
    public static PushScenario newUserWithOtpIn(String realm, AdminClient admin) {
        String username = "otp-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> otp =
                Map.of(
                        "type", "otp",
                        "userLabel", "authenticator app",
                        "secretData",
                                "{\"value\":\""
                                        + UUID.randomUUID()
                                                .toString()
                                                .replace("-", "")
                                                .substring(0, 20)
                                        + "\"}",
                        "credentialData",
                                "{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":30,\"algorithm\":\"HmacSHA1\"}");
        Map<String, Object> password =
                Map.of("type", "password", "value", PASSWORD, "temporary", false);
        Map<String, Object> user =
                Map.of(
                        "username",
                        username,
                        "enabled",
                        true,
                        "emailVerified",
                        true,
                        "firstName",
                        "Otp",
                        "lastName",
                        "User",
                        "email",
                        username + "@example.test",
                        "credentials",
                        List.of(password, otp));
        HttpResult imported =
                admin.send(
                        "POST",
                        "/admin/realms/" + realm + "/partialImport",
                        Map.of("ifResourceExists", "FAIL", "users", List.of(user)));
        assertEquals(200, imported.status(), imported.body());
        PushScenario scenario = existingUserIn(realm, admin, username);
        assertTrue(
                admin.listCredentials(realm, scenario.userId).stream()
                        .anyMatch(c -> "otp".equals(c.get("type"))),
                "the OTP credential was stored");
        return scenario;
    }

    /**
     * An existing user of another realm, without a device yet, whose password is {@link #PASSWORD}.
     */
    public static PushScenario existingUserIn(String realm, AdminClient admin, String username) {
        return new PushScenario(
                admin,
                realm,
                username,
                admin.findUserId(realm, username),
                DeviceClient.create(realm));
    }

    /** Enrols the reference device through the user's first push login. */
    public PushScenario enrolThroughFirstLogin() {
        BrowserFlow browser = signInWithPassword(CLIENT);
        enrol(browser, device, "reference device");
        assertTrue(
                browser.pressEnrol().isLoggedIn(),
                "first login completes after enrolment: " + browser.describePage());
        return this;
    }

    /** A new user whose first login enrolled the reference device. */
    public static PushScenario enrolledUser(AdminClient admin) {
        return enrolledUser(admin, List.of());
    }

    /**
     * A new user with these further credentials, whose first login enrolled the reference device.
     */
    public static PushScenario enrolledUser(
            AdminClient admin, List<Map<String, Object>> moreCredentials) {
        return newUser(admin, moreCredentials).enrolThroughFirstLogin();
    }

    /** Enrols {@code device} with the token shown on the browser's enrolment page. */
    public void enrol(BrowserFlow browser, DeviceClient device, String name) {
        DeviceClient.Response enrolled = device.enrol(browser.enrolmentToken(), name);
        assertEquals(201, enrolled.status(), "enrolment: " + enrolled);
    }

    /** A fresh browser that has submitted the password for {@code client}. */
    public BrowserFlow signInWithPassword(String client) {
        return BrowserFlow.forTestServer()
                .start(realm, client, CALLBACK)
                .submitPassword(username, PASSWORD);
    }

    /** A fresh browser on the push wait page. */
    public BrowserFlow signInToWaitPage() {
        return signInToWaitPage(CLIENT);
    }

    public BrowserFlow signInToWaitPage(String client) {
        BrowserFlow browser = signInWithPassword(client);
        browser.waitPage();
        return browser;
    }

    /** The challenge the device sees now. */
    public Map<String, Object> challenge() {
        return device.awaitChallenge(DEVICE_WAIT);
    }

    public static String id(Map<String, Object> challenge) {
        return (String) challenge.get("id");
    }
}
