package io.approvalguard.testkit.oidc;

import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.KeycloakServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Token endpoint calls a relying party makes to the test server ({@link KeycloakServer}): refresh,
 * client credentials, password.
 */
public final class OidcClient {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OidcClient() {}

    /** A refresh with a public client's refresh token; the JSON answer plus {@code http_status}. */
    public static Map<String, Object> refresh(String realm, String clientId, String refreshToken) {
        return tokenRequest(
                realm,
                "grant_type",
                "refresh_token",
                "refresh_token",
                refreshToken,
                "client_id",
                clientId);
    }

    /** A service account's access token (client credentials grant). */
    public static String serviceAccountToken(String realm, String clientId, String secret) {
        Map<String, Object> answer =
                tokenRequest(
                        realm,
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        clientId,
                        "client_secret",
                        secret);
        if (!(answer.get("access_token") instanceof String token)) {
            throw new IllegalStateException("client credentials grant failed: " + answer);
        }
        return token;
    }

    /**
     * A user's access token from the password grant (for example of {@code admin-cli}, to call the
     * admin API as that user).
     */
    public static String passwordToken(
            String realm, String clientId, String username, String password) {
        Map<String, Object> answer =
                tokenRequest(
                        realm,
                        "grant_type",
                        "password",
                        "client_id",
                        clientId,
                        "username",
                        username,
                        "password",
                        password);
        if (!(answer.get("access_token") instanceof String token)) {
            throw new IllegalStateException("password grant failed: " + answer);
        }
        return token;
    }

    /** Sends {@code body} (JSON, or null) with a bearer token; status, body and headers. */
    public static HttpResult call(String method, String path, String bearer, String body) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(KeycloakServer.baseUrl() + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + bearer)
                        .header("Accept", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = send(request.build());
        return new HttpResult(response.statusCode(), response.body(), response.headers().map());
    }

    private static Map<String, Object> tokenRequest(String realm, String... form) {
        StringJoiner encoded = new StringJoiner("&");
        for (int i = 0; i < form.length; i += 2) {
            encoded.add(
                    URLEncoder.encode(form[i], StandardCharsets.UTF_8)
                            + "="
                            + URLEncoder.encode(form[i + 1], StandardCharsets.UTF_8));
        }
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(
                                        KeycloakServer.realmUrl(realm)
                                                + "/protocol/openid-connect/token"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(encoded.toString()))
                        .build();
        HttpResponse<String> response = send(request);
        Map<String, Object> json = new LinkedHashMap<>(Json.readMapOrEmpty(response.body()));
        json.put("http_status", response.statusCode());
        return json;
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
