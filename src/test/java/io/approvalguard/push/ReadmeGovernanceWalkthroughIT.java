package io.approvalguard.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Chromium;
import io.approvalguard.testkit.Chromium.Viewport;
import io.approvalguard.testkit.KeycloakServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The README's help-desk walkthrough (steps 7 to 9), as a new user does it, in the demo realm as
 * shipped: hank, ada and sam set up their devices in one web approver; hank files a second-factor
 * reset for alice on the help desk's page; ada and sam each approve it on their device with the
 * code their page shows, and the page moves on by itself to "applied".
 */
@ExtendWith(KeycloakServer.class)
class ReadmeGovernanceWalkthroughIT {

    private static final String REALM = "demo";
    private static final String ACCOUNT = KeycloakServer.realmUrl(REALM) + "/account";
    private static final String DESK = KeycloakServer.realmUrl(REALM) + "/approval-guard/desk/";
    private static final Duration MOVES_ON = Duration.ofSeconds(20);

    private Browsers browsers;

    @BeforeEach
    void requireChromium() {
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

    /**
     * "Sign out": the browser forgets its Keycloak session (the desk keeps tokens in memory only).
     */
    private static void signOut(WebDriver laptop) {
        laptop.get(KeycloakServer.realmUrl(REALM) + "/approval-guard/app/");
        laptop.manage().deleteAllCookies();
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
}
