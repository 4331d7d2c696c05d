package io.approvalguard.governance.desk;

import io.approvalguard.governance.GovernanceRoles;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.http.StaticPage;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * The governance desk ({@code /realms/{realm}/approval-guard/desk/}): a static page from the
 * provider JAR under a strict content security policy and the realm's other browser security
 * headers, which signs in through Keycloak (client {@value DeskClient#CLIENT_ID}, code flow with
 * PKCE) and calls the governance API with the access token. {@code GET me} tells the page who
 * signed in and which governance roles they hold.
 */
public final class DeskResource {

    private static final String ROOT = "/governance-desk/";
    private static final String JS = "text/javascript; charset=utf-8";

    /** Every file served, by name; app.js is the entry module, the other .js files its imports. */
    static final Map<String, String> FILES =
            Map.ofEntries(
                    Map.entry("index.html", "text/html; charset=utf-8"),
                    Map.entry("app.js", JS),
                    Map.entry("api.js", JS),
                    Map.entry("approval.js", JS),
                    Map.entry("dom.js", JS),
                    Map.entry("form.js", JS),
                    Map.entry("oidc.js", JS),
                    Map.entry("render.js", JS),
                    Map.entry("text.js", JS),
                    Map.entry("desk.css", "text/css; charset=utf-8"));

    /** No inline script or style, nothing from another origin, never framed. */
    static final String CSP =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                    + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                    + "form-action 'none'";

    private static final StaticPage PAGE = StaticPage.withPolicy(ROOT, FILES, CSP);

    private final KeycloakSession session;

    public DeskResource(KeycloakSession session) {
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

    /**
     * Who the bearer token's user is and which governance roles they hold (directly, through a
     * composite or a group), with every governance role's name, so the page can say which roles
     * exist to someone who holds none.
     */
    @GET
    @Path("me")
    public Response me() {
        return ApiError.respond(
                () -> {
                    RealmModel realm = session.getContext().getRealm();
                    UserModel user = caller(realm);
                    List<String> held =
                            List.of(GovernanceRoles.values()).stream()
                                    .filter(r -> r.heldBy(realm, user))
                                    .map(GovernanceRoles::roleName)
                                    .toList();
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("id", user.getId());
                    answer.put("username", user.getUsername());
                    answer.put("roles", held);
                    answer.put(
                            "governance_roles",
                            List.of(GovernanceRoles.values()).stream()
                                    .map(GovernanceRoles::roleName)
                                    .toList());
                    return Response.ok(answer, MediaType.APPLICATION_JSON_TYPE)
                            .header("Cache-Control", "no-store")
                            .build();
                });
    }

    private UserModel caller(RealmModel realm) {
        AuthenticationManager.AuthResult auth;
        try {
            auth = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
        } catch (WebApplicationException e) {
            auth = null;
        }
        if (auth == null || auth.user() == null) {
            throw ApiError.unauthorized(
                    "invalid_token",
                    "send an access token of realm " + realm.getName() + " as a bearer token");
        }
        return auth.user();
    }
}
