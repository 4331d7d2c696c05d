package io.approvalguard.testkit.oidc;

import io.approvalguard.testkit.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * A scripted browser for Keycloak's OIDC authorization-code login, without JavaScript: plain HTTP
 * with its own {@link CookieJar}, jsoup for the pages.
 *
 * <p>Redirects are followed by hand, and only while they stay on Keycloak's host: when a Location
 * points at the client's redirect_uri the flow stops there and exposes the {@code code} or {@code
 * error} it carries, as a real client would receive it.
 *
 * <p>It knows Keycloak's own login pages (the password form, its messages, {@code data-page-id})
 * and none of Approval Guard's: {@link io.approvalguard.testkit.pages.BrowserFlow} adds those.
 *
 * <p>One instance is one browser (one cookie jar); use two instances for two devices.
 */
public class OidcBrowser {

    public static final String DEFAULT_USER_AGENT =
            "Mozilla/5.0 (X11; Linux x86_64) ApprovalGuardIT/1.0 BrowserFlow";

    /** Where Keycloak shows its messages, in the keycloak.v2 theme and in the older ones. */
    private static final List<String> ERROR_SELECTORS =
            List.of(
                    ".kc-feedback-text",
                    "[id^=input-error]",
                    ".pf-v5-c-alert__title",
                    ".pf-c-alert__title",
                    ".alert-error",
                    "#kc-error-message",
                    ".kc-error-message");

    private static final int MAX_REDIRECTS = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String baseUrl;
    private final String userAgent;
    private final CookieJar cookies = new CookieJar();
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();
    private final HttpClient http;

    private String realm;
    private String clientId;
    private String redirectUri;
    private String state;
    private String nonce;

    private URI currentUrl;
    private int lastStatus;
    private String lastBody = "";
    private Document currentPage;
    private URI callbackUrl;
    private Map<String, String> callbackParams = Map.of();

    public OidcBrowser(String baseUrl, String userAgent) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.userAgent = userAgent;
        this.http =
                HttpClient.newBuilder()
                        .cookieHandler(cookies)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
    }

    public OidcBrowser(String baseUrl) {
        this(baseUrl, DEFAULT_USER_AGENT);
    }

    /** A copy of {@code original}'s cookies and current page: see {@link #fork()}. */
    protected OidcBrowser(OidcBrowser original) {
        this(original.baseUrl, original.userAgent);
        original.cookies.all().forEach(cookies::add);
        realm = original.realm;
        clientId = original.clientId;
        redirectUri = original.redirectUri;
        state = original.state;
        nonce = original.nonce;
        currentUrl = original.currentUrl;
        lastStatus = original.lastStatus;
        lastBody = original.lastBody;
        currentPage = original.currentPage == null ? null : original.currentPage.clone();
    }

    // ---------------------------------------------------------------- the login flow

    /**
     * Opens the authorization endpoint (response_type=code, scope=openid) and follows redirects.
     */
    public OidcBrowser start(String realm, String clientId, String redirectUri) {
        return startWithAction(realm, clientId, redirectUri, null);
    }

    /**
     * Like {@link #start}, asking Keycloak to run the required action {@code kcAction} (an
     * application-initiated action, as the Account Console's "Set up" does); null for none.
     */
    public OidcBrowser startWithAction(
            String realm, String clientId, String redirectUri, String kcAction) {
        return startWithParameters(
                realm,
                clientId,
                redirectUri,
                kcAction == null ? Map.of() : Map.of("kc_action", kcAction));
    }

    /**
     * Like {@link #start}, with further authorization request parameters (for example {@code
     * authorization_details}, {@code binding_message}, {@code prompt}; {@code scope} replaces the
     * default {@code openid}).
     */
    public OidcBrowser startWithParameters(
            String realm, String clientId, String redirectUri, Map<String, String> extra) {
        this.realm = realm;
        this.clientId = clientId;
        this.redirectUri = redirectUri;
        this.state = randomToken();
        this.nonce = randomToken();
        this.callbackUrl = null;
        this.callbackParams = Map.of();
        String url =
                realmUrl()
                        + "/protocol/openid-connect/auth"
                        + query(
                                "response_type", "code",
                                "client_id", clientId,
                                "redirect_uri", redirectUri,
                                "scope", extra.getOrDefault("scope", "openid"),
                                "state", state,
                                "nonce", nonce);
        for (Map.Entry<String, String> parameter : extra.entrySet()) {
            if (parameter.getKey().equals("scope")) {
                continue;
            }
            url +=
                    "&"
                            + URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8)
                            + "="
                            + URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8);
        }
        return navigate(url);
    }

    /**
     * A second browser with a copy of this one's cookies and current page, as an attacker who
     * captured the tab's state would have; later requests of either do not affect the other.
     */
    public OidcBrowser fork() {
        return new OidcBrowser(this);
    }

    /** Fills username and password into {@code #kc-form-login} and submits it. */
    public OidcBrowser submitPassword(String username, String password) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("username", username);
        fields.put("password", password);
        return submitForm("#kc-form-login", fields, null, null);
    }

    /**
     * Submits a form of the current page like a browser would: its successful controls with their
     * current values (hidden inputs included), then {@code fields} on top (a null value removes a
     * field), then the submitter. With {@code submitName} null the first named submit button is the
     * submitter, as when the user presses Enter.
     */
    public OidcBrowser submitForm(
            String formSelector,
            Map<String, String> fields,
            String submitName,
            String submitValue) {
        Element form = requirePage().selectFirst(formSelector);
        if (form == null) {
            throw new AssertionError("no form " + formSelector + " on " + describePage());
        }
        Map<String, List<String>> data = FormData.successfulControls(form);
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (field.getValue() == null) {
                data.remove(field.getKey());
            } else {
                data.put(field.getKey(), new ArrayList<>(List.of(field.getValue())));
            }
        }
        if (submitName != null) {
            data.computeIfAbsent(submitName, k -> new ArrayList<>())
                    .add(submitValue == null ? "" : submitValue);
        } else {
            Element defaultButton = FormData.defaultSubmitButton(form);
            if (defaultButton != null && !fields.containsKey(defaultButton.attr("name"))) {
                data.computeIfAbsent(defaultButton.attr("name"), k -> new ArrayList<>())
                        .add(defaultButton.attr("value"));
            }
        }
        String action =
                form.hasAttr("action") && !form.attr("action").isBlank()
                        ? form.absUrl("action")
                        : currentUrl.toString();
        String encoded = FormData.urlEncode(data);
        if ("get".equalsIgnoreCase(form.attr("method"))) {
            String withoutQuery =
                    action.contains("?") ? action.substring(0, action.indexOf('?')) : action;
            return navigate(withoutQuery + (encoded.isEmpty() ? "" : "?" + encoded));
        }
        HttpRequest request =
                browserRequest(URI.create(action))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Origin", origin(URI.create(action)))
                        .POST(HttpRequest.BodyPublishers.ofString(encoded, StandardCharsets.UTF_8))
                        .build();
        return followFrom(request);
    }

    /**
     * Opens {@code url} as a page (following redirects within Keycloak), replacing the current
     * page.
     */
    public OidcBrowser navigate(String url) {
        return followFrom(browserRequest(URI.create(url)).GET().build());
    }

    /**
     * A GET with this browser's cookies that does not change the current page, for example the
     * status endpoint of the wait page. Redirects are not followed.
     */
    public HttpResult get(String url) {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .header("User-Agent", userAgent)
                        .header("Accept", "application/json, */*")
                        .GET()
                        .build();
        HttpResponse<String> response = execute(request);
        return new HttpResult(response.statusCode(), response.body(), response.headers().map());
    }

    /** Turns the authorization code into tokens (public client: no secret). */
    public Map<String, Object> exchangeCode() {
        if (authorizationCode() == null) {
            throw new AssertionError("no authorization code; " + describePage());
        }
        return exchangeCode(
                realmUrl() + "/protocol/openid-connect/token",
                clientId,
                redirectUri,
                authorizationCode());
    }

    /** Token request for a public client; returns the JSON answer whatever the status. */
    public Map<String, Object> exchangeCode(
            String tokenEndpoint, String clientId, String redirectUri, String code) {
        String form =
                query(
                                "grant_type",
                                "authorization_code",
                                "code",
                                code,
                                "redirect_uri",
                                redirectUri,
                                "client_id",
                                clientId)
                        .substring(1);
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(tokenEndpoint))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build();
        HttpResponse<String> response = execute(request);
        Map<String, Object> json = new LinkedHashMap<>(Json.readMapOrEmpty(response.body()));
        json.put("http_status", response.statusCode());
        return json;
    }

    // ---------------------------------------------------------------- where the flow is

    /** The last page shown, or null when the flow ended at the client's redirect_uri. */
    public Document currentPage() {
        return currentPage;
    }

    /** The URL of the last response (the redirect_uri once the flow reached the client). */
    public URI currentUrl() {
        return currentUrl;
    }

    public int lastStatus() {
        return lastStatus;
    }

    public String lastBody() {
        return lastBody;
    }

    /** The flow reached the client's redirect_uri with an authorization code. */
    public boolean isLoggedIn() {
        return authorizationCode() != null;
    }

    /** The flow reached the client's redirect_uri (with a code or with an error). */
    public boolean reachedClient() {
        return callbackUrl != null;
    }

    public String authorizationCode() {
        return callbackParams.get("code");
    }

    /** The {@code error} parameter the client received, e.g. {@code access_denied}. */
    public String callbackError() {
        return callbackParams.get("error");
    }

    public Map<String, String> callbackParams() {
        return callbackParams;
    }

    public String expectedState() {
        return state;
    }

    public String nonce() {
        return nonce;
    }

    /**
     * The text of Keycloak's message on the current page (alert, field error, error page), or null.
     */
    public String errorMessage() {
        if (currentPage == null) {
            return null;
        }
        for (String selector : ERROR_SELECTORS) {
            for (Element element : currentPage.select(selector)) {
                String text = element.text().trim();
                if (!text.isEmpty()) {
                    return text;
                }
            }
        }
        return null;
    }

    /** The {@code data-page-id} of Keycloak's page body (e.g. {@code login-login-otp}), or null. */
    public String pageId() {
        if (currentPage == null) {
            return null;
        }
        Element body = currentPage.body();
        return body != null && body.hasAttr("data-page-id") ? body.attr("data-page-id") : null;
    }

    /** For assertion messages: where we are and what the page says. */
    public String describePage() {
        if (currentPage == null) {
            return "no page (status "
                    + lastStatus
                    + ", url "
                    + currentUrl
                    + ", callback "
                    + callbackUrl
                    + ")";
        }
        String text = currentPage.text();
        return "page "
                + currentUrl
                + " (status "
                + lastStatus
                + ", id "
                + pageId()
                + "): "
                + (text.length() > 600 ? text.substring(0, 600) + "..." : text);
    }

    /** This browser's cookie jar, e.g. to drop or copy cookies. */
    public CookieJar cookies() {
        return cookies;
    }

    // ---------------------------------------------------------------- plumbing

    private OidcBrowser followFrom(HttpRequest first) {
        HttpRequest request = first;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<String> response = execute(request);
            currentUrl = response.uri();
            lastStatus = response.statusCode();
            lastBody = response.body() == null ? "" : response.body();
            String location = response.headers().firstValue("Location").orElse(null);
            if (lastStatus >= 300 && lastStatus < 400 && location != null) {
                URI target = response.uri().resolve(location);
                if (isClientRedirect(target)) {
                    arriveAtClient(target);
                    return this;
                }
                if (!isKeycloak(target)) {
                    currentUrl = target;
                    currentPage = null;
                    return this; // leaving Keycloak for a place we do not simulate
                }
                request = browserRequest(target).GET().build();
                continue;
            }
            currentPage = Jsoup.parse(lastBody, currentUrl.toString());
            return this;
        }
        throw new AssertionError(
                "more than " + MAX_REDIRECTS + " redirects, last at " + currentUrl);
    }

    private void arriveAtClient(URI target) {
        callbackUrl = target;
        currentUrl = target;
        currentPage = null;
        Map<String, String> params = new LinkedHashMap<>();
        // OIDC may answer in the query or, for some response modes, in the fragment
        for (String part :
                List.of(nullToEmpty(target.getRawQuery()), nullToEmpty(target.getRawFragment()))) {
            for (String pair : part.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name =
                        URLDecoder.decode(
                                eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value =
                        eq < 0
                                ? ""
                                : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.put(name, value);
            }
        }
        callbackParams = params;
    }

    private boolean isClientRedirect(URI target) {
        if (redirectUri == null) {
            return false;
        }
        String withoutQuery =
                target.getScheme()
                        + "://"
                        + target.getRawAuthority()
                        + nullToEmpty(target.getRawPath());
        return withoutQuery.equals(redirectUri);
    }

    private boolean isKeycloak(URI target) {
        URI base = URI.create(baseUrl);
        return base.getScheme().equalsIgnoreCase(target.getScheme())
                && base.getHost().equalsIgnoreCase(target.getHost())
                && base.getPort() == target.getPort();
    }

    private HttpRequest.Builder browserRequest(URI uri) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("User-Agent", userAgent)
                        .header(
                                "Accept",
                                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                        .header("Accept-Language", "en");
        extraHeaders.forEach(builder::header);
        return builder;
    }

    /**
     * Sends this header with every page request from now on, for example {@code X-Forwarded-For} as
     * a reverse proxy in front of Keycloak would (the test server trusts proxy headers).
     */
    public OidcBrowser withHeader(String name, String value) {
        extraHeaders.put(name, value);
        return this;
    }

    private HttpResponse<String> execute(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The current page; fails the test when the flow has none (it reached the client, or left
     * Keycloak).
     */
    protected Document requirePage() {
        if (currentPage == null) {
            throw new AssertionError("there is no current page: " + describePage());
        }
        return currentPage;
    }

    private String realmUrl() {
        return baseUrl + "/realms/" + URLEncoder.encode(realm, StandardCharsets.UTF_8);
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static String query(String... pairs) {
        StringJoiner joiner = new StringJoiner("&", "?", "");
        for (int i = 0; i < pairs.length; i += 2) {
            joiner.add(
                    URLEncoder.encode(pairs[i], StandardCharsets.UTF_8)
                            + "="
                            + URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return joiner.toString();
    }

    private static String randomToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
