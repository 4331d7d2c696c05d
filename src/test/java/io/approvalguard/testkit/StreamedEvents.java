package io.approvalguard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.pages.BrowserFlow;
import java.util.LinkedHashSet;
import java.util.Set;

/** Events a test raises on purpose, and their ids as Keycloak's own event store recorded them. */
public final class StreamedEvents {

    /** Keycloak event types the stream carries and the event store keeps, to cross-check ids. */
    private static final Set<String> STREAMED_TYPES =
            Set.of(
                    "LOGIN",
                    "LOGIN_ERROR",
                    "CODE_TO_TOKEN",
                    "UPDATE_CREDENTIAL",
                    "REMOVE_CREDENTIAL",
                    "CUSTOM_REQUIRED_ACTION",
                    "CUSTOM_REQUIRED_ACTION_ERROR");

    private StreamedEvents() {}

    /** A new user of the test realm who enrolled a device and then signed in with an approval. */
    public static PushScenario approvedUser(AdminClient admin) {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage();
        String code = browser.code();
        assertEquals(200, user.device.answer(user.challenge(), "approve", code).status());
        assertTrue(browser.pressWait("continue").isLoggedIn(), browser.describePage());
        assertEquals(200, browser.exchangeCode().get("http_status"));
        return user;
    }

    /**
     * Ids of the user's streamed user events (the stream's CloudEvent ids are Keycloak's event
     * ids).
     */
    public static Set<String> userEventIds(AdminClient admin, PushScenario user) {
        Set<String> ids = new LinkedHashSet<>();
        admin.events(user.realm, "user", user.userId, "max", "200").stream()
                .filter(e -> STREAMED_TYPES.contains(e.get("type")))
                .forEach(e -> ids.add((String) e.get("id")));
        return ids;
    }

    /** Ids of the admin events about the user (creation, role changes, ...). */
    public static Set<String> adminEventIds(AdminClient admin, PushScenario user) {
        Set<String> ids = new LinkedHashSet<>();
        admin.adminEvents(user.realm, "resourcePath", "users/" + user.userId, "max", "50")
                .forEach(e -> ids.add((String) e.get("id")));
        return ids;
    }
}
