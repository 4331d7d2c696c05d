package io.approvalguard.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Chromium;
import io.approvalguard.testkit.Chromium.Viewport;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KeycloakServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The README's walkthrough, step by step, as a new user does it, against the demo realm exactly as
 * shipped (the test server imports {@code src/demo/demo-realm.json}): enrol alice's second "tab" (a
 * phone-sized browser) as the web approver, the Account Console and its "Signing in" page, approve,
 * deny and the retry with its message, "this wasn't me", the one-command reset, and a CIBA request.
 * The sign-in pages are checked at desktop and phone width.
 */
@ExtendWith(KeycloakServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadmeWalkthroughIT {

    private static final String REALM = "demo";
    private static final String ACCOUNT = KeycloakServer.realmUrl(REALM) + "/account";
    private static final String DESK = KeycloakServer.realmUrl(REALM) + "/approval-guard/desk/";
    private static final Duration MOVES_ON = Duration.ofSeconds(20);
    private static final Duration BACK_OFF_AND_RETRY = Duration.ofSeconds(45);

    private Browsers browsers;

    @BeforeEach
    void requireChromium(TestInfo info) {
        assumeTrue(Chromium.isAvailable(), "Chromium or chromedriver is not installed");
        browsers = new Browsers(getClass().getSimpleName());
    }

    @AfterEach
    void quitBrowsers() {
        if (browsers != null) {
            browsers.quitAll();
        }
    }

    @Test
    @Order(1)
    void theWalkthroughWorksStepByStep() throws Exception {
        WebDriver laptop = browsers.open(Viewport.DESKTOP);
        WebDriver phone = browsers.open(Viewport.MOBILE);

        // 1. Enrol: the Account Console's sign-in asks alice to set up a device; the second "tab"
        // does.
        signIn(laptop);
        browsers.awaitUntil(
                laptop,
                "the enrolment page",
                Browsers.PAGE_TIMEOUT,
                d -> !d.findElements(By.id("ag-enrol-form")).isEmpty());
        assertTrue(
                laptop.findElement(By.id("ag-enrol-account")).getText().contains("alice"),
                "the page names the account");
        browsers.screenshot(laptop, "1-enrol-desktop");
        phone.get(laptop.findElement(By.id("ag-enrol-link")).getDomAttribute("href"));
        browsers.awaitBodyState(phone, "enrolling");
        Browsers.click(phone, phone.findElement(By.id("enrol-button")));
        browsers.awaitBodyState(phone, "ready");
        awaitAccountConsole(laptop);
        browsers.screenshot(laptop, "1-account-console");

        // 2. Signing in: the device is listed, and no raw message key shows.
        laptop.get(ACCOUNT + "/account-security/signing-in");
        browsers.awaitUntil(
                laptop,
                "the device on the Signing in page",
                Browsers.PAGE_TIMEOUT,
                d -> d.findElement(By.tagName("body")).getText().contains("Approver device"));
        String signingIn = laptop.findElement(By.tagName("body")).getText();
        assertFalse(
                signingIn.contains("display-name") || signingIn.contains("approvalGuard"),
                signingIn);
        browsers.screenshot(laptop, "2-signing-in");

        // 3. Approve, signing in on a phone-sized screen this time.
        signOut(laptop);
        WebDriver smallScreen = browsers.open(Viewport.MOBILE);
        String code = signInToWaitPage(smallScreen);
        assertEquals(6, code.length(), "a six-digit code, as the README says");
        Object overflow =
                ((org.openqa.selenium.JavascriptExecutor) smallScreen)
                        .executeScript(
                                "return document.documentElement.scrollWidth - window.innerWidth;");
        assertTrue(
                ((Number) overflow).intValue() <= 0,
                "the wait page is wider than a phone by " + overflow + " px");
        browsers.screenshot(smallScreen, "3-wait-phone");
        approve(phone, code);
        awaitAccountConsole(smallScreen);

        // 4. Deny, then sign in again at once: the page names the back-off, counts down and retries
        // by itself.
        signOut(laptop);
        signInToWaitPage(laptop);
        WebElement denied = browsers.awaitPendingCard(phone);
        Browsers.click(phone, denied.findElement(By.cssSelector(".deny")));
        awaitMessageState(laptop, "denied");
        signIn(laptop);
        browsers.awaitUntil(
                laptop,
                "the throttled page",
                Browsers.PAGE_TIMEOUT,
                d -> !d.findElements(By.id("ag-retry")).isEmpty());
        String reason = laptop.findElement(By.tagName("body")).getText();
        assertTrue(reason.contains("was denied") && reason.contains("seconds"), reason);
        assertFalse(reason.contains("(s)") || reason.contains("Too many"), reason);
        browsers.screenshot(laptop, "4-back-off");
        browsers.awaitUntil(
                laptop,
                "the new request after the back-off",
                BACK_OFF_AND_RETRY,
                d -> !d.findElements(By.id("ag-code")).isEmpty());
        approve(phone, laptop.findElement(By.id("ag-code")).getText().trim());
        awaitAccountConsole(laptop);

        // 5. "This wasn't me", confirmed on the device: the sign-in stops and the device says what
        // to do next.
        signOut(laptop);
        signInToWaitPage(laptop);
        WebElement reported = browsers.awaitPendingCard(phone);
        Browsers.click(phone, reported.findElement(By.cssSelector(".fraud")));
        Browsers.click(phone, reported.findElement(By.cssSelector(".fraud-confirm-yes")));
        awaitMessageState(laptop, "fraud");
        browsers.awaitUntil(
                phone,
                "the advice after the report",
                Browsers.PAGE_TIMEOUT,
                d -> !d.findElements(By.cssSelector(".fraud-advice")).isEmpty());
        browsers.screenshot(phone, "5-reported");
        signOut(laptop);
        signIn(laptop);
        browsers.awaitUntil(
                laptop,
                "push paused for alice",
                Browsers.PAGE_TIMEOUT,
                d -> d.findElement(By.tagName("body")).getText().contains("paused"));

        // 6. Reset, with the README's one command; then alice signs in as at the start.
        ProcessBuilder command =
                new ProcessBuilder("bash", "src/demo/reset-user.sh", "alice")
                        .redirectErrorStream(true);
        command.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", KeycloakServer.ADMIN_USERNAME);
        command.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", KeycloakServer.ADMIN_PASSWORD);
        command.environment().put("AG_HTTP_PORT", Integer.toString(KeycloakServer.HTTP_PORT));
        Process reset = command.start();
        String resetOutput =
                new String(reset.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(reset.waitFor(60, TimeUnit.SECONDS) && reset.exitValue() == 0, resetOutput);
        signOut(laptop);
        approve(phone, signInToWaitPage(laptop));
        awaitAccountConsole(laptop);

        // CIBA: a call centre asks alice; she approves on the device; the client gets tokens.
        Map<String, Object> started =
                post(
                        "/protocol/openid-connect/ext/ciba/auth",
                        Map.of(
                                "client_id",
                                "demo-ciba",
                                "client_secret",
                                "demo-ciba-secret",
                                "scope",
                                "openid",
                                "login_hint",
                                "alice",
                                "binding_message",
                                "Call-4711"));
        WebElement call = browsers.awaitPendingCard(phone);
        assertTrue(call.getText().contains("Call-4711"), call.getText());
        Browsers.click(phone, call.findElement(By.cssSelector(".approve")));
        Map<String, Object> tokens = Map.of();
        for (int i = 0; i < 10 && !tokens.containsKey("access_token"); i++) {
            Thread.sleep(2100); // the demo realm's CIBA polling interval is 2 s
            tokens =
                    post(
                            "/protocol/openid-connect/token",
                            Map.of(
                                    "grant_type",
                                    "urn:openid:params:grant-type:ciba",
                                    "auth_req_id",
                                    (String) started.get("auth_req_id"),
                                    "client_id",
                                    "demo-ciba",
                                    "client_secret",
                                    "demo-ciba-secret"));
        }
        assertTrue(tokens.containsKey("access_token"), tokens.toString());
    }

    /**
     * Steps 7 to 9, after the tour above (step 6 reset alice): hank, ada and sam set up devices in
     * one web approver; hank files a second-factor reset for alice on the help desk's page; ada and
     * sam each approve it on their device with the code their page shows, and the page moves on by
     * itself to "applied".
     */
    @Test
    @Order(2)
    void theHelpDeskResetsAlicesSecondFactorsWithTwoApprovalsOnTheirDevices() {
        WebDriver laptop = browsers.open(Viewport.DESKTOP);
        WebDriver phone = browsers.open(Viewport.MOBILE);

        // 7. Each of the help desk sets up a device in the same web approver.
        for (String person : List.of("hank", "ada", "sam")) {
            signOut(laptop);
            signInTo(laptop, ACCOUNT, person);
            browsers.awaitUntil(
                    laptop,
                    "the enrolment page for " + person,
                    Browsers.PAGE_TIMEOUT,
                    d -> !d.findElements(By.id("ag-enrol-form")).isEmpty());
            phone.get(laptop.findElement(By.id("ag-enrol-link")).getDomAttribute("href"));
            browsers.awaitUntil(
                    phone,
                    "the set-up button",
                    Browsers.PAGE_TIMEOUT,
                    d -> d.findElement(By.id("enrol-button")).isDisplayed());
            Browsers.click(phone, phone.findElement(By.id("enrol-button")));
            browsers.awaitBodyState(phone, "ready");
            browsers.awaitUntil(
                    laptop,
                    "the Account Console for " + person,
                    Duration.ofSeconds(30),
                    d -> d.getCurrentUrl().startsWith(ACCOUNT));
        }

        // 8. hank files the reset on the help desk's page.
        signOut(laptop);
        signInToDesk(laptop, phone, "hank");
        Browsers.click(laptop, laptop.findElement(By.id("nav-new")));
        browsers.awaitUntil(
                laptop,
                "the filing form with the policy's reasons",
                Browsers.PAGE_TIMEOUT,
                d -> !new Select(d.findElement(By.id("reason"))).getOptions().isEmpty());
        new Select(laptop.findElement(By.id("kind"))).selectByVisibleText("Reset second factors");
        laptop.findElement(By.id("subject")).sendKeys("alice");
        new Select(laptop.findElement(By.id("reason")))
                .selectByVisibleText("Lost or replaced device");
        laptop.findElement(By.id("justification")).sendKeys("Alice called from a new phone");
        Browsers.click(laptop, laptop.findElement(By.id("file-button")));
        awaitRequestState(laptop, "pending");
        browsers.screenshot(laptop, "8-filed");
        String id =
                laptop.getCurrentUrl().substring(laptop.getCurrentUrl().indexOf("#/request/") + 10);

        // 9. ada, then sam, approve it on their device with the code their page shows.
        approveAs(laptop, phone, "ada", id);
        browsers.awaitUntil(
                laptop,
                "one approval of two",
                MOVES_ON,
                d -> d.findElements(By.cssSelector("#approvals li")).size() == 1);
        assertEquals("pending", requestState(laptop));
        approveAs(laptop, phone, "sam", id);
        awaitRequestState(laptop, "applied");
        browsers.screenshot(laptop, "9-applied");

        AdminClient admin = AdminClient.forTestServer();
        String alice = admin.findUserId(REALM, "alice");
        assertEquals(
                0,
                admin.listCredentials(REALM, alice).stream()
                        .filter(c -> "approval-guard-device".equals(c.get("type")))
                        .count(),
                "alice's devices are gone");
        assertTrue(
                ((List<?>) admin.getUser(REALM, alice).get("requiredActions"))
                        .contains("approval-guard-register"),
                "alice sets up a device again at her next sign-in");
    }

    private void approveAs(WebDriver laptop, WebDriver phone, String approver, String id) {
        signOut(laptop);
        signInToDesk(laptop, phone, approver);
        Browsers.click(laptop, laptop.findElement(By.id("filter-awaiting")));
        By link = By.cssSelector("#list a[data-id='" + id + "']");
        browsers.awaitUntil(
                laptop,
                "the request awaiting " + approver,
                Browsers.PAGE_TIMEOUT,
                d -> !d.findElements(link).isEmpty());
        Browsers.click(laptop, laptop.findElement(link));
        browsers.awaitUntil(
                laptop,
                "the approve button",
                Browsers.PAGE_TIMEOUT,
                d -> d.findElement(By.id("approve-button")).isDisplayed());
        Browsers.click(laptop, laptop.findElement(By.id("approve-button")));
        browsers.awaitUntil(
                laptop,
                "the code to type on the device",
                Browsers.PAGE_TIMEOUT,
                d -> !d.findElements(By.id("approval-code")).isEmpty());
        String code = laptop.findElement(By.id("approval-code")).getText().trim();
        WebElement card = browsers.awaitPendingCard(phone);
        assertTrue(
                card.getText().contains("Approve a change for alice: reset their second factors"),
                card.getText());
        browsers.screenshot(phone, "9-card-" + approver);
        browsers.typeCode(phone, card, code);
        Browsers.click(phone, card.findElement(By.cssSelector(".approve")));
        browsers.awaitUntil(
                laptop,
                "the page to show the device's answer",
                MOVES_ON,
                d -> !d.findElements(By.id("approval-result")).isEmpty());
    }

    /** Signs in through Keycloak's page and approves the sign-in on the person's device. */
    private void signInToDesk(WebDriver laptop, WebDriver phone, String person) {
        signInTo(laptop, DESK, person);
        browsers.awaitUntil(
                laptop,
                "the wait page with a code",
                Browsers.PAGE_TIMEOUT,
                d -> !d.findElements(By.id("ag-code")).isEmpty());
        String code = laptop.findElement(By.id("ag-code")).getText().trim();
        WebElement card = browsers.awaitPendingCard(phone);
        browsers.typeCode(phone, card, code);
        Browsers.click(phone, card.findElement(By.cssSelector(".approve")));
        browsers.awaitUntil(
                laptop,
                "the desk, signed in as " + person,
                MOVES_ON,
                d ->
                        "ready"
                                        .equals(
                                                d.findElement(By.tagName("body"))
                                                        .getDomAttribute("data-state"))
                                && d.findElement(By.id("who-name")).getText().contains(person));
    }

    private void signInTo(WebDriver laptop, String page, String person) {
        laptop.get(page);
        browsers.awaitUntil(
                laptop,
                "the login form",
                Browsers.PAGE_TIMEOUT,
                d -> !d.findElements(By.id("username")).isEmpty());
        laptop.findElement(By.id("username")).sendKeys(person);
        laptop.findElement(By.id("password")).sendKeys(person);
        Browsers.click(laptop, laptop.findElement(By.id("kc-login")));
    }

    private void awaitRequestState(WebDriver laptop, String state) {
        browsers.awaitUntil(
                laptop, "the request " + state, MOVES_ON, d -> state.equals(requestState(d)));
    }

    private static String requestState(WebDriver laptop) {
        List<WebElement> found = laptop.findElements(By.id("request-state"));
        return found.isEmpty() || !found.get(0).isDisplayed()
                ? null
                : found.get(0).getDomAttribute("data-state");
    }

    private void signIn(WebDriver laptop) {
        laptop.get(ACCOUNT);
        browsers.awaitUntil(
                laptop,
                "the login form",
                Browsers.PAGE_TIMEOUT,
                d -> !d.findElements(By.id("username")).isEmpty());
        laptop.findElement(By.id("username")).sendKeys("alice");
        laptop.findElement(By.id("password")).sendKeys("alice");
        Browsers.click(laptop, laptop.findElement(By.id("kc-login")));
    }

    private String signInToWaitPage(WebDriver laptop) {
        signIn(laptop);
        browsers.awaitUntil(
                laptop,
                "the wait page with a code",
                Browsers.PAGE_TIMEOUT,
                d -> !d.findElements(By.id("ag-code")).isEmpty());
        return laptop.findElement(By.id("ag-code")).getText().trim();
    }

    /** The README's "Sign out": the browser forgets its Keycloak session. */
    private static void signOut(WebDriver laptop) {
        laptop.get(KeycloakServer.realmUrl(REALM) + "/approval-guard/app/");
        laptop.manage().deleteAllCookies();
    }

    private void approve(WebDriver phone, String code) {
        WebElement card = browsers.awaitPendingCard(phone);
        browsers.typeCode(phone, card, code);
        Browsers.click(phone, card.findElement(By.cssSelector(".approve")));
    }

    private void awaitAccountConsole(WebDriver laptop) {
        browsers.awaitUntil(
                laptop,
                "the Account Console",
                Duration.ofSeconds(30),
                d ->
                        d.getCurrentUrl().startsWith(ACCOUNT)
                                && d.findElement(By.tagName("body"))
                                        .getText()
                                        .contains("Personal info"));
        String text = laptop.findElement(By.tagName("body")).getText();
        assertFalse(text.contains("Something went wrong"), text);
    }

    private void awaitMessageState(WebDriver laptop, String state) {
        browsers.awaitUntil(
                laptop,
                "the sign-in page saying " + state,
                Browsers.PAGE_TIMEOUT,
                d ->
                        !d.findElements(By.cssSelector("#ag-message[data-state='" + state + "']"))
                                .isEmpty());
    }

    private static Map<String, Object> post(String path, Map<String, String> form)
            throws Exception {
        String body =
                form.entrySet().stream()
                        .map(
                                e ->
                                        URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                                                + "="
                                                + URLEncoder.encode(
                                                        e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(KeycloakServer.realmUrl(REALM) + path))
                                        .header("Content-Type", "application/x-www-form-urlencoded")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        return Json.readMapOrEmpty(response.body());
    }
}
