package io.approvalguard.push;

import io.approvalguard.testkit.Chromium;
import io.approvalguard.testkit.Chromium.Viewport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The headless browsers of one browser test, and the steps every such test takes: wait for a
 * condition (failing with a screenshot and what the page shows), click, and on the web approver
 * find the pending request and type its code. Quit them all when the test ends.
 */
final class Browsers {

    /** Longest wait for anything in a browser (page loads, the approver's polling, ...). */
    static final Duration PAGE_TIMEOUT = Duration.ofSeconds(20);

    static final Path SCREENSHOTS =
            Path.of(System.getProperty("approvalguard.work.dir", "target/it-work"), "screenshots");

    private final List<WebDriver> open = new ArrayList<>();
    private final String testName;

    Browsers(String testName) {
        this.testName = testName;
    }

    WebDriver open(Viewport viewport) {
        WebDriver browser = Chromium.start(viewport);
        open.add(browser);
        browser.manage().timeouts().pageLoadTimeout(PAGE_TIMEOUT);
        return browser;
    }

    void quitAll() {
        for (WebDriver browser : open) {
            try {
                browser.quit();
            } catch (RuntimeException e) {
                // a browser that already died must not hide the test's own result
            }
        }
        open.clear();
    }

    /**
     * Waits for {@code condition}; on timeout fails with where the browser is and what it shows,
     * and leaves a screenshot {@code FAILED-...png} next to the others.
     */
    void awaitUntil(
            WebDriver browser,
            String what,
            Duration timeout,
            ExpectedCondition<Boolean> condition) {
        try {
            // a page that navigates (the Account Console, the wait page moving on) replaces its
            // elements mid-check
            new WebDriverWait(browser, timeout, Duration.ofMillis(100))
                    .ignoring(StaleElementReferenceException.class)
                    .until(condition);
        } catch (TimeoutException e) {
            String text;
            try {
                screenshot(browser, "FAILED-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
            } catch (RuntimeException noScreenshot) {
                // the failure message below matters more than the picture
            }
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
                            + abbreviate(text),
                    e);
        }
    }

    void screenshot(WebDriver browser, String name) {
        Chromium.screenshot(browser, SCREENSHOTS.resolve(testName + "-" + name + ".png"));
    }

    static void click(WebDriver browser, WebElement element) {
        scrollIntoView(browser, element, "center");
        element.click();
    }

    /** {@code block} is where the element should end up: start, center or end of the viewport. */
    static void scrollIntoView(WebDriver browser, WebElement element, String block) {
        ((JavascriptExecutor) browser)
                .executeScript(
                        "arguments[0].scrollIntoView({block: arguments[1]});", element, block);
    }

    static String abbreviate(String text) {
        return text.length() > 1500 ? text.substring(0, 1500) + "..." : text;
    }

    // ---------------------------------------------------------------- the web approver

    void awaitBodyState(WebDriver phone, String state) {
        awaitUntil(
                phone,
                "the approver in state " + state,
                PAGE_TIMEOUT,
                d -> state.equals(d.findElement(By.tagName("body")).getDomAttribute("data-state")));
    }

    /** The one request that asks for an answer, beside any finished ones. */
    WebElement awaitPendingCard(WebDriver phone) {
        awaitUntil(
                phone,
                "a pending request card in the approver",
                PAGE_TIMEOUT,
                d ->
                        d.findElements(By.cssSelector(".challenge[data-status='pending']")).size()
                                == 1);
        return phone.findElement(By.cssSelector(".challenge[data-status='pending']"));
    }

    void typeCode(WebDriver phone, WebElement card, String code) {
        card.findElement(By.cssSelector(".challenge-code")).sendKeys(code);
        WebElement approve = card.findElement(By.cssSelector(".approve"));
        awaitUntil(
                phone, "the Approve button to be enabled", PAGE_TIMEOUT, d -> approve.isEnabled());
    }
}
