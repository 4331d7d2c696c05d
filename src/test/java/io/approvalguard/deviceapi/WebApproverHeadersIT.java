package io.approvalguard.deviceapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.oidc.HttpResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The web approver's pages carry the realm's browser security headers (HSTS first of all) and the
 * page's own stricter content security policy, framing and sniffing rules.
 */
@ExtendWith(KeycloakServer.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebApproverHeadersIT {

    private static final String REALM = "ag-headers";
    private static final String CSP =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                    + "form-action 'self'";

    private final AdminClient admin = AdminClient.forTestServer();
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    void realmWithItsOwnHeaders() {
        HttpResult created =
                admin.send(
                        "POST",
                        "/admin/realms",
                        Map.of(
                                "realm",
                                REALM,
                                "enabled",
                                true,
                                "browserSecurityHeaders",
                                Map.of(
                                        "strictTransportSecurity", "max-age=600",
                                        "referrerPolicy", "same-origin",
                                        "xRobotsTag", "noindex",
                                        "contentSecurityPolicyReportOnly",
                                                "default-src 'none'; report-uri /csp",
                                        // A realm's looser policies must not loosen the page's.
                                        "contentSecurityPolicy", "frame-ancestors *",
                                        "xFrameOptions", "ALLOWALL")));
        assertTrue(created.status() == 201, created.toString());
    }

    @AfterAll
    void removeRealm() {
        admin.send("DELETE", "/admin/realms/" + REALM, null);
    }

    @Test
    void everyFileCarriesTheRealmsHeadersAndThePagesStricterPolicy() {
        for (String file : List.of("", "app.js", "app.css", "index.html", "sw.js")) {
            HttpResponse<String> response = get(REALM, file);
            assertEquals(200, response.statusCode(), file);
            assertEquals("max-age=600", header(response, "Strict-Transport-Security"), file);
            assertEquals("same-origin", header(response, "Referrer-Policy"), file);
            assertEquals("noindex", header(response, "X-Robots-Tag"), file);
            assertEquals(
                    "default-src 'none'; report-uri /csp",
                    header(response, "Content-Security-Policy-Report-Only"),
                    file);
            assertEquals(
                    List.of(CSP), response.headers().allValues("Content-Security-Policy"), file);
            assertEquals("DENY", header(response, "X-Frame-Options"), file);
            assertEquals("nosniff", header(response, "X-Content-Type-Options"), file);
        }
    }

    @Test
    void aRealmWithKeycloaksDefaultsGetsKeycloaksDefaultHsts() {
        HttpResponse<String> response = get(PushScenario.REALM, "");
        assertEquals(200, response.statusCode());
        assertEquals(
                "max-age=31536000; includeSubDomains",
                header(response, "Strict-Transport-Security"));
        assertEquals("no-referrer", header(response, "Referrer-Policy"));
        assertEquals("none", header(response, "X-Robots-Tag"));
        assertEquals(CSP, header(response, "Content-Security-Policy"));
        assertEquals("DENY", header(response, "X-Frame-Options"));
    }

    private HttpResponse<String> get(String realm, String file) {
        URI url =
                URI.create(
                        KeycloakServer.baseUrl()
                                + "/realms/"
                                + realm
                                + "/approval-guard/app/"
                                + file);
        try {
            return http.send(
                    HttpRequest.newBuilder(url).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }
}
