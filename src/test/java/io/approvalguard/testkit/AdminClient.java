package io.approvalguard.testkit;

import io.approvalguard.testkit.oidc.HttpResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Keycloak's admin REST API, just enough for the tests: users, credentials, sessions, events.
 *
 * <p>Logs in as the bootstrap admin of the master realm through {@code admin-cli} and logs in again
 * shortly before the token expires (master access tokens live only 60 s by default). Unexpected
 * statuses throw {@link IllegalStateException} with the response body; use {@link #send} when a
 * test wants to look at a failing status itself.
 */
public final class AdminClient {

    private static final Duration TOKEN_MARGIN = Duration.ofSeconds(15);

    private final String baseUrl;
    private final String username;
    private final String password;
    private final HttpClient http =
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();

    private String accessToken;
    private Instant tokenExpiresAt = Instant.EPOCH;

    public AdminClient(String baseUrl, String username, String password) {
        this.baseUrl = stripTrailingSlash(baseUrl);
        this.username = username;
        this.password = password;
    }

    /** An admin client for the shared test server, as the bootstrap admin. */
    public static AdminClient forTestServer() {
        return new AdminClient(
                KeycloakServer.baseUrl(),
                KeycloakServer.ADMIN_USERNAME,
                KeycloakServer.ADMIN_PASSWORD);
    }

    /** Status, body and headers of an admin REST call. */

    // ---------------------------------------------------------------- users

    /**
     * Creates an enabled user with a verified e-mail, first and last name and a permanent password,
     * so that no profile-related required action interrupts the login.
     *
     * @return the new user's id
     */
    public String createUser(String realm, String username, String password) {
        return createUser(realm, username, password, List.of());
    }

    /**
     * Like {@link #createUser(String, String, String)}, with further stored credentials (OTP, ...)
     * as representations.
     */
    public String createUser(
            String realm,
            String username,
            String password,
            List<Map<String, Object>> moreCredentials) {
        Map<String, Object> credential = new LinkedHashMap<>();
        credential.put("type", "password");
        credential.put("value", password);
        credential.put("temporary", false);

        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", username);
        user.put("enabled", true);
        user.put("emailVerified", true);
        user.put("firstName", "Test");
        user.put("lastName", capitalize(username));
        user.put("email", username.toLowerCase() + "@example.test");
        List<Map<String, Object>> credentials = new java.util.ArrayList<>();
        credentials.add(credential);
        credentials.addAll(moreCredentials);
        user.put("credentials", credentials);

        HttpResult result = expect(send("POST", realmPath(realm) + "/users", user), 201);
        String location = result.header("Location");
        if (location == null) {
            throw new IllegalStateException("user created without a Location header");
        }
        return location.substring(location.lastIndexOf('/') + 1);
    }

    public void deleteUser(String realm, String userId) {
        expect(send("DELETE", userPath(realm, userId), null), 204);
    }

    public Map<String, Object> getUser(String realm, String userId) {
        return expect(send("GET", userPath(realm, userId), null), 200).jsonMap();
    }

    /** The id of the user with exactly this username, or null. */
    public String findUserId(String realm, String username) {
        String path = realmPath(realm) + "/users?exact=true&username=" + encode(username);
        List<Map<String, Object>> users = expect(send("GET", path, null), 200).jsonList();
        return users.isEmpty() ? null : (String) users.get(0).get("id");
    }

    public void setUserEnabled(String realm, String userId, boolean enabled) {
        // PUT the whole representation: a partial one may reset attributes under the user profile.
        Map<String, Object> user = getUser(realm, userId);
        user.put("enabled", enabled);
        expect(send("PUT", userPath(realm, userId), user), 204);
    }

    /** Adds a required action (its alias, e.g. {@code approval-guard-register}) to the user. */
    public void addRequiredAction(String realm, String userId, String action) {
        Map<String, Object> user = getUser(realm, userId);
        List<Object> actions = new ArrayList<>(listOrEmpty(user.get("requiredActions")));
        if (!actions.contains(action)) {
            actions.add(action);
        }
        user.put("requiredActions", actions);
        expect(send("PUT", userPath(realm, userId), user), 204);
    }

    public List<Map<String, Object>> listCredentials(String realm, String userId) {
        return expect(send("GET", userPath(realm, userId) + "/credentials", null), 200).jsonList();
    }

    public void deleteCredential(String realm, String userId, String credentialId) {
        expect(
                send(
                        "DELETE",
                        userPath(realm, userId) + "/credentials/" + encode(credentialId),
                        null),
                204);
    }

    public List<Map<String, Object>> userSessions(String realm, String userId) {
        return expect(send("GET", userPath(realm, userId) + "/sessions", null), 200).jsonList();
    }

    /** Ends all of the user's sessions. */
    public void logoutUser(String realm, String userId) {
        expect(send("POST", userPath(realm, userId) + "/logout", null), 204);
    }

    // ---------------------------------------------------------------- events

    /**
     * The realm's stored user events, newest first. {@code query} is name/value pairs of {@code
     * /admin/realms/{realm}/events} query parameters; a name may repeat, for example {@code
     * events("ag-test", "type", "LOGIN", "type", "LOGIN_ERROR", "user", id, "max", "100")}.
     */
    public List<Map<String, Object>> events(String realm, String... query) {
        return expect(send("GET", realmPath(realm) + "/events" + queryString(query), null), 200)
                .jsonList();
    }

    /** Like {@link #events} for admin events ({@code /admin/realms/{realm}/admin-events}). */
    public List<Map<String, Object>> adminEvents(String realm, String... query) {
        return expect(
                        send("GET", realmPath(realm) + "/admin-events" + queryString(query), null),
                        200)
                .jsonList();
    }

    /**
     * The user's events of {@code type} whose {@code approval_guard_event} detail is {@code
     * approvalGuardEvent}, newest first.
     */
    public List<Map<String, Object>> approvalGuardEvents(
            String realm, String userId, String type, String approvalGuardEvent) {
        return events(realm, "type", type, "user", userId, "max", "200").stream()
                .filter(
                        e ->
                                e.get("details") instanceof Map<?, ?> details
                                        && approvalGuardEvent.equals(
                                                details.get("approval_guard_event")))
                .toList();
    }

    public void clearEvents(String realm) {
        expect(send("DELETE", realmPath(realm) + "/events", null), 204);
    }

    public void clearAdminEvents(String realm) {
        expect(send("DELETE", realmPath(realm) + "/admin-events", null), 204);
    }

    // ---------------------------------------------------------------- generic

    /**
     * Any admin call. {@code path} is relative to the server ({@code /admin/realms/...}) or an
     * absolute URL. {@code body} is sent as is when it is a String, otherwise as JSON; null sends
     * no body.
     */
    public HttpResult send(String method, String path, Object body) {
        HttpResult result = sendOnce(method, path, body);
        if (result.status() == 401) {
            // The server's clock may have been shifted (TimeOffset): a token that is fresh by this
            // JVM's clock can be expired, or its session gone, on the server. Log in again, once.
            synchronized (this) {
                accessToken = null;
            }
            result = sendOnce(method, path, body);
        }
        return result;
    }

    private HttpResult sendOnce(String method, String path, Object body) {
        URI uri =
                URI.create(
                        path.startsWith("http://") || path.startsWith("https://")
                                ? path
                                : baseUrl + path);
        HttpRequest.BodyPublisher publisher =
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(
                                body instanceof String s ? s : Json.write(body),
                                StandardCharsets.UTF_8);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token())
                        .header("Accept", "application/json")
                        .method(method, publisher);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = execute(request.build());
        return new HttpResult(response.statusCode(), response.body(), response.headers().map());
    }

    /** A fresh or still valid admin access token. */
    public synchronized String token() {
        if (accessToken == null || Instant.now().isAfter(tokenExpiresAt.minus(TOKEN_MARGIN))) {
            String form =
                    "grant_type=password&client_id=admin-cli&username="
                            + encode(username)
                            + "&password="
                            + encode(password);
            HttpRequest request =
                    HttpRequest.newBuilder(
                                    URI.create(
                                            baseUrl
                                                    + "/realms/master/protocol/openid-connect/token"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build();
            HttpResponse<String> response = execute(request);
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "admin login failed: " + response.statusCode() + " " + response.body());
            }
            Map<String, Object> tokens = Json.readMap(response.body());
            accessToken = (String) tokens.get("access_token");
            tokenExpiresAt =
                    Instant.now().plusSeconds(((Number) tokens.get("expires_in")).longValue());
        }
        return accessToken;
    }

    public String baseUrl() {
        return baseUrl;
    }

    // ---------------------------------------------------------------- helpers

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

    private static HttpResult expect(HttpResult result, int status) {
        if (result.status() != status) {
            throw new IllegalStateException(
                    "expected HTTP "
                            + status
                            + " but got "
                            + result.status()
                            + ": "
                            + Json.abbreviate(result.body()));
        }
        return result;
    }

    private static String realmPath(String realm) {
        return "/admin/realms/" + encode(realm);
    }

    private static String userPath(String realm, String userId) {
        return realmPath(realm) + "/users/" + encode(userId);
    }

    static String queryString(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("query parameters must come as name/value pairs");
        }
        if (pairs.length == 0) {
            return "";
        }
        StringJoiner joiner = new StringJoiner("&", "?", "");
        for (int i = 0; i < pairs.length; i += 2) {
            joiner.add(encode(pairs[i]) + "=" + encode(pairs[i + 1]));
        }
        return joiner.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> listOrEmpty(Object value) {
        return value instanceof List<?> list ? (List<Object>) list : List.of();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String capitalize(String value) {
        return value.isEmpty()
                ? value
                : Character.toUpperCase(value.charAt(0)) + value.substring(1);
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
