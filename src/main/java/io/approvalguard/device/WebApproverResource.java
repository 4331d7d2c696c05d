package io.approvalguard.device;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import org.keycloak.headers.SecurityHeadersProvider;
import org.keycloak.models.KeycloakSession;

import io.approvalguard.ApiError;

/**
 * Serves the web approver ({@code /realms/{realm}/approval-guard/app/}), static files from the
 * provider JAR under a strict content security policy: no inline script, no foreign origin.
 */
public final class WebApproverResource {

    private static final String ROOT = "/web-approver/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final KeycloakSession session;

    public WebApproverResource(KeycloakSession session) {
        this.session = session;
    }

    @GET
    public Response index() {
        var requestUri = session.getContext().getUri().getRequestUri();
        if (!requestUri.getRawPath().endsWith("/")) {
            // Relative links in the page need the trailing slash.
            return Response.seeOther(UriBuilder.fromUri(requestUri).replaceQuery(null).path("/").build()).build();
        }
        return serve("index.html");
    }

    @GET
    @Path("{file}")
    public Response file(@PathParam("file") String name) {
        return ApiError.respond(() -> serve(name));
    }

    private Response serve(String name) {
        String type = FILES.get(name);
        if (type == null) {
            throw new ApiError(Response.Status.NOT_FOUND, "not_found", "no such file");
        }
        try (InputStream in = WebApproverResource.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new ApiError(Response.Status.NOT_FOUND, "not_found", "no such file");
            }
            // The realm's browser headers would replace this page's stricter policy: send our own set.
            session.getProvider(SecurityHeadersProvider.class).options().skipHeaders();
            return Response.ok(in.readAllBytes(), type)
                    .header("Content-Security-Policy", CSP)
                    .header("X-Frame-Options", "DENY")
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "no-referrer")
                    .header("Cache-Control", "no-cache")
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException("web approver file " + name + " cannot be read", e);
        }
    }
}
