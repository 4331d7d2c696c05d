package io.approvalguard.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.Chromium;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.TimeOffset;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The sign-in page tells the truth: a reload shows the same request, and a refused prompt names the
 * rule that refused it and when the next one may be sent. Client {@code ag-throttled-client}: quota
 * 5, 10 s spacing, 30 s back-off.
 */
@ExtendWith(KeycloakServer.class)
class WaitPageIT {

    private static final String THROTTLED = "ag-throttled-client";

    @RegisterExtension final TimeOffset time = new TimeOffset();

    private final AdminClient admin = AdminClient.forTestServer();

    @Test
    void aReloadShowsTheSameRequestAndSendsNothingNew() {
        PushScenario user = PushScenario.enrolledUser(admin);
        BrowserFlow browser = user.signInToWaitPage(THROTTLED);
        String code = browser.code();
        Map<String, Object> challenge = user.challenge();

        for (int i = 0; i < 3; i++) {
            browser.navigate(addressBarOf(browser));
            assertTrue(browser.onWaitPage(), "reload " + i + ": " + browser.describePage());
            assertEquals(code, browser.code(), "reload " + i + " shows the same code");
        }
        assertEquals(
                PushScenario.id(challenge),
                PushScenario.id(user.challenge()),
                "the device still has the same request");
        assertEquals(
                1,
                admin.approvalGuardEvents(
                                PushScenario.REALM,
                                user.userId,
                                "CUSTOM_REQUIRED_ACTION",
                                "challenge_sent")
                        .size(),
                "reloads send no prompt and spend no quota");
        assertEquals(200, user.device.answer(challenge, "approve", code).status());
        assertTrue(
                browser.pressWait("continue").isLoggedIn(),
                "the approval is not stranded: " + browser.describePage());
    }

    @Test
    void aRefusedPromptNamesTheRuleAndTheTimeLeft() {
        PushScenario user = PushScenario.enrolledUser(admin);
        user.signInToWaitPage(THROTTLED);

        BrowserFlow tooSoon = user.signInWithPassword(THROTTLED);
        assertEquals("throttled", tooSoon.messageState(), tooSoon.describePage());
        assertTrue(tooSoon.errorMessage().contains("moments ago"), tooSoon.errorMessage());
        assertTrue(
                tooSoon.errorMessage().matches(".*in ([1-9]|1[01]) seconds?\\..*"),
                tooSoon.errorMessage());
        assertRetryAfterAtMost(tooSoon, 11);

        assertEquals(200, user.device.answer(user.challenge(), "deny", null).status());
        time.shift(Duration.ofSeconds(11));
        BrowserFlow backingOff = user.signInWithPassword(THROTTLED);
        assertTrue(
                backingOff.errorMessage().contains("was denied"),
                "one denial is a back-off, not too many requests: " + backingOff.errorMessage());
        assertTrue(
                backingOff.errorMessage().matches(".*in (1[0-9]|20) seconds\\..*"),
                backingOff.errorMessage());
        assertFalse(
                backingOff.errorMessage().contains("(s)")
                        || backingOff.errorMessage().contains("another way"),
                backingOff.errorMessage());
        assertRetryAfterAtMost(backingOff, 20);
    }

    @Test
    void aShortWaitCountsDownAndTriesAgainByItself() {
        assumeTrue(Chromium.isAvailable(), "Chromium or chromedriver is not installed");
        PushScenario user = PushScenario.enrolledUser(admin);
        user.signInToWaitPage(THROTTLED);
        WebDriver browser = Chromium.start();
        try {
            browser.get(
                    KeycloakServer.realmUrl(PushScenario.REALM)
                            + "/protocol/openid-connect/auth?client_id="
                            + THROTTLED
                            + "&response_type=code&scope=openid&redirect_uri="
                            + PushScenario.CALLBACK);
            browser.findElement(By.id("username")).sendKeys(user.username);
            browser.findElement(By.id("password")).sendKeys(PushScenario.PASSWORD);
            browser.findElement(By.id("kc-login")).click();
            // Refused as too soon after the first request: a countdown, then a new request by
            // itself.
            new WebDriverWait(browser, Duration.ofSeconds(20))
                    .until(
                            d ->
                                    !d.findElements(By.id("ag-retry")).isEmpty()
                                            || !d.findElements(By.id("ag-code")).isEmpty());
            assertFalse(
                    browser.findElements(By.id("ag-retry")).isEmpty(),
                    "throttled with a countdown: " + browser.getPageSource());
            assertTrue(browser.findElement(By.id("ag-retry")).isDisplayed(), "the countdown shows");
            new WebDriverWait(browser, Duration.ofSeconds(30))
                    .until(d -> !d.findElements(By.id("ag-code")).isEmpty());
            assertEquals(
                    2,
                    admin.approvalGuardEvents(
                                    PushScenario.REALM,
                                    user.userId,
                                    "CUSTOM_REQUIRED_ACTION",
                                    "challenge_sent")
                            .size(),
                    "the page tried again once the spacing was over");
        } finally {
            browser.quit();
        }
    }

    /**
     * What a browser reloads: Keycloak's page script replaces the address of a posted page with the
     * URL of the flow's current step ({@code history.replaceState}).
     */
    private static String addressBarOf(BrowserFlow browser) {
        java.util.regex.Matcher replaced =
                java.util.regex.Pattern.compile(
                                "history\\.replaceState\\(\\{\\}, \"[^\"]*\", \"([^\"]+)\"\\)")
                        .matcher(browser.lastBody());
        return replaced.find() ? replaced.group(1) : browser.currentUrl().toString();
    }

    private static void assertRetryAfterAtMost(BrowserFlow page, long seconds) {
        var retry = page.currentPage().selectFirst("#ag-retry");
        assertNotNull(retry, "a countdown to the next request: " + page.describePage());
        long retryAfter = Long.parseLong(retry.attr("data-retry-after"));
        assertTrue(retryAfter >= 1 && retryAfter <= seconds, "retry after " + retryAfter);
    }
}
