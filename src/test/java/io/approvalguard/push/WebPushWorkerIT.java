package io.approvalguard.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Chromium;
import io.approvalguard.testkit.Chromium.Viewport;
import io.approvalguard.testkit.DevToolsSocket;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;

/**
 * The web approver's service worker in headless Chromium on a real Keycloak: a phone-sized browser
 * is enrolled, turns notifications on (the browser's permission granted through DevTools), and a
 * push delivered to its service worker through DevTools ({@code ServiceWorker.deliverPushMessage},
 * as a push service would) shows the generic notification for the challenge and makes the open page
 * ask at once; the notification's address opens the page on that request. Blocked in the browser's
 * settings, the page says so and how to allow them.
 *
 * <p>Headless Chromium has no push service: {@code pushManager.subscribe} never answers there, so
 * the page must say truthfully that turning on failed, and why, and the server must hold no
 * address.
 */
@ExtendWith(KeycloakServer.class)
class WebPushWorkerIT {

    static final String APP = KeycloakServer.realmUrl(PushScenario.REALM) + "/approval-guard/app/";
    static final String ORIGIN = KeycloakServer.baseUrl();

    /** The page gives the browser's push service 20 s to answer a subscription. */
    static final Duration TURNING_ON = Duration.ofSeconds(45);

    final AdminClient admin = AdminClient.forTestServer();
    Browsers browsers;

    @BeforeEach
    void requireChromium(TestInfo info) {
        assumeTrue(Chromium.isAvailable(), "Chromium or chromedriver is not installed");
        browsers =
                new Browsers(
                        getClass().getSimpleName()
                                + "-"
                                + info.getTestMethod().map(m -> m.getName()).orElse("test"));
    }

    @AfterEach
    void quitBrowsers() {
        if (browsers != null) {
            browsers.quitAll();
        }
    }

    @Test
    void aPushShowsTheNotificationAndTheOpenApproverAsksAtOnce() {
        PushScenario user = PushScenario.newUser(admin);
        WebDriver phone = browsers.open(Viewport.MOBILE);
        enrolAsWebApprover(phone, user);

        WebElement button = awaitNotifications(phone, "off");
        assertEquals("Turn on notifications", button.getText());
        assertTappableAtPhoneWidth(phone, button);
        browsers.screenshot(phone, "notifications-off");

        ((HasCdp) phone)
                .executeCdpCommand(
                        "Browser.grantPermissions",
                        Map.of("origin", ORIGIN, "permissions", List.of("notifications")));
        Browsers.click(phone, button);
        browsers.awaitUntil(
                phone,
                "turning on to end",
                TURNING_ON,
                d -> List.of("on", "failed").contains(notificationsState(d)));
        String state = notificationsState(phone);
        String said = phone.findElement(By.id("notifications-status")).getText();
        System.out.println(
                "WebPushWorkerIT: turning on in headless Chromium: " + state + ": " + said);
        browsers.screenshot(phone, "notifications-" + state);
        String pushAddress = pushAddressOnServer(user);
        if (state.equals("failed")) {
            assertTrue(
                    said.startsWith("Notifications could not be turned on: the browser")
                            && said.contains("push service"),
                    "the failure names the browser's push service: " + said);
            assertEquals("Try again", notificationsButton(phone).getText());
            assertFalse(
                    pushAddress.contains("webpush"), "no address on the server: " + pushAddress);
        } else {
            assertTrue(said.startsWith("Notifications are on"), said);
            assertTrue(pushAddress.contains("webpush"), "registered: " + pushAddress);
        }
        assertEquals(
                APP,
                script(
                        phone,
                        "navigator.serviceWorker.getRegistration().then(r => r && r.active ? r.scope : null)"),
                "the service worker is registered for the approver's folder");

        // What the worker tells the page, seen beside the page's own listener.
        ((JavascriptExecutor) phone)
                .executeScript(
                        "window.fromWorker = [];"
                                + " navigator.serviceWorker.addEventListener('message', e => window.fromWorker.push(e.data));");
        // While nothing waits, the page holds its request for up to 25 s: a push cancels it and
        // asks anew at once (a held request's connection may be dead on a phone that slept).
        try (DevToolsSocket devTools = DevToolsSocket.toPage(phone, APP)) {
            String registrationId = registrationId(devTools);
            devTools.send("Network.enable", Map.of());
            devTools.clearEvents();
            deliver(devTools, registrationId, "no-such-challenge-1");
            awaitHeard(phone, "no-such-challenge-1");
            Map<String, Object> held = awaitChallengesRequest(devTools);
            sleep(1500);
            devTools.clearEvents();
            deliver(devTools, registrationId, "no-such-challenge-2");
            awaitHeard(phone, "no-such-challenge-2");
            Object heldId = held.get("requestId");
            Map<String, Object> cancelled =
                    devTools.awaitEvent(
                            "Network.loadingFailed",
                            p -> heldId.equals(p.get("requestId")),
                            Duration.ofSeconds(2));
            assertEquals(Boolean.TRUE, cancelled.get("canceled"), "cancelled: " + cancelled);
            assertNotEquals(heldId, awaitChallengesRequest(devTools).get("requestId"));
        }
        script(
                phone,
                "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.forEach(n => n.close()))");

        // A sign-in makes a challenge; the page, asking all along, shows it.
        user.signInToWaitPage();
        WebElement card = browsers.awaitPendingCard(phone);
        String challengeId = card.getDomAttribute("data-challenge-id");
        String payload =
                Json.write(Map.of("type", "challenge_waiting", "challenge_id", challengeId));

        try (DevToolsSocket devTools = DevToolsSocket.toPage(phone, APP)) {
            int deliveries = deliverUntilShown(devTools, phone, registrationId(devTools), payload);
            System.out.println("WebPushWorkerIT: push delivered " + deliveries + " time(s)");
        }
        // (the two pushes above for no challenge showed theirs, closed since)
        List<Map<String, Object>> shown =
                notifications(phone).stream()
                        .filter(n -> challengeId.equals(n.get("tag")))
                        .toList();
        assertEquals(
                1, shown.size(), "one notification for the challenge: " + notifications(phone));
        Map<String, Object> notification = shown.get(0);
        assertEquals("Sign-in approval", notification.get("title"));
        assertEquals(
                "A request waits for your approval. Open to review it.", notification.get("body"));
        assertEquals(challengeId, notification.get("tag"));
        String url = String.valueOf(notification.get("url"));
        assertEquals(APP + "#challenge=" + challengeId, url);
        // Title and body are fixed; only the id (tag, address) comes from the push.
        assertFalse(
                shown.toString().contains(user.username),
                "nothing personal in the notification: " + shown);
        assertEquals("pending", browsers.awaitPendingCard(phone).getDomAttribute("data-status"));

        // What a click opens when no approver window is open (clients.openWindow(url)): a new load.
        phone.get("about:blank");
        phone.get(url);
        browsers.awaitUntil(
                phone,
                "the request opened by the notification",
                Browsers.PAGE_TIMEOUT,
                d ->
                        !d.findElements(
                                        By.cssSelector(
                                                "#challenges > .challenge:first-child.challenge-wanted"
                                                        + "[data-challenge-id='"
                                                        + challengeId
                                                        + "']"))
                                .isEmpty());
        assertEquals(APP, phone.getCurrentUrl(), "the fragment leaves the address bar");
        browsers.screenshot(phone, "opened-by-notification");

        // Notifications blocked in the browser's settings: said so, with how to allow them.
        ((HasCdp) phone)
                .executeCdpCommand(
                        "Browser.setPermission",
                        Map.of(
                                "origin",
                                ORIGIN,
                                "permission",
                                Map.of("name", "notifications"),
                                "setting",
                                "denied"));
        phone.navigate().refresh();
        awaitNotifications(phone, "blocked");
        String blocked = phone.findElement(By.id("notifications-status")).getText();
        assertTrue(
                blocked.startsWith("Notifications are blocked for this page in the browser")
                        && blocked.contains("allow notifications"),
                blocked);
        assertFalse(notificationsButton(phone).isDisplayed(), "the browser would not ask again");
    }

    // ---------------------------------------------------------------- steps

    /** The first sign-in's enrolment link, opened in the phone's browser, makes it an approver. */
    private void enrolAsWebApprover(WebDriver phone, PushScenario user) {
        BrowserFlow laptop = user.signInWithPassword(PushScenario.CLIENT);
        phone.get(laptop.enrolmentLink());
        browsers.awaitBodyState(phone, "enrolling");
        Browsers.click(phone, phone.findElement(By.id("enrol-button")));
        browsers.awaitBodyState(phone, "ready");
        browsers.awaitUntil(
                phone,
                "the enrolment to be confirmed",
                Browsers.PAGE_TIMEOUT,
                d -> d.findElement(By.id("enrol-status")).getText().contains("now an approver"));
        assertTrue(laptop.pressEnrol().isLoggedIn(), laptop.describePage());
    }

    private WebElement awaitNotifications(WebDriver phone, String state) {
        browsers.awaitUntil(
                phone,
                "notifications in state " + state,
                Browsers.PAGE_TIMEOUT,
                d -> !notificationsState(d).equals("loading"));
        assertEquals(
                state,
                notificationsState(phone),
                "push-config must list webpush (is the server started with"
                        + " --spi-approval-guard-notifier--webpush--vapid-subject?): "
                        + phone.findElement(By.id("notifications-status")).getText());
        return notificationsButton(phone);
    }

    private static String notificationsState(WebDriver browser) {
        return String.valueOf(
                browser.findElement(By.id("notifications")).getDomAttribute("data-state"));
    }

    private static WebElement notificationsButton(WebDriver browser) {
        return browser.findElement(By.id("notifications-button"));
    }

    /**
     * At 390 px the button is shown whole, large enough for a finger, and nothing covers its
     * middle.
     */
    private static void assertTappableAtPhoneWidth(WebDriver phone, WebElement button) {
        assertEquals("390", String.valueOf(script(phone, "Promise.resolve(window.innerWidth)")));
        Browsers.scrollIntoView(phone, button, "center");
        assertTrue(button.isDisplayed() && button.isEnabled(), "shown and enabled");
        @SuppressWarnings("unchecked")
        Map<String, Object> box =
                (Map<String, Object>)
                        ((JavascriptExecutor) phone)
                                .executeScript(
                                        "var b = arguments[0], r = b.getBoundingClientRect();"
                                                + " var hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
                                                + " return {left: r.left, right: r.right, height: r.height,"
                                                + " width: window.innerWidth, onTop: hit === b || b.contains(hit)};",
                                        button);
        String where = "the notifications button at " + box;
        assertTrue(((Number) box.get("left")).doubleValue() >= 0, where);
        assertTrue(
                ((Number) box.get("right")).doubleValue()
                        <= ((Number) box.get("width")).doubleValue(),
                where);
        assertTrue(((Number) box.get("height")).doubleValue() >= 44, "a finger's size: " + where);
        assertEquals(Boolean.TRUE, box.get("onTop"), "nothing covers it: " + where);
    }

    /** The id of the approver's service worker registration, which only DevTools events tell. */
    @SuppressWarnings("unchecked")
    private static String registrationId(DevToolsSocket devTools) {
        devTools.send("ServiceWorker.enable", Map.of());
        Map<String, Object> update =
                devTools.awaitEvent(
                        "ServiceWorker.workerRegistrationUpdated",
                        p ->
                                ((List<Map<String, Object>>) p.get("registrations"))
                                        .stream().anyMatch(r -> APP.equals(r.get("scopeURL"))),
                        Duration.ofSeconds(10));
        return ((List<Map<String, Object>>) update.get("registrations"))
                .stream()
                        .filter(r -> APP.equals(r.get("scopeURL")))
                        .map(r -> String.valueOf(r.get("registrationId")))
                        .findFirst()
                        .orElseThrow();
    }

    /**
     * Delivers the push until the worker has told the page and its notification is shown (at most 3
     * times, 5 s apart). Headless Chromium now and then shows no notification for the first push to
     * a fresh profile, even from a minimal page and worker outside this project; the notification's
     * tag, the challenge id, keeps a repeated push to one notification. Returns how many deliveries
     * it took.
     */
    private static int deliverUntilShown(
            DevToolsSocket devTools, WebDriver phone, String registrationId, String payload) {
        devTools.send("ServiceWorker.startWorker", Map.of("scopeURL", APP));
        String challengeId = String.valueOf(Json.readMap(payload).get("challenge_id"));
        for (int delivery = 1; delivery <= 3; delivery++) {
            devTools.send(
                    "ServiceWorker.deliverPushMessage",
                    Map.of("origin", ORIGIN, "registrationId", registrationId, "data", payload));
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until) {
                if (heardFromWorker(phone).contains(challengeId)
                        && notifications(phone).stream()
                                .anyMatch(n -> challengeId.equals(n.get("tag")))) {
                    return delivery;
                }
                sleep(100);
            }
        }
        throw new AssertionError(
                "after 3 deliveries of "
                        + payload
                        + " the page heard "
                        + heardFromWorker(phone)
                        + ", the worker shows "
                        + notifications(phone)
                        + ", permission "
                        + script(phone, "Promise.resolve(Notification.permission)"));
    }

    private static void deliver(
            DevToolsSocket devTools, String registrationId, String challengeId) {
        devTools.send(
                "ServiceWorker.deliverPushMessage",
                Map.of(
                        "origin",
                        ORIGIN,
                        "registrationId",
                        registrationId,
                        "data",
                        Json.write(
                                Map.of("type", "challenge_waiting", "challenge_id", challengeId))));
    }

    /** The worker has told the page of this challenge (the page's own listener is beside ours). */
    private void awaitHeard(WebDriver phone, String challengeId) {
        browsers.awaitUntil(
                phone,
                "the worker to tell the page of " + challengeId,
                Browsers.PAGE_TIMEOUT,
                d -> heardFromWorker(d).contains(challengeId));
    }

    /** The next request for challenges the page sends. */
    private static Map<String, Object> awaitChallengesRequest(DevToolsSocket devTools) {
        return devTools.awaitEvent(
                "Network.requestWillBeSent",
                p -> String.valueOf(p.get("request")).contains("/device/challenges?wait="),
                Duration.ofSeconds(2));
    }

    private static String heardFromWorker(WebDriver phone) {
        return String.valueOf(
                ((JavascriptExecutor) phone)
                        .executeScript("return JSON.stringify(window.fromWorker)"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The notifications the approver's service worker shows now. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> notifications(WebDriver phone) {
        return (List<Map<String, Object>>)
                script(
                        phone,
                        "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns =>"
                                + " ns.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url})))");
    }

    /** The push address the server holds for the user's device, as its credential data says. */
    private String pushAddressOnServer(PushScenario user) {
        List<Map<String, Object>> devices =
                admin.listCredentials(PushScenario.REALM, user.userId).stream()
                        .filter(c -> "approval-guard-device".equals(c.get("type")))
                        .toList();
        assertEquals(1, devices.size(), "one device: " + devices);
        String data = String.valueOf(devices.get(0).get("credentialData"));
        Map<String, Object> parsed = Json.readMapOrEmpty(data);
        assertNotEquals(Map.of(), parsed, "credential data: " + data);
        return String.valueOf(parsed.get("push"));
    }

    /** Runs {@code promise} (a JS expression) in the page and returns what it resolves to. */
    private static Object script(WebDriver browser, String promise) {
        return ((JavascriptExecutor) browser)
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1]; ("
                                + promise
                                + ").then(done, e => done('failed: ' + e));");
    }
}
