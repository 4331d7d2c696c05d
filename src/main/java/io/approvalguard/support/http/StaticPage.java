package io.approvalguard.support.http;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.headers.SecurityHeadersProvider;
import org.keycloak.models.BrowserSecurityHeaders;
import org.keycloak.models.KeycloakSession;

/**
 * A page of our own served from the JAR (the web approver, the desk): a fixed set of files, each
 * with its media type, the page's stricter headers, and the realm's other browser security headers
 * as Keycloak sends them on its own pages.
 *
 * @param root the class-path folder, such as {@code /web-approver/}
 * @param files every file served, by name, with its media type
 * @param stricter where this page is stricter than a realm may be
 */
public record StaticPage(
        String root, Map<String, String> files, Map<BrowserSecurityHeaders, String> stricter) {

    /**
     * A page with its own Content-Security-Policy that no frame may hold and no browser may sniff;
     * every other header is the realm's.
     */
    public static StaticPage withPolicy(String root, Map<String, String> files, String csp) {
        return new StaticPage(
                root,
                files,
                Map.of(
                        BrowserSecurityHeaders.CONTENT_SECURITY_POLICY, csp,
                        BrowserSecurityHeaders.X_FRAME_OPTIONS, "DENY",
                        BrowserSecurityHeaders.X_CONTENT_TYPE_OPTIONS, "nosniff"));
    }

    /**
     * {@code index.html}, at the folder's address with its trailing slash: the page's relative
     * links (and a redirect URI) need it, so the address without is sent there.
     */
    public Response index(KeycloakSession session) {
        var requestUri = session.getContext().getUri().getRequestUri();
        if (!requestUri.getRawPath().endsWith("/")) {
            return Response.seeOther(
                            UriBuilder.fromUri(requestUri).replaceQuery(null).path("/").build())
                    .build();
        }
        return serve(session, "index.html");
    }

    public Response serve(KeycloakSession session, String name) {
        String type = files.get(name);
        if (type == null) {
            throw new ApiError(Response.Status.NOT_FOUND, "not_found", "no such file");
        }
        try (InputStream in = StaticPage.class.getResourceAsStream(root + name)) {
            if (in == null) {
                throw new ApiError(Response.Status.NOT_FOUND, "not_found", "no such file");
            }
            Response.ResponseBuilder response =
                    Response.ok(in.readAllBytes(), type).header("Cache-Control", "no-cache");
            securityHeaders(session).forEach(response::header);
            // Keycloak's own filter would put the realm's looser CSP over ours: it is skipped, and
            // securityHeaders() sends the realm's set itself.
            session.getProvider(SecurityHeadersProvider.class).options().skipHeaders();
            return response.build();
        } catch (IOException e) {
            throw new IllegalStateException("page file " + root + name + " cannot be read", e);
        }
    }

    /**
     * The realm's browser security headers (the realm's value, else Keycloak's default; an empty
     * value sends none), with this page's stricter ones in their place.
     */
    private Map<String, String> securityHeaders(KeycloakSession session) {
        Map<String, String> realmValues =
                session.getContext().getRealm().getBrowserSecurityHeaders();
        Map<String, String> headers = new LinkedHashMap<>();
        for (BrowserSecurityHeaders header : BrowserSecurityHeaders.values()) {
            String value = stricter.get(header);
            if (value == null) {
                value =
                        realmValues == null
                                ? header.getDefaultValue()
                                : realmValues.getOrDefault(
                                        header.getKey(), header.getDefaultValue());
            }
            if (value != null && !value.isEmpty()) {
                headers.put(header.getHeaderName(), value);
            }
        }
        return headers;
    }
}
