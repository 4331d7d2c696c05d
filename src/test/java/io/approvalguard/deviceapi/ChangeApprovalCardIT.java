package io.approvalguard.deviceapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.approvalguard.support.json.CanonicalJson;
import io.approvalguard.support.json.StrictJson;
import io.approvalguard.testkit.Chromium;
import io.approvalguard.testkit.Chromium.Viewport;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.util.JsonSerialization;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web approver shows change approvals on a phone (390 x 844) without Keycloak: a stub device
 * API on localhost serves the page's own files (exactly those WebApproverResource serves, under its
 * CSP) and lists change approvals whose hashes the server's CanonicalJson computes. The card says
 * what will happen, keeps hostile strings as text, fits the phone's width with Details open, and
 * Approve and Deny send the server's context hash. The stub checks no proof: that is
 * DeviceApiAttackIT's and the Node tests' job.
 */
class ChangeApprovalCardIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String APP = "/realms/demo/approval-guard/app/";
    private static final String API = "/realms/demo/approval-guard/device/";
    private static final Path SCREENSHOTS =
            Path.of(System.getProperty("approvalguard.work.dir", "target/it-work"), "screenshots");

    /** Challenges listed until answered, by id. */
    private final Map<String, Map<String, Object>> pending = new ConcurrentHashMap<>();

    private final List<Map<String, Object>> answers = new CopyOnWriteArrayList<>();
    private final List<String> missing = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private WebDriver phone;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(Chromium.isAvailable(), "Chromium or chromedriver is not installed");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        if (phone != null) {
            phone.quit();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aChangeApprovalFitsAPhoneSaysWhatHappensAndSignsTheServersHash() throws Exception {
        Map<String, Object> breakGlass = longAndHostile(vector("break-glass"));
        Map<String, Object> unknown = vector("unknown kind");
        list("c-break-glass", breakGlass);
        list("c-unknown", unknown);
        list("c-reset", vector("reset_second_factors"));

        phone = Chromium.start(Viewport.MOBILE);
        phone.manage().timeouts().pageLoadTimeout(TIMEOUT);
        phone.get(base() + APP + "#enrol=stub-token");
        await("the enrolment form", d -> d.findElement(By.id("enrol-button")).isDisplayed());
        phone.findElement(By.id("enrol-button")).click();
        await(
                "three change approvals",
                d -> d.findElements(By.cssSelector("article.challenge-change")).size() == 3);
        assertEquals(List.of(), missing, "files the page asked for and was not given");

        WebElement card = card("c-break-glass");
        WebElement breakGlassNote = card.findElement(By.cssSelector(".cr-break-glass"));
        assertTrue(breakGlassNote.getText().startsWith("Break-glass"), breakGlassNote.getText());
        String question = card.findElement(By.cssSelector(".challenge-question")).getText();
        assertTrue(
                question.startsWith("Approve a change for ")
                        && question.endsWith(": give them a role for a limited time"),
                question);
        assertTrue(card.getText().contains("<img src=x onerror=alert(1)>"), "markup shown as text");
        assertEquals(List.of(), card.findElements(By.tagName("img")), "no element from the text");
        assertEquals(
                "Type the code shown on the governance page",
                card.findElement(By.cssSelector(".code-label")).getText());
        assertEquals(List.of(), card.findElements(By.cssSelector(".fraud")));
        assertTrue(
                card("c-unknown")
                        .findElement(By.cssSelector(".challenge-question"))
                        .getText()
                        .endsWith("of a kind this page does not know: rotate_keys"));
        assertFitsThePhone("the cards");
        WebElement reset = card("c-reset");
        assertEquals(
                "Approve a change for alice: reset their second factors",
                reset.findElement(By.cssSelector(".challenge-question")).getText());
        ((JavascriptExecutor) phone).executeScript("arguments[0].scrollIntoView(true);", reset);
        Number approveBottom =
                (Number)
                        ((JavascriptExecutor) phone)
                                .executeScript(
                                        "return arguments[0].getBoundingClientRect().bottom - window.innerHeight;",
                                        reset.findElement(By.cssSelector(".approve")));
        assertTrue(
                approveBottom.doubleValue() <= 0,
                "an ordinary change approval, from its question to Approve, is one phone screen; Approve is "
                        + approveBottom
                        + " px below it");
        screenshot("change-approval-phone");
        ((JavascriptExecutor) phone).executeScript("arguments[0].scrollIntoView(true);", card);
        screenshot("change-approval-phone-long-and-hostile");

        for (WebElement summary :
                phone.findElements(By.cssSelector(".challenge-details > summary"))) {
            ((JavascriptExecutor) phone).executeScript("arguments[0].click();", summary);
        }
        await(
                "the details",
                d ->
                        card("c-break-glass")
                                .findElement(By.cssSelector(".cr-request"))
                                .isDisplayed());
        assertTrue(
                card.findElement(By.cssSelector(".cr-request-hash-check"))
                        .getText()
                        .contains("matches the change shown"));
        assertFitsThePhone("the cards with their details open");
        screenshot("change-approval-phone-details");

        card.findElement(By.cssSelector(".challenge-code")).sendKeys("42");
        await(
                "Approve to be enabled",
                d -> card("c-break-glass").findElement(By.cssSelector(".approve")).isEnabled());
        card.findElement(By.cssSelector(".approve")).click();
        await("the approval to be sent", d -> answers.size() == 1);
        assertEquals(
                Map.of(
                        "challenge", "c-break-glass",
                        "decision", "approve",
                        "context_hash", CanonicalJson.hash(breakGlass),
                        "code", "42"),
                answers.get(0));
        await("the approved line", d -> card("c-break-glass").getText().startsWith("Approved"));

        card("c-unknown").findElement(By.cssSelector(".deny")).click();
        await("the denial to be sent", d -> answers.size() == 2);
        assertEquals(
                Map.of(
                        "challenge",
                        "c-unknown",
                        "decision",
                        "deny",
                        "context_hash",
                        CanonicalJson.hash(unknown)),
                answers.get(1));
        await("the denied line", d -> card("c-unknown").getText().startsWith("Denied"));
        assertFitsThePhone("the finished lines");
        screenshot("change-approval-phone-answered");
    }

    // ---------------------------------------------------------------------------------------
    // The stub device API
    // ---------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.startsWith(APP)) {
                String name = path.substring(APP.length());
                serveFile(exchange, name.isEmpty() ? "index.html" : name);
            } else if (path.equals(API + "enrol") && method.equals("POST")) {
                Map<String, Object> body =
                        StrictJson.readObject(exchange.getRequestBody().readAllBytes());
                json(
                        exchange,
                        200,
                        Map.of(
                                "device_id", "dev-1",
                                "user_id", "user-lena",
                                "username", "lena",
                                "realm", "demo",
                                "device_name", String.valueOf(body.get("device_name")),
                                "alg", "ES256"));
            } else if (path.equals(API + "challenges") && method.equals("GET")) {
                json(exchange, 200, Map.of("challenges", new ArrayList<>(pending.values())));
            } else if (path.startsWith(API + "challenges/")
                    && path.endsWith("/answer")
                    && method.equals("POST")) {
                String id =
                        path.substring(
                                (API + "challenges/").length(), path.length() - "/answer".length());
                Map<String, Object> body =
                        StrictJson.readObject(exchange.getRequestBody().readAllBytes());
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("challenge", id);
                answer.putAll(body);
                answers.add(answer);
                pending.remove(id);
                String status = "approve".equals(body.get("decision")) ? "approved" : "denied";
                json(exchange, 200, Map.of("challenge_id", id, "status", status));
            } else {
                json(exchange, 404, Map.of("error", "not_found", "error_description", path));
            }
        } finally {
            exchange.close();
        }
    }

    private void serveFile(HttpExchange exchange, String name) throws IOException {
        String type;
        try {
            type = servedFiles().get(name);
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
        byte[] bytes = null;
        if (type != null) {
            try (InputStream in =
                    WebApproverResource.class.getResourceAsStream("/web-approver/" + name)) {
                bytes = in == null ? null : in.readAllBytes();
            }
        }
        if (bytes == null) {
            missing.add(name);
            json(exchange, 404, Map.of("error", "not_found", "error_description", "no such file"));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Content-Security-Policy", pagePolicy());
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
        } else {
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JsonSerialization.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** The files WebApproverResource serves, by name, with their types: this page gets no other. */
    private static Map<String, String> servedFiles() throws ReflectiveOperationException {
        return WebApproverFilesTest.servedFiles();
    }

    private static String pagePolicy() throws IOException {
        try {
            Field csp = WebApproverResource.class.getDeclaredField("CSP");
            csp.setAccessible(true);
            return (String) csp.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
    }

    private void list(String id, Map<String, Object> context) {
        Map<String, Object> challenge = new LinkedHashMap<>();
        long now = System.currentTimeMillis() / 1000;
        challenge.put("id", id);
        challenge.put("created_at", now);
        challenge.put("expires_at", now + 600);
        challenge.put("context", context);
        challenge.put("context_hash", CanonicalJson.hash(context));
        challenge.put("verification", Map.of("type", "code", "length", 2));
        pending.put(id, challenge);
    }

    /** A context of the shared vectors (the Node tests' and ChangeApprovalVectorsTest's). */
    private static Map<String, Object> vector(String name) throws IOException {
        for (Map<String, String> v : ChangeApprovalVectorsTest.vectors()) {
            if (v.get("name").equals(name)) {
                return StrictJson.readObject(v.get("context").getBytes(StandardCharsets.UTF_8));
            }
        }
        throw new IllegalArgumentException(name);
    }

    /**
     * The context with words too long for a phone's line in every place the card shows, and markup;
     * its request hash recomputed as the server would.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> longAndHostile(Map<String, Object> context) {
        String longWord = "x".repeat(180);
        String markup = "<img src=x onerror=alert(1)><script>alert(2)</script>";
        Map<String, Object> request =
                new LinkedHashMap<>((Map<String, Object>) context.get("change_request"));
        Map<String, Object> change =
                new LinkedHashMap<>((Map<String, Object>) request.get("change"));
        change.put("role_name", "role-" + longWord);
        change.put("client_id", "client-" + longWord);
        change.put("extra_" + longWord, markup + longWord);
        request.put("change", change);
        Map<String, Object> subject =
                new LinkedHashMap<>((Map<String, Object>) request.get("subject"));
        subject.put("username", "alice-" + longWord);
        subject.put("email", "alice-" + longWord + "@example.org");
        request.put("subject", subject);
        request.put("justification", markup + " " + longWord + "\nsecond line");
        request.put("ticket", "INC-" + "9".repeat(120));
        request.put("reason_code", "reason_" + longWord);
        request.put(
                "evidence",
                List.of(
                        Map.of(
                                "id",
                                "e-1",
                                "type",
                                "type_" + longWord,
                                "name",
                                markup + longWord,
                                "sha256",
                                longWord)));
        Map<String, Object> result = new LinkedHashMap<>(context);
        result.put("change_request", request);
        result.put("request_hash", CanonicalJson.hash(request));
        return result;
    }

    // ---------------------------------------------------------------------------------------
    // The browser
    // ---------------------------------------------------------------------------------------

    private String base() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    private WebElement card(String id) {
        return phone.findElement(By.cssSelector("article[data-challenge-id='" + id + "']"));
    }

    /** No horizontal scroll, and no element of a card reaches past the phone's right edge. */
    private void assertFitsThePhone(String what) {
        Object overflow =
                ((JavascriptExecutor) phone)
                        .executeScript(
                                "var width = window.innerWidth, worst = null;"
                                        // content an ancestor clips (the ellipsis of a finished
                                        // line) is not past the edge
                                        + "function clipped(e) {"
                                        + "  for (var a = e.parentElement; a && a.tagName !== 'ARTICLE'; a = a.parentElement) {"
                                        + "    var o = getComputedStyle(a).overflowX; if (o === 'hidden' || o === 'clip') return true;"
                                        + "  } return false; }"
                                        + "document.querySelectorAll('article.challenge *').forEach(function (e) {"
                                        + "  if (clipped(e)) return;"
                                        + "  var r = e.getBoundingClientRect();"
                                        + "  if (r.width > 0 && r.right > width + 0.5 && (!worst || r.right > worst.right))"
                                        + "    worst = {right: r.right, tag: e.tagName, cls: e.className};"
                                        + "});"
                                        + "return {width: width, scroll: document.documentElement.scrollWidth - width,"
                                        + " worst: worst && (worst.tag + '.' + worst.cls + ' to ' + worst.right)};");
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) overflow;
        assertEquals(390L, ((Number) result.get("width")).longValue(), "a phone-sized window");
        assertTrue(
                ((Number) result.get("scroll")).intValue() <= 0,
                what + " are wider than the phone by " + result.get("scroll") + " px");
        assertEquals(null, result.get("worst"), what + ": an element past the right edge");
        assertFalse(missing.size() > 0, "missing files: " + missing);
    }

    private void await(String what, ExpectedCondition<Boolean> condition) {
        try {
            new WebDriverWait(phone, TIMEOUT, Duration.ofMillis(100))
                    .ignoring(StaleElementReferenceException.class)
                    .ignoring(org.openqa.selenium.NoSuchElementException.class)
                    .until(condition);
        } catch (TimeoutException e) {
            screenshot("FAILED-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
            String text;
            try {
                text = phone.findElement(By.tagName("body")).getText();
            } catch (RuntimeException unreadable) {
                text = "(unreadable)";
            }
            throw new AssertionError(
                    "waited "
                            + TIMEOUT.toSeconds()
                            + " s for "
                            + what
                            + "; missing files "
                            + missing
                            + "; the page shows:\n"
                            + text,
                    e);
        }
    }

    private void screenshot(String name) {
        Chromium.screenshot(phone, SCREENSHOTS.resolve("ChangeApprovalCardIT-" + name + ".png"));
    }
}
