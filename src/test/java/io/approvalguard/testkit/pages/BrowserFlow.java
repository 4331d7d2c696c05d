package io.approvalguard.testkit.pages;

import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.oidc.OidcBrowser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The scripted browser ({@link OidcBrowser}) on Approval Guard's own pages: the push wait page
 * ({@code #ag-wait-form}: the code, the message, continue / resend / cancel), the enrolment page
 * ({@code #ag-enrol-form}: the enrolment link and its token) and the status endpoint both poll.
 *
 * <p>One instance is one browser (one cookie jar); use two instances for two devices.
 */
public final class BrowserFlow extends OidcBrowser {

    public BrowserFlow(String baseUrl, String userAgent) {
        super(baseUrl, userAgent);
    }

    public BrowserFlow(String baseUrl) {
        super(baseUrl);
    }

    private BrowserFlow(BrowserFlow original) {
        super(original);
    }

    /** A browser for the shared test server. */
    public static BrowserFlow forTestServer() {
        return new BrowserFlow(KeycloakServer.baseUrl());
    }

    // ---------------------------------------------------------------- the login flow, answering
    // this type

    @Override
    public BrowserFlow start(String realm, String clientId, String redirectUri) {
        super.start(realm, clientId, redirectUri);
        return this;
    }

    @Override
    public BrowserFlow startWithAction(
            String realm, String clientId, String redirectUri, String kcAction) {
        super.startWithAction(realm, clientId, redirectUri, kcAction);
        return this;
    }

    @Override
    public BrowserFlow startWithParameters(
            String realm, String clientId, String redirectUri, Map<String, String> extra) {
        super.startWithParameters(realm, clientId, redirectUri, extra);
        return this;
    }

    @Override
    public BrowserFlow fork() {
        return new BrowserFlow(this);
    }

    @Override
    public BrowserFlow submitPassword(String username, String password) {
        super.submitPassword(username, password);
        return this;
    }

    @Override
    public BrowserFlow submitForm(
            String formSelector,
            Map<String, String> fields,
            String submitName,
            String submitValue) {
        super.submitForm(formSelector, fields, submitName, submitValue);
        return this;
    }

    @Override
    public BrowserFlow navigate(String url) {
        super.navigate(url);
        return this;
    }

    @Override
    public BrowserFlow withHeader(String name, String value) {
        super.withHeader(name, value);
        return this;
    }

    // ---------------------------------------------------------------- the wait page and the
    // enrolment page

    public boolean onWaitPage() {
        return currentPage() != null && currentPage().selectFirst("#ag-wait-form") != null;
    }

    public boolean onEnrolmentPage() {
        return currentPage() != null && currentPage().selectFirst("#ag-enrol-form") != null;
    }

    /** Asserts that the current page is the push wait page and returns it. */
    public Document waitPage() {
        if (!onWaitPage()) {
            throw new AssertionError(
                    "expected the Approval Guard wait page but got " + describePage());
        }
        return currentPage();
    }

    /** Asserts that the current page is the enrolment page and returns it. */
    public Document enrolmentPage() {
        if (!onEnrolmentPage()) {
            throw new AssertionError(
                    "expected the Approval Guard enrolment page but got " + describePage());
        }
        return currentPage();
    }

    /** The code shown on the wait page ({@code #ag-code}), or null when none is shown. */
    public String code() {
        Element code = waitPage().selectFirst("#ag-code");
        return code == null ? null : code.text().trim();
    }

    /** The {@code data-state} of {@code #ag-message}, or null. */
    public String messageState() {
        Element message = currentPage() == null ? null : currentPage().selectFirst("#ag-message");
        return message == null ? null : message.attr("data-state");
    }

    /** The text of {@code #ag-message}, or null. */
    public String messageText() {
        Element message = currentPage() == null ? null : currentPage().selectFirst("#ag-message");
        return message == null ? null : message.text().trim();
    }

    /** Posts the wait form with {@code action} = continue, resend or cancel. */
    public BrowserFlow pressWait(String action) {
        waitPage();
        return submitForm("#ag-wait-form", Map.of(), "action", action);
    }

    /** Posts the enrolment form with {@code action=continue}. */
    public BrowserFlow pressEnrol() {
        enrolmentPage();
        return submitForm("#ag-enrol-form", Map.of(), "action", "continue");
    }

    /** The href of {@code #ag-enrol-link}. */
    public String enrolmentLink() {
        Element link = enrolmentPage().selectFirst("#ag-enrol-link");
        if (link == null) {
            throw new AssertionError("no #ag-enrol-link on " + describePage());
        }
        return link.attr("href");
    }

    /** The enrolment token from the fragment {@code #enrol=...} of the enrolment link. */
    public String enrolmentToken() {
        String link = enrolmentLink();
        int fragment = link.indexOf('#');
        if (fragment < 0) {
            throw new AssertionError("enrolment link without a fragment: " + link);
        }
        for (String part : link.substring(fragment + 1).split("&")) {
            if (part.startsWith("enrol=")) {
                return URLDecoder.decode(part.substring("enrol=".length()), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("enrolment link without enrol=: " + link);
    }

    /** The absolute status URL from {@code data-status-url} of the wait or enrolment form. */
    public String statusUrl() {
        Element form = requirePage().selectFirst("#ag-wait-form, #ag-enrol-form");
        if (form == null || !form.hasAttr("data-status-url")) {
            throw new AssertionError("no data-status-url on " + describePage());
        }
        String absolute = form.absUrl("data-status-url");
        return absolute.isEmpty() ? form.attr("data-status-url") : absolute;
    }

    /** GETs the status endpoint with this browser's cookies and returns its {@code state}. */
    public String pollStatus() {
        HttpResult result = get(statusUrl());
        if (result.status() != 200) {
            throw new AssertionError(
                    "status endpoint answered " + result.status() + ": " + result.body());
        }
        return (String) result.jsonMap().get("state");
    }

    /**
     * GETs the status endpoint with {@code wait=<seconds>}: held by the server until the state
     * changes.
     */
    public HttpResult waitStatus(int seconds) {
        return get(statusUrl() + "&wait=" + seconds);
    }

    /** Polls the status endpoint until it reports {@code expected} or the timeout passes. */
    public String awaitStatus(String expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = pollStatus();
        while (!expected.equals(last) && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(250));
            last = pollStatus();
        }
        return last;
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
