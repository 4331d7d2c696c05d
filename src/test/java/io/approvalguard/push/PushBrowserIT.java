package io.approvalguard.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Chromium;
import io.approvalguard.testkit.Chromium.Viewport;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.Ports;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
import org.openqa.selenium.support.ui.ExpectedCondition;

/**
 * The push sign-in in real browsers: a "laptop" (desktop Chromium) signs in and a "phone" (a
 * second, mobile-sized Chromium with its own profile, hence its own IndexedDB) is the web approver.
 * The pages' own scripts move the sign-in on; the tests never press "Continue".
 */
@ExtendWith(KeycloakServer.class)
class PushBrowserIT {

    static final String REALM = "ag-test";
    static final String CLIENT_ID = "ag-test-client";
    static final String CLIENT_NAME = "Approval Guard test client";
    static final int CALLBACK_PORT = 8089;
    static final String CALLBACK = "http://127.0.0.1:" + CALLBACK_PORT + "/callback";
    static final String PASSWORD = "correct horse battery staple";
    static final String DEVICE_TYPE = "approval-guard-device";

    static final Duration PAGE_TIMEOUT = Browsers.PAGE_TIMEOUT;

    /**
     * The wait page's held status request answers when the decision exists (else after 25 s, and
     * the page asks again): moving on within this, generous for a loaded machine, is moving on
     * woken.
     */
    static final Duration MOVES_ON_BY_ITSELF = Duration.ofSeconds(15);

    /**
     * Keycloak's own account console: named by a message key, a public client that must use PKCE.
     */
    static final String ACCOUNT_CONSOLE = "account-console";

    static final Map<String, String> PKCE =
            Map.of(
                    "code_challenge",
                    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                    "code_challenge_method",
                    "S256");

    /** A finished request is one line: the dismiss button's 40 px, padding and borders. */
    static final int ONE_LINE_CARD_HEIGHT = 64;

    static final HttpClient HTTP = HttpClient.newHttpClient();

    final AdminClient admin = AdminClient.forTestServer();
    Browsers browsers;

    @BeforeEach
    void requireChromium(TestInfo info) {
        assumeTrue(Chromium.isAvailable(), "Chromium or chromedriver is not installed");
        // Nothing may listen at the client's callback: a real browser follows the redirect there,
        // code and all.
        Ports.requireFree(
                CALLBACK_PORT, "the test client's redirect URI", "a server left running on it");
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

    // ================================================================ tests

    @Test
    void waitPageAdvancesByItselfWhenTheDeviceApproves() {
        String username = newUser("wait");
        DeviceClient device = enrolDeviceOverHttp(username);
        WebDriver laptop = openBrowser(Viewport.DESKTOP);

        String code = signInUntilWaitPage(laptop, username);

        assertTrue(code.matches("[0-9]{2}"), "two-digit code expected, got '" + code + "'");
        assertEquals(CLIENT_NAME, laptop.findElement(By.id("ag-client")).getText());
        assertEquals(
                "pending", laptop.findElement(By.id("ag-wait-form")).getDomAttribute("data-state"));
        screenshot(laptop, "wait-page");

        Map<String, Object> challenge = device.awaitChallenge(Duration.ofSeconds(10));
        DeviceClient.Response answer = device.answer(challenge, "approve", code);
        assertEquals(200, answer.status(), "device answer: " + answer);

        // nobody touches the laptop from here on: wait.js sees "approved" and submits the form
        assertReachesCallbackWithCode(laptop, MOVES_ON_BY_ITSELF);
    }

    @Test
    void enrolmentAndApprovalThroughTheWebApprover() {
        String username = newUser("web");
        String userId = admin.findUserId(REALM, username);
        WebDriver phone = enrolPhoneAsWebApprover(username, "Test phone");

        List<Map<String, Object>> devices = credentialsOfType(userId, DEVICE_TYPE);
        assertEquals(1, devices.size(), "device credentials: " + devices);
        assertEquals("Test phone", devices.get(0).get("userLabel"));

        // a second sign-in, from a laptop without the first one's session cookies
        WebDriver laptop = openBrowser(Viewport.DESKTOP);
        String code = signInUntilWaitPage(laptop, username);

        WebElement card = awaitChallengeCard(phone);
        assertTrue(
                card.getText().contains(CLIENT_NAME),
                "card should name the application: " + card.getText());
        assertTrue(
                card.getText().contains(username),
                "card should name the account: " + card.getText());
        typeCode(phone, card, code);
        scrollIntoView(phone, card, "start");
        screenshot(phone, "approver-card");

        click(phone, card.findElement(By.cssSelector(".approve")));
        String result = awaitChallengeResult(phone, card, "Approved");
        assertTrue(result.startsWith("Approved"), result);
        screenshot(phone, "approver-approved");

        assertReachesCallbackWithCode(laptop, MOVES_ON_BY_ITSELF);
        assertEquals(
                1,
                credentialsOfType(userId, DEVICE_TYPE).size(),
                "still exactly one approver device");
    }

    @Test
    void denyInTheWebApproverEndsTheSignInWithAMessage() {
        String username = newUser("deny");
        WebDriver phone = enrolPhoneAsWebApprover(username, "Deny phone");
        WebDriver laptop = openBrowser(Viewport.DESKTOP);
        signInUntilWaitPage(laptop, username);

        WebElement card = awaitChallengeCard(phone);
        click(phone, card.findElement(By.cssSelector(".deny")));
        assertTrue(awaitChallengeResult(phone, card, "Denied").startsWith("Denied"));
        screenshot(phone, "approver-denied");

        awaitUntil(
                laptop,
                "the wait page to show the denied state",
                MOVES_ON_BY_ITSELF,
                d -> !d.findElements(By.cssSelector("#ag-message[data-state='denied']")).isEmpty());
        screenshot(laptop, "wait-page-denied");
        String message = keycloakMessage(laptop);
        assertNotNull(
                message, "Keycloak should show an error message on " + laptop.getCurrentUrl());
        assertTrue(message.toLowerCase().contains("denied"), "message: " + message);
        assertTrue(
                laptop.findElements(By.id("ag-code")).isEmpty(),
                "the denied page must not show a code");

        // the page must stay where it is: no later submit may turn the denial into a login
        sleep(Duration.ofSeconds(3));
        String url = laptop.getCurrentUrl();
        assertTrue(url.startsWith(KeycloakServer.realmUrl(REALM)), "left Keycloak: " + url);
        assertFalse(
                url.contains("code="), "an authorization code was issued after a denial: " + url);
        assertFalse(
                laptop.findElements(By.cssSelector("#ag-message[data-state='denied']")).isEmpty(),
                "the denied page should still be shown, now at " + url);
    }

    @Test
    void theWebApproverShowsAndSignsTheTransaction() {
        String username = newUser("pay");
        WebDriver phone = enrolPhoneAsWebApprover(username, "Payment phone");
        String details =
                "[{\"type\":\"payment_initiation\",\"instructedAmount\":{\"currency\":\"EUR\",\"amount\":\"123.50\"},"
                        + "\"creditorName\":\"Merchant A\",\"creditorAccount\":{\"iban\":\"DE02100100109307118603\"},\"fee\":0.25}]";
        BrowserFlow shop =
                BrowserFlow.forTestServer()
                        .startWithParameters(
                                REALM,
                                CLIENT_ID,
                                CALLBACK,
                                Map.of(
                                        "authorization_details",
                                        details,
                                        "binding_message",
                                        "Order 4711"))
                        .submitPassword(username, PASSWORD);
        String code = shop.code();

        WebElement card = awaitChallengeCard(phone);
        // What is paid, to whom, is part of the decision: on the first screen, with the warning
        // that it is unsigned.
        WebElement summary =
                card.findElement(
                        By.cssSelector(".tx-summary .tx-item[data-type='payment_initiation']"));
        assertTrue(
                summary.getText().contains("123.50 EUR")
                        && summary.getText().contains("Merchant A")
                        && summary.getText().contains("DE02"),
                summary.getText());
        assertOnFirstScreen(phone, summary, "the payment's summary");
        WebElement message = card.findElement(By.cssSelector(".ctx-binding-message"));
        // From the browser's address anyone could have written it: its digit runs are masked, as on
        // the sign-in page.
        assertTrue(
                message.getText().contains("Order \u2026") && !message.getText().contains("4711"),
                message.getText());
        assertOnFirstScreen(phone, message, "the binding message");
        assertFalse(
                card.findElements(By.cssSelector(".ctx-unsigned-warning")).isEmpty(),
                "query parameters are unsigned");
        assertOnFirstScreen(
                phone,
                card.findElement(By.cssSelector(".ctx-unsigned-warning")),
                "the unsigned warning");
        assertOnFirstScreen(
                phone, card.findElement(By.cssSelector(".challenge-code")), "the code field");
        assertOnFirstScreen(phone, card.findElement(By.cssSelector(".approve")), "Approve");
        screenshot(phone, "approver-payment");

        // Every member, the fee too, one tap away.
        openDetails(phone, card);
        WebElement payment =
                card.findElement(
                        By.cssSelector(
                                ".ctx-authorization-details .ctx-detail[data-type='payment_initiation']"));
        assertTrue(
                payment.getText().contains("123.50")
                        && payment.getText().contains("Merchant A")
                        && payment.getText().contains("0.25"),
                payment.getText());
        screenshot(phone, "approver-payment-details");

        // Approving proves the page's own RFC 8785 hash (a decimal included) equals the server's.
        typeCode(phone, card, code);
        click(phone, card.findElement(By.cssSelector(".approve")));
        assertTrue(awaitChallengeResult(phone, card, "Approved").startsWith("Approved"));
        assertTrue(shop.pressWait("continue").isLoggedIn(), shop.describePage());
    }

    @Test
    void theDecisionIsOnThePhonesFirstScreen() {
        assertTheDecisionComesFirst(Viewport.MOBILE);
    }

    @Test
    void theDecisionIsOnTheLaptopsFirstScreen() {
        assertTheDecisionComesFirst(Viewport.DESKTOP);
    }

    /**
     * A sign-in to Keycloak's account console, as a new user makes it: the question names the
     * application by its name, the account and the place; the code field and Approve are on the
     * first screen, everything else one tap away; once approved, the request is one line.
     */
    private void assertTheDecisionComesFirst(Viewport viewport) {
        String username = newUser("first");
        WebDriver approver = enrolPhoneAsWebApprover(username, "First screen approver", viewport);
        if (viewport == Viewport.DESKTOP) {
            // The window is 1280 x 900; headless Chromium's page area is smaller. Check the page at
            // 1280 x 900.
            ((HasCdp) approver)
                    .executeCdpCommand(
                            "Emulation.setDeviceMetricsOverride",
                            Map.of(
                                    "width",
                                    1280,
                                    "height",
                                    900,
                                    "deviceScaleFactor",
                                    1,
                                    "mobile",
                                    false));
        }
        BrowserFlow laptop =
                BrowserFlow.forTestServer()
                        .startWithParameters(
                                REALM,
                                ACCOUNT_CONSOLE,
                                KeycloakServer.realmUrl(REALM) + "/account/",
                                PKCE)
                        .submitPassword(username, PASSWORD);
        String code = laptop.code();

        WebElement card = awaitChallengeCard(approver);
        String size = viewportSize(approver);
        WebElement question = card.findElement(By.cssSelector(".challenge-question"));
        assertEquals(
                "Are you signing in to Account Console as " + username + "?", question.getText());
        assertEquals("Account Console", question.findElement(By.cssSelector(".q-app")).getText());
        assertEquals(username, question.findElement(By.cssSelector(".q-user")).getText());
        WebElement place = card.findElement(By.cssSelector(".where-place"));
        assertEquals("Location unknown", place.getText(), "127.0.0.1 is in no location database");
        WebElement ip = card.findElement(By.cssSelector(".where-ip"));
        assertEquals("IP 127.0.0.1", ip.getText());
        WebElement timer = card.findElement(By.cssSelector(".challenge-timer"));
        assertTrue(timer.getText().matches("[0-9]+:[0-5][0-9] left"), timer.getText());
        String firstTime = timer.getText();
        awaitUntil(
                approver,
                "the countdown to move",
                PAGE_TIMEOUT,
                d -> !timer.getText().equals(firstTime));
        Map<String, WebElement> firstScreen = new LinkedHashMap<>();
        firstScreen.put("the question", question);
        firstScreen.put("the place", place);
        firstScreen.put("the IP address", ip);
        firstScreen.put("the time left", timer);
        firstScreen.put("the code field", card.findElement(By.cssSelector(".challenge-code")));
        firstScreen.put("Approve", card.findElement(By.cssSelector(".approve")));
        firstScreen.put("Deny", card.findElement(By.cssSelector(".deny")));
        firstScreen.put("This wasn't me", card.findElement(By.cssSelector(".fraud")));
        firstScreen.put(
                "Details", card.findElement(By.cssSelector(".challenge-details > summary")));
        firstScreen.forEach((what, element) -> assertOnFirstScreen(approver, element, what));
        String shown = approver.findElement(By.tagName("body")).getText();
        for (String jargon :
                List.of("Realm", "Permissions", "openid", "System", "${", "account-console")) {
            assertFalse(shown.contains(jargon), "'" + jargon + "' on the first screen:\n" + shown);
        }
        screenshot(approver, "first-screen-" + size);

        // Everything else is one tap away.
        openDetails(approver, card);
        String details = card.findElement(By.cssSelector(".challenge-details")).getText();
        for (String fact :
                List.of(
                        "Application ID",
                        ACCOUNT_CONSOLE,
                        "Realm",
                        REALM,
                        "sign you in",
                        "openid",
                        "Browser",
                        "Operating system",
                        "Signed hash")) {
            assertTrue(details.contains(fact), "details should show '" + fact + "':\n" + details);
        }
        assertTrue(
                card.findElement(By.cssSelector(".ctx-hash"))
                        .getText()
                        .matches("[A-Za-z0-9_-]{43}"),
                card.findElement(By.cssSelector(".ctx-hash")).getText());
        screenshot(approver, "details-" + size);

        typeCode(approver, card, code);
        click(approver, card.findElement(By.cssSelector(".approve")));
        assertTrue(awaitChallengeResult(approver, card, "Approved").startsWith("Approved"));
        assertCollapsedToOneLine(card, "Approved", "Account Console");
        scrollIntoView(approver, card, "start");
        screenshot(approver, "finished-" + size);
    }

    @Test
    void theWarningsAndThePlaceAreOnThePhonesFirstScreen() {
        String username = newUser("warn");
        WebDriver phone = enrolPhoneAsWebApprover(username, "Travelling phone");
        // The phone asks from Sweden (the server tells it its own country), the sign-in comes from
        // London.
        ((HasCdp) phone).executeCdpCommand("Network.enable", Map.of());
        ((HasCdp) phone)
                .executeCdpCommand(
                        "Network.setExtraHTTPHeaders",
                        Map.of("headers", Map.of("X-Forwarded-For", "89.160.20.120")));
        phone.navigate().refresh(); // the request already held by the server was sent without it
        awaitBodyState(phone, "ready");
        BrowserFlow.forTestServer()
                .withHeader("X-Forwarded-For", "81.2.69.160")
                .startWithParameters(
                        REALM, CLIENT_ID, CALLBACK, Map.of("binding_message", "Pay P\u0430ypal"))
                .submitPassword(username, PASSWORD);

        WebElement card = awaitChallengeCard(phone);
        WebElement place = card.findElement(By.cssSelector(".where-place"));
        assertEquals("London, United Kingdom", place.getText());
        awaitUntil(
                phone,
                "the country warning",
                PAGE_TIMEOUT,
                d ->
                        !card.findElements(
                                        By.cssSelector(
                                                ".ctx-warning[data-kind='country-mismatch']"))
                                .isEmpty());
        assertOnFirstScreen(phone, place, "the place");
        for (String warning :
                List.of(
                        ".ctx-warning[data-kind='country-mismatch']",
                        ".ctx-warning[data-kind='mixed-scripts']",
                        ".ctx-unsigned-warning",
                        ".ctx-binding-message")) {
            assertOnFirstScreen(phone, card.findElement(By.cssSelector(warning)), warning);
        }
        assertTrue(
                card.findElement(By.cssSelector(".ctx-warning[data-kind='country-mismatch']"))
                        .getText()
                        .contains("comes from GB, but this device is in SE"));
        screenshot(phone, "warnings");
    }

    @Test
    void thisWasntMeAsksFirstAndThenTellsTheUserWhatToDo() {
        String username = newUser("fraud");
        WebDriver phone = enrolPhoneAsWebApprover(username, "Fraud phone");
        BrowserFlow.forTestServer()
                .start(REALM, CLIENT_ID, CALLBACK)
                .submitPassword(username, PASSWORD);
        WebElement replaced = awaitChallengeCard(phone);

        // A newer sign-in replaces the request: the old card shrinks to a "Cancelled" line.
        BrowserFlow laptop =
                BrowserFlow.forTestServer()
                        .start(REALM, CLIENT_ID, CALLBACK)
                        .submitPassword(username, PASSWORD);
        awaitUntil(
                phone,
                "the replaced request to end as cancelled",
                PAGE_TIMEOUT,
                d -> "cancelled".equals(replaced.getDomAttribute("data-status")));
        assertCollapsedToOneLine(replaced, "Cancelled", CLIENT_NAME);
        WebElement card = awaitPendingCard(phone);

        click(phone, card.findElement(By.cssSelector(".fraud")));
        WebElement confirm = card.findElement(By.cssSelector(".fraud-confirm"));
        assertTrue(confirm.isDisplayed(), "a tap on \"This wasn't me\" asks for confirmation");
        assertFalse(card.findElement(By.cssSelector(".fraud")).isDisplayed());
        scrollToTop(phone);
        assertOnFirstScreen(
                phone, card.findElement(By.cssSelector(".fraud-confirm-yes")), "the confirmation");
        screenshot(phone, "fraud-confirm");
        assertEquals("pending", laptop.pollStatus(), "nothing is reported before the confirmation");

        click(phone, card.findElement(By.cssSelector(".fraud-confirm-no")));
        assertFalse(confirm.isDisplayed());
        assertTrue(card.findElement(By.cssSelector(".fraud")).isDisplayed());
        assertEquals("pending", laptop.pollStatus(), "going back reports nothing");

        click(phone, card.findElement(By.cssSelector(".fraud")));
        click(phone, card.findElement(By.cssSelector(".fraud-confirm-yes")));
        assertTrue(awaitChallengeResult(phone, card, "Reported").startsWith("Reported"));
        assertEquals("fraud", laptop.pollStatus());
        WebElement advice = card.findElement(By.cssSelector(".fraud-advice"));
        assertTrue(advice.isDisplayed());
        assertTrue(advice.getText().contains("Change your password now"), advice.getText());
        assertTrue(
                advice.getText().contains("The sign-in was stopped and reported"),
                advice.getText());
        assertEquals(
                KeycloakServer.realmUrl(REALM) + "/account/account-security/signing-in",
                advice.findElement(By.cssSelector("a.fraud-advice-link")).getDomProperty("href"));
        scrollIntoView(phone, card, "start");
        screenshot(phone, "fraud-reported");
    }

    @Test
    void theManifestAndIconsAreServedWithTheirTypesUnderThePagesOwnPolicy() throws Exception {
        String app = KeycloakServer.realmUrl(REALM) + "/approval-guard/app/";
        HttpResponse<byte[]> index = fetch(app);
        assertEquals(200, index.statusCode());
        String html = new String(index.body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("<link rel=\"manifest\" href=\"manifest.webmanifest\">"), html);
        assertTrue(
                html.contains("<link rel=\"icon\" href=\"icon.svg\" type=\"image/svg+xml\">"),
                html);

        HttpResponse<byte[]> manifestResponse = fetch(app + "manifest.webmanifest");
        assertServed(manifestResponse, "application/manifest+json", index);
        Map<String, Object> manifest =
                Json.readMap(new String(manifestResponse.body(), StandardCharsets.UTF_8));
        assertFalse(String.valueOf(manifest.get("name")).isBlank(), manifest.toString());
        assertFalse(String.valueOf(manifest.get("short_name")).isBlank(), manifest.toString());
        assertEquals("./", manifest.get("start_url"));
        assertEquals("standalone", manifest.get("display"));
        assertTrue(
                String.valueOf(manifest.get("theme_color")).matches("#[0-9a-f]{6}"),
                manifest.toString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> icons = (List<Map<String, Object>>) manifest.get("icons");
        List<String> sizes = new ArrayList<>();
        for (Map<String, Object> icon : icons) {
            String type = (String) icon.get("type");
            HttpResponse<byte[]> image = fetch(app + icon.get("src"));
            assertServed(image, type, index);
            if (type.equals("image/png")) {
                // The IHDR chunk: width and height, big-endian, at bytes 16 and 20.
                ByteBuffer png = ByteBuffer.wrap(image.body());
                assertEquals(0x89504E47, png.getInt(0), "a PNG: " + icon);
                assertEquals(
                        icon.get("sizes"),
                        png.getInt(16) + "x" + png.getInt(20),
                        "declared size of " + icon);
            } else {
                assertTrue(
                        new String(image.body(), StandardCharsets.UTF_8).startsWith("<svg"),
                        "an SVG: " + icon);
            }
            sizes.add(type + " " + icon.get("sizes"));
        }
        assertTrue(
                sizes.containsAll(
                        List.of("image/svg+xml any", "image/png 192x192", "image/png 512x512")),
                sizes.toString());

        // The browser finds the manifest and shows the icon under the page's own policy.
        WebDriver phone = openBrowser(Viewport.MOBILE);
        phone.get(app);
        awaitBodyState(phone, "no-device");
        Map<String, Object> found =
                ((HasCdp) phone).executeCdpCommand("Page.getAppManifest", Map.of());
        assertEquals(app + "manifest.webmanifest", found.get("url"), found.toString());
        assertEquals(List.of(), found.get("errors"), found.toString());
        assertTrue(String.valueOf(found.get("data")).contains("\"standalone\""), found.toString());
        Object iconWidth =
                ((JavascriptExecutor) phone)
                        .executeScript(
                                "var img = document.querySelector('.topbar-icon'); return img.complete ? img.naturalWidth : 0;");
        assertTrue(((Number) iconWidth).intValue() > 0, "the icon did not load");
    }

    // ================================================================ set-up steps

    /** A new user with a password and no approver device. */
    private String newUser(String prefix) {
        String username = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createUser(REALM, username, PASSWORD);
        return username;
    }

    /** Enrols a reference device through the enrolment page, without a real browser. */
    private DeviceClient enrolDeviceOverHttp(String username) {
        BrowserFlow flow =
                BrowserFlow.forTestServer()
                        .start(REALM, CLIENT_ID, CALLBACK)
                        .submitPassword(username, PASSWORD);
        DeviceClient device = DeviceClient.create(REALM);
        DeviceClient.Response enrolled = device.enrol(flow.enrolmentToken(), "Reference device");
        assertEquals(201, enrolled.status(), "enrolment: " + enrolled);
        assertTrue(
                flow.pressEnrol().isLoggedIn(),
                "the enrolling login should finish: " + flow.describePage());
        return device;
    }

    /**
     * Signs in on a laptop, opens the enrolment link on a phone and enrols the phone's browser as a
     * web approver; checks that the laptop's enrolment page then moves on and the sign-in finishes.
     * Returns the phone, ready and polling for requests.
     */
    private WebDriver enrolPhoneAsWebApprover(String username, String deviceName) {
        return enrolPhoneAsWebApprover(username, deviceName, Viewport.MOBILE);
    }

    /**
     * Like {@link #enrolPhoneAsWebApprover(String, String)}, with an approver browser of this size.
     */
    private WebDriver enrolPhoneAsWebApprover(
            String username, String deviceName, Viewport approverViewport) {
        WebDriver laptop = openBrowser(Viewport.DESKTOP);
        signIn(laptop, username);
        awaitUntil(
                laptop,
                "the enrolment page",
                PAGE_TIMEOUT,
                d -> !d.findElements(By.id("ag-enrol-form")).isEmpty());
        assertTrue(
                laptop.findElement(By.id("ag-enrol-qr")).isDisplayed(),
                "QR code should be visible");
        assertQrImageLoaded(laptop);
        String link = laptop.findElement(By.id("ag-enrol-link")).getDomAttribute("href");
        assertTrue(
                link.startsWith(KeycloakServer.realmUrl(REALM) + "/approval-guard/app/#enrol="),
                link);
        screenshot(laptop, "enrolment-page");

        WebDriver phone = openBrowser(approverViewport);
        phone.get(link);
        awaitBodyState(phone, "enrolling");
        assertFalse(
                phone.getCurrentUrl().contains("enrol="),
                "the token should leave the address bar: " + phone.getCurrentUrl());
        WebElement name = phone.findElement(By.id("device-name"));
        name.clear();
        name.sendKeys(deviceName);
        screenshot(phone, "approver-enrol-form");
        click(phone, phone.findElement(By.id("enrol-button")));

        awaitUntil(
                phone,
                "the approver to confirm the enrolment",
                PAGE_TIMEOUT,
                d -> d.findElement(By.id("enrol-status")).getText().contains("now an approver"));
        awaitBodyState(phone, "ready");
        assertTrue(
                phone.findElement(By.id("enrol-status")).getText().contains(username),
                phone.findElement(By.id("enrol-status")).getText());
        assertEquals(
                deviceName, phone.findElement(By.cssSelector("#devices .device-name")).getText());
        screenshot(phone, "approver-enrolled");

        // enrolment finishes the laptop's sign-in by itself (the new device counts as this login's
        // push)
        assertReachesCallbackWithCode(laptop, MOVES_ON_BY_ITSELF);
        return phone;
    }

    // ================================================================ laptop: the sign-in pages

    private WebDriver openBrowser(Viewport viewport) {
        return browsers.open(viewport);
    }

    private static String authorizationUrl() {
        return KeycloakServer.realmUrl(REALM)
                + "/protocol/openid-connect/auth"
                + "?client_id="
                + encode(CLIENT_ID)
                + "&redirect_uri="
                + encode(CALLBACK)
                + "&response_type=code&scope=openid"
                + "&state="
                + UUID.randomUUID();
    }

    /** Opens the authorization endpoint and submits username and password. */
    private void signIn(WebDriver laptop, String username) {
        laptop.get(authorizationUrl());
        awaitUntil(
                laptop,
                "the login form",
                PAGE_TIMEOUT,
                d -> !d.findElements(By.id("username")).isEmpty());
        laptop.findElement(By.id("username")).sendKeys(username);
        laptop.findElement(By.id("password")).sendKeys(PASSWORD);
        click(laptop, laptop.findElement(By.id("kc-login")));
    }

    /** Signs in and returns the code the wait page shows. */
    private String signInUntilWaitPage(WebDriver laptop, String username) {
        signIn(laptop, username);
        awaitUntil(
                laptop,
                "the wait page with a code",
                PAGE_TIMEOUT,
                d -> !d.findElements(By.id("ag-code")).isEmpty());
        return laptop.findElement(By.id("ag-code")).getText().trim();
    }

    /**
     * The browser arrives at the client's redirect_uri with an authorization code, without help.
     */
    private void assertReachesCallbackWithCode(WebDriver laptop, Duration within) {
        awaitUntil(
                laptop,
                "the client's callback",
                within,
                d -> d.getCurrentUrl().startsWith(CALLBACK));
        String url = laptop.getCurrentUrl();
        assertTrue(url.contains("code="), "callback without a code: " + url);
        assertFalse(url.contains("error="), "callback with an error: " + url);
    }

    /** Keycloak's alert on the current page (keycloak.v2 theme and older ones), or null. */
    private static String keycloakMessage(WebDriver browser) {
        for (WebElement element :
                browser.findElements(
                        By.cssSelector(
                                ".pf-v5-c-alert__title, .kc-feedback-text, .alert-error, #kc-error-message, [id^=input-error]"))) {
            String text = element.getText().trim();
            if (!text.isEmpty()) {
                return text;
            }
        }
        return null;
    }

    private void assertQrImageLoaded(WebDriver laptop) {
        Object width =
                ((JavascriptExecutor) laptop)
                        .executeScript(
                                "var img = document.getElementById('ag-enrol-qr'); return img.complete ? img.naturalWidth : 0;");
        assertTrue(((Number) width).intValue() > 0, "the QR code image did not load");
    }

    // ================================================================ phone: the web approver

    private void awaitBodyState(WebDriver phone, String state) {
        browsers.awaitBodyState(phone, state);
    }

    private WebElement awaitChallengeCard(WebDriver phone) {
        awaitUntil(
                phone,
                "a request card in the approver",
                PAGE_TIMEOUT,
                d ->
                        !d.findElements(By.cssSelector(".challenge[data-status='pending']"))
                                .isEmpty());
        List<WebElement> cards = phone.findElements(By.cssSelector(".challenge"));
        assertEquals(1, cards.size(), "exactly one request expected");
        return cards.get(0);
    }

    /** The one request that asks for an answer, beside any finished ones. */
    private WebElement awaitPendingCard(WebDriver phone) {
        return browsers.awaitPendingCard(phone);
    }

    /** One tap on "Details" shows every member. */
    private void openDetails(WebDriver phone, WebElement card) {
        WebElement details = card.findElement(By.cssSelector(".challenge-details"));
        assertEquals(null, details.getDomAttribute("open"), "details start closed");
        click(phone, details.findElement(By.tagName("summary")));
        awaitUntil(
                phone,
                "the details to open",
                PAGE_TIMEOUT,
                d ->
                        details.getDomAttribute("open") != null
                                && details.findElement(By.cssSelector(".ctx-who")).isDisplayed());
    }

    /**
     * A finished request: one line naming the outcome and the application, nothing left to answer.
     */
    private static void assertCollapsedToOneLine(
            WebElement card, String outcome, String application) {
        WebElement line = card.findElement(By.cssSelector(".challenge-line"));
        assertTrue(
                line.getText().startsWith(outcome) && line.getText().contains(application),
                line.getText());
        assertTrue(
                card.getSize().getHeight() <= ONE_LINE_CARD_HEIGHT,
                "a finished request is one line, this one is "
                        + card.getSize().getHeight()
                        + " px: "
                        + card.getText());
        assertFalse(
                card.findElement(By.cssSelector(".challenge-body")).isDisplayed(),
                "nothing left to answer");
    }

    /**
     * The element is inside the viewport, which has not been scrolled: it is seen without scrolling
     * (its bounding box, not just any pixel of it).
     */
    private static void assertOnFirstScreen(WebDriver browser, WebElement element, String what) {
        @SuppressWarnings("unchecked")
        Map<String, Number> box =
                (Map<String, Number>)
                        ((JavascriptExecutor) browser)
                                .executeScript(
                                        "var r = arguments[0].getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left,"
                                                + " right: r.right, height: r.height, width: window.innerWidth, innerHeight: window.innerHeight,"
                                                + " scrollY: window.scrollY};",
                                        element);
        String where = what + " at " + box;
        assertEquals(0, box.get("scrollY").intValue(), "the page was scrolled: " + where);
        assertTrue(box.get("height").doubleValue() > 0, "not shown: " + where);
        assertTrue(
                box.get("top").doubleValue() >= 0 && box.get("left").doubleValue() >= 0,
                "outside the first screen: " + where);
        assertTrue(
                box.get("bottom").doubleValue() <= box.get("innerHeight").doubleValue()
                        && box.get("right").doubleValue() <= box.get("width").doubleValue(),
                "below or beside the first screen: " + where);
    }

    private static void scrollToTop(WebDriver browser) {
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0);");
    }

    private static String viewportSize(WebDriver browser) {
        return String.valueOf(
                ((JavascriptExecutor) browser)
                        .executeScript("return window.innerWidth + 'x' + window.innerHeight;"));
    }

    private void typeCode(WebDriver phone, WebElement card, String code) {
        browsers.typeCode(phone, card, code);
    }

    private String awaitChallengeResult(WebDriver phone, WebElement card, String prefix) {
        WebElement result = card.findElement(By.cssSelector(".challenge-result"));
        awaitUntil(
                phone,
                "the card to show '" + prefix + "'",
                PAGE_TIMEOUT,
                d -> result.isDisplayed() && result.getText().startsWith(prefix));
        return result.getText();
    }

    // ================================================================ plumbing

    private static HttpResponse<byte[]> fetch(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(PAGE_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Served with this media type and exactly the page's own security headers (its policy is not
     * loosened).
     */
    private static void assertServed(
            HttpResponse<byte[]> response, String mediaType, HttpResponse<byte[]> page) {
        assertEquals(200, response.statusCode(), response.uri().toString());
        String type = response.headers().firstValue("Content-Type").orElse("");
        assertEquals(mediaType, type.split(";")[0].trim(), response.uri() + ": " + type);
        for (String header :
                List.of(
                        "Content-Security-Policy",
                        "X-Content-Type-Options",
                        "X-Frame-Options",
                        "Referrer-Policy")) {
            assertTrue(page.headers().firstValue(header).isPresent(), "the page sends " + header);
            assertEquals(
                    page.headers().allValues(header),
                    response.headers().allValues(header),
                    response.uri() + ": " + header);
        }
    }

    private List<Map<String, Object>> credentialsOfType(String userId, String type) {
        return admin.listCredentials(REALM, userId).stream()
                .filter(c -> type.equals(c.get("type")))
                .toList();
    }

    /**
     * Clicks like a user would: scrolled into view first, which matters on the phone's small
     * screen.
     */
    private static void click(WebDriver browser, WebElement element) {
        Browsers.click(browser, element);
    }

    private static void scrollIntoView(WebDriver browser, WebElement element, String block) {
        Browsers.scrollIntoView(browser, element, block);
    }

    private void awaitUntil(
            WebDriver browser,
            String what,
            Duration timeout,
            ExpectedCondition<Boolean> condition) {
        browsers.awaitUntil(browser, what, timeout, condition);
    }

    private void screenshot(WebDriver browser, String name) {
        browsers.screenshot(browser, name);
    }

    private static String abbreviate(String text) {
        return Browsers.abbreviate(text);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
