package io.approvalguard.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium through Selenium, fully offline: the driver and the browser are given by
 * path, so Selenium Manager never tries to download anything. Each browser gets a fresh profile in
 * a temporary directory, deleted on {@code quit()}.
 */
public final class Chromium {

    public static final String CHROMIUM_BINARY = "/usr/bin/chromium";
    public static final String CHROMEDRIVER_BINARY = "/usr/bin/chromedriver";

    /** Window sizes: a laptop, and a phone for the web approver. */
    public enum Viewport {
        DESKTOP(1280, 900),
        MOBILE(390, 844);

        private final int width;
        private final int height;

        Viewport(int width, int height) {
            this.width = width;
            this.height = height;
        }
    }

    private static final String MOBILE_USER_AGENT =
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                    + "(KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36 ApprovalGuardIT";

    private Chromium() {}

    /** Whether this machine has Chromium and chromedriver where the kit expects them. */
    public static boolean isAvailable() {
        return Files.isExecutable(Path.of(CHROMIUM_BINARY))
                && Files.isExecutable(Path.of(CHROMEDRIVER_BINARY));
    }

    /** A desktop-sized headless browser. */
    public static WebDriver start() {
        return start(Viewport.DESKTOP);
    }

    public static WebDriver start(Viewport viewport) {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER_BINARY);
        Path profile = createProfileDir();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM_BINARY);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--user-data-dir=" + profile,
                "--window-size=" + viewport.width + "," + viewport.height);
        if (viewport == Viewport.MOBILE) {
            options.setExperimentalOption(
                    "mobileEmulation",
                    Map.of(
                            "deviceMetrics",
                            Map.of(
                                    "width",
                                    viewport.width,
                                    "height",
                                    viewport.height,
                                    "pixelRatio",
                                    2.0,
                                    "touch",
                                    true,
                                    "mobile",
                                    true),
                            "userAgent",
                            MOBILE_USER_AGENT));
        }
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(new File(CHROMEDRIVER_BINARY))
                        .usingAnyFreePort()
                        .build();
        try {
            return new DisposableChromeDriver(service, options, profile);
        } catch (RuntimeException e) {
            deleteQuietly(profile);
            throw e;
        }
    }

    /** Saves a PNG of the current viewport, creating parent directories. */
    public static Path screenshot(WebDriver driver, Path target) {
        try {
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            return Files.write(target, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createProfileDir() {
        try {
            return Files.createTempDirectory("ag-chromium-profile-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            // Chromium may still be writing to its profile while it exits; a stray temp dir is
            // harmless.
        }
    }

    /** A ChromeDriver that removes its throw-away profile when it quits. */
    private static final class DisposableChromeDriver extends ChromeDriver {

        private final Path profile;

        DisposableChromeDriver(ChromeDriverService service, ChromeOptions options, Path profile) {
            super(service, options);
            this.profile = profile;
        }

        @Override
        public void quit() {
            try {
                super.quit();
            } finally {
                deleteQuietly(profile);
            }
        }
    }
}
