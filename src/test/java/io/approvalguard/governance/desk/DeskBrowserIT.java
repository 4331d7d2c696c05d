package io.approvalguard.governance.desk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Chromium;
import io.approvalguard.testkit.Chromium.Viewport;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.oidc.HttpResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The governance desk in headless Chromium on the real server: a requester signs in through
 * Keycloak's own login page (with push approval, as realm {@code ag-test} asks of everyone with a
 * device) and files a second-factor reset; two approvers from the two groups sign in, find it
 * awaiting them, press approve, read the code from the page, and their device answers with it; the
 * page moves on by itself, the second time to "approved / applied". On a phone's width too, and the
 * page's CSP and its OIDC client as made at start.
 */
@ExtendWith(KeycloakServer.class)
class DeskBrowserIT {

    private static final String REALM = PushScenario.REALM;
    private static final String REQUESTER = "approval-guard-requester";
    private static final String APPROVER = "approval-guard-approver";
    private static final String LEADS = "helpdesk-leads";
    private static final String SECURITY = "security";
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(20);

    /** The approval page asks every 2 s; the device's answer shows within a few of them. */
    private static final Duration MOVES_ON_BY_ITSELF = Duration.ofSeconds(15);

    private static final Path SCREENSHOTS =
            Path.of(System.getProperty("approvalguard.work.dir", "target/it-work"), "screenshots");

    private static AdminClient admin;

    private final List<WebDriver> browsers = new ArrayList<>();
    private String testName;

    @BeforeAll
    static void groups() {
        admin = AdminClient.forTestServer();
        group(LEADS);
        group(SECURITY);
    }

    @BeforeEach
    void requireChromium(TestInfo info) {
        assumeTrue(Chromium.isAvailable(), "Chromium or chromedriver is not installed");
        testName =
                getClass().getSimpleName()
                        + "-"
                        + info.getTestMethod().map(m -> m.getName()).orElse("test");
    }

    @AfterEach
    void quitBrowsers() {
        for (WebDriver browser : browsers) {
            try {
                browser.quit();
            } catch (RuntimeException e) {
                // a browser that already died must not hide the test's own result
            }
        }
        browsers.clear();
    }

    @Test
    void aSecondFactorResetIsFiledAndApprovedOnTwoDevicesThroughThePage() {
        PushScenario requester = person(List.of(REQUESTER), List.of());
        PushScenario lead = person(List.of(APPROVER), List.of(LEADS));
        PushScenario security = person(List.of(APPROVER), List.of(SECURITY));
        PushScenario subject = PushScenario.enrolledUser(admin);

        // The requester files it.
        WebDriver laptop = open(Viewport.DESKTOP);
        signIn(laptop, requester);
        click(laptop, laptop.findElement(By.id("nav-new")));
        awaitUntil(
                laptop,
                "the filing form with the policy's reasons",
                PAGE_TIMEOUT,
                d -> !new Select(d.findElement(By.id("reason"))).getOptions().isEmpty());
        new Select(laptop.findElement(By.id("kind"))).selectByValue("reset_second_factors");
        laptop.findElement(By.id("subject")).sendKeys(subject.username);
        new Select(laptop.findElement(By.id("reason"))).selectByValue("lost_device");
        // A direction override is refused by the server, and the page says so in its words.
        laptop.findElement(By.id("justification")).sendKeys("Caller verified \u202Egnp.exe");
        click(laptop, laptop.findElement(By.id("file-button")));
        awaitUntil(
                laptop,
                "the server's refusal, as it comes",
                PAGE_TIMEOUT,
                d ->
                        d.findElement(By.id("file-error"))
                                .getText()
                                .equals(
                                        "justification must be at most 500 characters, without"
                                                + " control characters"));
        screenshot(laptop, "requester-refused");
        WebElement justification = laptop.findElement(By.id("justification"));
        justification.clear();
        justification.sendKeys("Caller verified by video <img src=x onerror=alert(1)> & \"<b>\"");
        click(laptop, laptop.findElement(By.id("file-button")));
        awaitRequestState(laptop, "pending");
        String id = requestIdOf(laptop);
        String facts = laptop.findElement(By.id("request-facts")).getText();
        assertTrue(facts.contains(subject.username), facts);
        assertTrue(
                facts.contains("Caller verified by video <img src=x onerror=alert(1)> & \"<b>\""),
                "the justification as text: " + facts);
        assertTrue(
                laptop.findElements(By.cssSelector("#request-body img, #request-body b")).isEmpty(),
                "no element came from the justification");
        assertTrue(
                laptop.findElement(By.id("cancel-area")).isDisplayed(), "the requester may cancel");
        assertFalse(
                laptop.findElement(By.id("approve-area")).isDisplayed(),
                "the requester is no approver");
        awaitUntil(
                laptop,
                "the history with the filing",
                PAGE_TIMEOUT,
                d ->
                        !d.findElements(By.cssSelector("#audit li[data-type='request_filed']"))
                                .isEmpty());
        screenshot(laptop, "requester-filed");

        // The first approver finds it awaiting them and approves on their device.
        WebDriver leadBrowser = open(Viewport.DESKTOP);
        signIn(leadBrowser, lead);
        openFromAwaitingMe(leadBrowser, id);
        approveOnDevice(leadBrowser, lead, id);
        awaitUntil(
                leadBrowser,
                "one approval counted, the request still pending",
                MOVES_ON_BY_ITSELF,
                d ->
                        "approved"
                                        .equals(
                                                d.findElement(By.id("approval-result"))
                                                        .getDomAttribute("data-status"))
                                && "pending".equals(requestState(d))
                                && d.findElements(By.cssSelector("#approvals li")).size() == 1);
        screenshot(leadBrowser, "first-approval");

        // The second, on a phone: the page ends at approved / applied by itself.
        WebDriver phone = open(Viewport.MOBILE);
        signIn(phone, security);
        openFromAwaitingMe(phone, id);
        assertNoHorizontalScroll(phone, "the request on a phone");
        approveOnDevice(phone, security, id);
        assertNoHorizontalScroll(phone, "the code on a phone");
        screenshot(phone, "second-approval-code");
        awaitRequestState(phone, "applied");
        assertEquals(
                "Approved / applied", phone.findElement(By.id("request-state")).getText().trim());
        assertEquals(
                "approved",
                phone.findElement(By.id("approval-result")).getDomAttribute("data-status"));
        List<WebElement> approvals = phone.findElements(By.cssSelector("#approvals li"));
        assertEquals(2, approvals.size());
        String approvalsText = phone.findElement(By.id("approvals")).getText();
        assertTrue(approvalsText.contains(lead.username), approvalsText);
        assertTrue(approvalsText.contains(security.username), approvalsText);
        assertTrue(
                approvalsText.contains(security.device.thumbprint()),
                "the device's thumbprint: " + approvalsText);
        awaitUntil(
                phone,
                "the history to the end",
                PAGE_TIMEOUT,
                d ->
                        !d.findElements(By.cssSelector("#audit li[data-type='request_applied']"))
                                .isEmpty());
        assertTrue(phone.findElement(By.id("request-outcome")).isDisplayed(), "the outcome");
        assertNoHorizontalScroll(phone, "the applied request on a phone");
        screenshot(phone, "applied");

        assertEquals(
                0,
                admin.listCredentials(REALM, subject.userId).stream()
                        .filter(c -> "approval-guard-device".equals(c.get("type")))
                        .count(),
                "the change was applied: the subject's device is gone");

        // The requester's page shows it too, when opened again.
        laptop.navigate().refresh();
        awaitRequestState(laptop, "applied");
    }

    @Test
    void someoneWithoutAGovernanceRoleIsToldWhichRolesExist() {
        PushScenario nobody = person(List.of(), List.of());
        WebDriver browser = open(Viewport.MOBILE);
        signInUntilDesk(browser, nobody);
        awaitUntil(
                browser,
                "the sentence for someone without a role",
                PAGE_TIMEOUT,
                d ->
                        "no-role"
                                .equals(
                                        d.findElement(By.tagName("body"))
                                                .getDomAttribute("data-state")));
        String text = browser.findElement(By.id("no-role-text")).getText();
        for (String role :
                List.of(
                        "approval-guard-requester",
                        "approval-guard-approver",
                        "approval-guard-break-glass",
                        "approval-guard-auditor")) {
            assertTrue(text.contains(role), text);
        }
        assertTrue(text.contains("administrator"), text);
        assertTrue(text.contains(nobody.username), text);
        assertFalse(browser.findElement(By.id("nav")).isDisplayed());
        assertNoHorizontalScroll(browser, "the no-role page on a phone");
        screenshot(browser, "no-role");
    }

    @Test
    void thePageHasAStrictPolicyAndItsClientOnlyTheCodeFlowWithPkce() throws Exception {
        String page = KeycloakServer.realmUrl(REALM) + "/approval-guard/desk/";
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> index =
                http.send(
                        HttpRequest.newBuilder(URI.create(page)).timeout(PAGE_TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, index.statusCode());
        assertEquals(
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                        + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                        + "form-action 'none'",
                index.headers().firstValue("Content-Security-Policy").orElse(""));
        assertEquals("DENY", index.headers().firstValue("X-Frame-Options").orElse(""));
        assertEquals("nosniff", index.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertFalse(index.body().contains("<script>"), "no inline script");
        assertFalse(index.body().contains("style="), "no inline style");
        for (String file : List.of("app.js", "oidc.js", "desk.css")) {
            HttpResponse<String> served =
                    http.send(
                            HttpRequest.newBuilder(URI.create(page + file))
                                    .timeout(PAGE_TIMEOUT)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, served.statusCode(), file);
            assertEquals(
                    index.headers().allValues("Content-Security-Policy"),
                    served.headers().allValues("Content-Security-Policy"),
                    file);
        }
        HttpResponse<String> missing =
                http.send(
                        HttpRequest.newBuilder(URI.create(page + "package.json"))
                                .timeout(PAGE_TIMEOUT)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode(), "only the page's own files are served");

        List<Map<String, Object>> clients =
                admin.send(
                                "GET",
                                "/admin/realms/" + REALM + "/clients?clientId=approval-guard-desk",
                                null)
                        .expect(200)
                        .jsonList();
        assertEquals(1, clients.size(), "the desk's client was made at start");
        Map<String, Object> client = clients.get(0);
        assertEquals(true, client.get("publicClient"));
        assertEquals(true, client.get("standardFlowEnabled"));
        assertEquals(false, client.get("directAccessGrantsEnabled"));
        assertEquals(false, client.get("implicitFlowEnabled"));
        assertEquals(false, client.get("serviceAccountsEnabled"));
        assertEquals("${authBaseUrl}", client.get("rootUrl"));
        assertEquals(
                List.of("/realms/" + REALM + "/approval-guard/desk/"), client.get("redirectUris"));
        assertEquals(List.of("+"), client.get("webOrigins"));
        @SuppressWarnings("unchecked")
        Map<String, Object> attributes = (Map<String, Object>) client.get("attributes");
        assertEquals("S256", attributes.get("pkce.code.challenge.method"));

        // Keycloak refuses any other redirect for it, and a request without PKCE.
        String auth = KeycloakServer.realmUrl(REALM) + "/protocol/openid-connect/auth";
        HttpResponse<String> foreign =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                auth
                                                        + "?client_id=approval-guard-desk&response_type=code&scope=openid"
                                                        + "&code_challenge_method=S256&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                                                        + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8089%2Fcallback"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(400, foreign.statusCode(), "a foreign redirect URI: " + foreign.body());
        HttpResponse<String> withoutPkce =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                auth
                                                        + "?client_id=approval-guard-desk&response_type=code&scope=openid"
                                                        + "&redirect_uri="
                                                        + java.net.URLEncoder.encode(
                                                                page,
                                                                java.nio.charset.StandardCharsets
                                                                        .UTF_8)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(302, withoutPkce.statusCode(), "back to the page with an error");
        String location = withoutPkce.headers().firstValue("Location").orElse("");
        assertTrue(
                location.startsWith(page + "?") && location.contains("error=invalid_request"),
                location);
    }

    // ================================================================ steps

    /** Signs in through Keycloak's login page and the push wait page; the desk is ready. */
    private void signIn(WebDriver browser, PushScenario person) {
        signInUntilDesk(browser, person);
        awaitUntil(
                browser,
                "the desk, signed in",
                PAGE_TIMEOUT,
                d ->
                        "ready"
                                .equals(
                                        d.findElement(By.tagName("body"))
                                                .getDomAttribute("data-state")));
        assertTrue(
                browser.findElement(By.id("who-name")).getText().contains(person.username),
                "signed in as " + person.username);
    }

    private void signInUntilDesk(WebDriver browser, PushScenario person) {
        String page = KeycloakServer.realmUrl(REALM) + "/approval-guard/desk/";
        browser.get(page);
        awaitUntil(
                browser,
                "Keycloak's login form",
                PAGE_TIMEOUT,
                d -> !d.findElements(By.id("username")).isEmpty());
        assertTrue(
                browser.getCurrentUrl().contains("/protocol/openid-connect/auth")
                        || browser.getCurrentUrl().contains("/login-actions/"),
                browser.getCurrentUrl());
        browser.findElement(By.id("username")).sendKeys(person.username);
        browser.findElement(By.id("password")).sendKeys(PushScenario.PASSWORD);
        click(browser, browser.findElement(By.id("kc-login")));
        awaitUntil(
                browser,
                "the push wait page with a code",
                PAGE_TIMEOUT,
                d -> !d.findElements(By.id("ag-code")).isEmpty());
        String code = browser.findElement(By.id("ag-code")).getText().trim();
        Map<String, Object> challenge = person.device.awaitChallenge(PushScenario.DEVICE_WAIT);
        DeviceClient.Response answer = person.device.answer(challenge, "approve", code);
        assertEquals(200, answer.status(), "the sign-in approved on the device: " + answer);
        awaitUntil(
                browser,
                "back on the desk",
                MOVES_ON_BY_ITSELF,
                d -> d.getCurrentUrl().startsWith(page) && !d.getCurrentUrl().contains("code="));
    }

    /** The approver's list, filtered to what awaits them, holds the request: open it. */
    private void openFromAwaitingMe(WebDriver browser, String id) {
        WebElement awaiting = browser.findElement(By.id("filter-awaiting"));
        assertTrue(awaiting.isDisplayed(), "approvers can filter by what awaits them");
        click(browser, awaiting);
        By link = By.cssSelector("#list[data-filter='awaiting'] a[data-id='" + id + "']");
        awaitUntil(
                browser,
                "the request among those awaiting me",
                PAGE_TIMEOUT,
                d -> !d.findElements(link).isEmpty());
        click(browser, browser.findElement(link));
        awaitRequestState(browser, "pending");
    }

    /**
     * Presses approve, reads the code on the page, and the person's device answers the change
     * approval with it; the device was shown this very request.
     */
    private void approveOnDevice(WebDriver browser, PushScenario approver, String id) {
        awaitUntil(
                browser,
                "the approve button",
                PAGE_TIMEOUT,
                d -> d.findElement(By.id("approve-button")).isDisplayed());
        click(browser, browser.findElement(By.id("approve-button")));
        awaitUntil(
                browser,
                "the code to type on the device",
                PAGE_TIMEOUT,
                d -> !d.findElements(By.id("approval-code")).isEmpty());
        String code = browser.findElement(By.id("approval-code")).getText().trim();
        assertTrue(code.matches("[0-9]{2,8}"), "a code: " + code);
        assertFalse(
                browser.findElement(By.id("approve-button")).isDisplayed(),
                "no second button while the device is asked");
        Map<String, Object> challenge = approver.device.awaitChallenge(PushScenario.DEVICE_WAIT);
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) challenge.get("context");
        assertEquals("change-approval", context.get("reason"));
        @SuppressWarnings("unchecked")
        Map<String, Object> shown = (Map<String, Object>) context.get("change_request");
        assertEquals(id, shown.get("id"), "the device shows the request on the page");
        DeviceClient.Response answer = approver.device.answer(challenge, "approve", code);
        assertEquals(200, answer.status(), "the device's approval: " + answer);
        // nobody touches the page from here on: it asks every 2 s and moves on by itself
        awaitUntil(
                browser,
                "the page to show the device's answer",
                MOVES_ON_BY_ITSELF,
                d -> !d.findElements(By.id("approval-result")).isEmpty());
    }

    private void awaitRequestState(WebDriver browser, String state) {
        awaitUntil(
                browser,
                "the request in state " + state,
                MOVES_ON_BY_ITSELF,
                d -> state.equals(requestState(d)));
    }

    private static String requestState(WebDriver browser) {
        List<WebElement> found = browser.findElements(By.id("request-state"));
        return found.isEmpty() || !found.get(0).isDisplayed()
                ? null
                : found.get(0).getDomAttribute("data-state");
    }

    private static String requestIdOf(WebDriver browser) {
        String url = browser.getCurrentUrl();
        int at = url.indexOf("#/request/");
        assertTrue(at > 0, url);
        return java.net.URLDecoder.decode(
                url.substring(at + "#/request/".length()), java.nio.charset.StandardCharsets.UTF_8);
    }

    private void assertNoHorizontalScroll(WebDriver browser, String where) {
        Object widths =
                ((JavascriptExecutor) browser)
                        .executeScript(
                                "return [document.documentElement.scrollWidth, window.innerWidth];");
        List<?> pair = (List<?>) widths;
        long scroll = ((Number) pair.get(0)).longValue();
        long inner = ((Number) pair.get(1)).longValue();
        if (scroll > inner) {
            screenshot(browser, "FAILED-horizontal-scroll");
        }
        assertTrue(
                scroll <= inner, where + ": " + scroll + " px wide in a " + inner + " px window");
    }

    // ================================================================ people and browsers

    /** A person with an enrolled reference device (the realm's flow asks everyone for push). */
    private static PushScenario person(List<String> roles, List<String> groups) {
        PushScenario person = PushScenario.enrolledUser(admin);
        for (String role : roles) {
            Map<String, Object> representation =
                    admin.send("GET", "/admin/realms/" + REALM + "/roles/" + role, null)
                            .expect(200)
                            .jsonMap();
            admin.send(
                            "POST",
                            "/admin/realms/"
                                    + REALM
                                    + "/users/"
                                    + person.userId
                                    + "/role-mappings/realm",
                            List.of(representation))
                    .expect(204);
        }
        for (String group : groups) {
            admin.send(
                            "PUT",
                            "/admin/realms/"
                                    + REALM
                                    + "/users/"
                                    + person.userId
                                    + "/groups/"
                                    + groupId(group),
                            null)
                    .expect(204);
        }
        return person;
    }

    private static String groupId(String name) {
        List<Map<String, Object>> found =
                admin.send(
                                "GET",
                                "/admin/realms/" + REALM + "/groups?exact=true&search=" + name,
                                null)
                        .expect(200)
                        .jsonList();
        return found.stream()
                .filter(g -> name.equals(g.get("name")))
                .map(g -> (String) g.get("id"))
                .findFirst()
                .orElseThrow();
    }

    private static void group(String name) {
        HttpResult created =
                admin.send("POST", "/admin/realms/" + REALM + "/groups", Map.of("name", name));
        if (created.status() != 201) {
            assertEquals(409, created.status(), created.body());
        }
    }

    private WebDriver open(Viewport viewport) {
        WebDriver browser = Chromium.start(viewport);
        browsers.add(browser);
        browser.manage().timeouts().pageLoadTimeout(PAGE_TIMEOUT);
        return browser;
    }

    private static void click(WebDriver browser, WebElement element) {
        ((JavascriptExecutor) browser)
                .executeScript("arguments[0].scrollIntoView({block: 'center'});", element);
        element.click();
    }

    private void awaitUntil(
            WebDriver browser,
            String what,
            Duration timeout,
            ExpectedCondition<Boolean> condition) {
        try {
            new WebDriverWait(browser, timeout, Duration.ofMillis(100))
                    .ignoring(StaleElementReferenceException.class)
                    .until(condition);
        } catch (TimeoutException e) {
            try {
                screenshot(browser, "FAILED-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
            } catch (RuntimeException noScreenshot) {
                // the failure message below matters more than the picture
            }
            String text;
            try {
                text = browser.findElement(By.tagName("body")).getText();
            } catch (RuntimeException unreadable) {
                text = "(page text unreadable: " + unreadable + ")";
            }
            throw new AssertionError(
                    "waited "
                            + timeout.toSeconds()
                            + " s for "
                            + what
                            + "; browser at "
                            + browser.getCurrentUrl()
                            + " shows:\n"
                            + (text.length() > 1500 ? text.substring(0, 1500) + "..." : text),
                    e);
        }
    }

    private void screenshot(WebDriver browser, String name) {
        Chromium.screenshot(browser, SCREENSHOTS.resolve(testName + "-" + name + ".png"));
    }
}
