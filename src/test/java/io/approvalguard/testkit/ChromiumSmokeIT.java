package io.approvalguard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** Chromium starts offline and runs JavaScript; needs no Keycloak. */
class ChromiumSmokeIT {

    @Test
    void rendersAPageAndRunsScript() throws Exception {
        assumeTrue(Chromium.isAvailable(), "Chromium or chromedriver is not installed");
        String html =
                "<html><head><title>smoke</title></head><body><p id='out'></p>"
                        + "<script>document.getElementById('out').textContent = 'script ran ' + (6 * 7);</script></body></html>";
        WebDriver driver = Chromium.start();
        try {
            driver.get(
                    "data:text/html;charset=utf-8,"
                            + URLEncoder.encode(html, StandardCharsets.UTF_8).replace("+", "%20"));

            assertEquals("smoke", driver.getTitle());
            assertEquals("script ran 42", driver.findElement(By.id("out")).getText());

            Path shot =
                    Chromium.screenshot(
                            driver, workDir().resolve("screenshots/chromium-smoke.png"));
            assertTrue(Files.size(shot) > 0);
        } finally {
            driver.quit();
        }
    }

    @Test
    void mobileViewportIsPhoneSized() {
        assumeTrue(Chromium.isAvailable(), "Chromium or chromedriver is not installed");
        WebDriver driver = Chromium.start(Chromium.Viewport.MOBILE);
        try {
            // like the web approver, the page declares a device-width viewport
            driver.get(
                    "data:text/html,<meta name='viewport' content='width=device-width'><p>phone</p>");
            Object width =
                    ((org.openqa.selenium.JavascriptExecutor) driver)
                            .executeScript("return window.innerWidth;");
            assertEquals(390L, ((Number) width).longValue());
        } finally {
            driver.quit();
        }
    }

    private static Path workDir() {
        String dir = System.getProperty("approvalguard.work.dir");
        return dir == null ? Path.of("target", "it-work") : Path.of(dir);
    }
}
