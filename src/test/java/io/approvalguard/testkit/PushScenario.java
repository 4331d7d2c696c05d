package io.approvalguard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A test user of realm {@code ag-test} with an enrolled reference device, and the steps every
 * push test repeats: sign in up to the wait page, find the challenge on the device.
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
    public final String username;
    public final String userId;
    public final DeviceClient device;

    private PushScenario(AdminClient admin, String username, String userId, DeviceClient device) {
        this.admin = admin;
        this.username = username;
        this.userId = userId;
        this.device = device;
    }

    /** A new user without a device. */
    public static PushScenario newUser(AdminClient admin) {
        return newUser(admin, List.of());
    }

    /** A new user without a device, holding these further credentials (as admin API representations). */
    public static PushScenario newUser(AdminClient admin, List<Map<String, Object>> moreCredentials) {
        String username = "user-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = admin.createUser(REALM, username, PASSWORD, moreCredentials);
        return new PushScenario(admin, username, userId, DeviceClient.create(REALM));
    }

    /** An existing user of the test realm, without a device yet, whose password is {@link #PASSWORD}. */
    public static PushScenario existingUser(AdminClient admin, String username) {
        return new PushScenario(admin, username, admin.findUserId(REALM, username), DeviceClient.create(REALM));
    }

    /** Enrols the reference device through the user's first push login. */
    public PushScenario enrolThroughFirstLogin() {
        BrowserFlow browser = signInWithPassword(CLIENT);
        enrol(browser, device, "reference device");
        assertTrue(browser.pressEnrol().isLoggedIn(), "first login completes after enrolment: " + browser.describePage());
        return this;
    }

    /** A new user whose first login enrolled the reference device. */
    public static PushScenario enrolledUser(AdminClient admin) {
        return enrolledUser(admin, List.of());
    }

    /** A new user with these further credentials, whose first login enrolled the reference device. */
    public static PushScenario enrolledUser(AdminClient admin, List<Map<String, Object>> moreCredentials) {
        return newUser(admin, moreCredentials).enrolThroughFirstLogin();
    }

    /** Enrols {@code device} with the token shown on the browser's enrolment page. */
    public void enrol(BrowserFlow browser, DeviceClient device, String name) {
        DeviceClient.Response enrolled = device.enrol(browser.enrolmentToken(), name);
        assertEquals(201, enrolled.status(), "enrolment: " + enrolled);
    }

    /** A fresh browser that has submitted the password for {@code client}. */
    public BrowserFlow signInWithPassword(String client) {
        return BrowserFlow.forTestServer().start(REALM, client, CALLBACK).submitPassword(username, PASSWORD);
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
