package io.approvalguard.deviceapi;

import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.http.StaticPage;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.keycloak.models.KeycloakSession;

/**
 * Serves the web approver ({@code /realms/{realm}/approval-guard/app/}), static files from the
 * provider JAR under a strict content security policy (no inline script, no foreign origin) and the
 * realm's other browser security headers, HSTS included.
 */
public final class WebApproverResource {

    private static final String ROOT = "/web-approver/";
    private static final String JS = "text/javascript; charset=utf-8";

    /**
     * Every file served, by name; app.js is the entry module, sw.js the service worker (a classic
     * script), the other .js files the modules app.js imports.
     */
    private static final Map<String, String> FILES =
            Map.ofEntries(
                    Map.entry("index.html", "text/html; charset=utf-8"),
                    Map.entry("app.js", JS),
                    Map.entry("api.js", JS),
                    Map.entry("cards.js", JS),
                    Map.entry("change.js", JS),
                    Map.entry("crypto.js", JS),
                    Map.entry("display.js", JS),
                    Map.entry("dom.js", JS),
                    Map.entry("format.js", JS),
                    Map.entry("notifications.js", JS),
                    Map.entry("poller.js", JS),
                    Map.entry("push-texts.js", JS),
                    Map.entry("render.js", JS),
                    Map.entry("storage.js", JS),
                    // the service worker: its scope is this folder, so no Service-Worker-Allowed
                    Map.entry("sw.js", JS),
                    Map.entry("values.js", JS),
                    Map.entry("app.css", "text/css; charset=utf-8"),
                    Map.entry("manifest.webmanifest", "application/manifest+json; charset=utf-8"),
                    Map.entry("icon.svg", "image/svg+xml"),
                    Map.entry("icon-192.png", "image/png"),
                    Map.entry("icon-512.png", "image/png"));

    private static final String CSP =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                    + "form-action 'self'";

    private static final StaticPage PAGE = StaticPage.withPolicy(ROOT, FILES, CSP);

    private final KeycloakSession session;

    public WebApproverResource(KeycloakSession session) {
        this.session = session;
    }

    @GET
    public Response index() {
        return PAGE.index(session);
    }

    @GET
    @Path("{file}")
    public Response file(@PathParam("file") String name) {
        return ApiError.respond(() -> PAGE.serve(session, name));
    }
}
