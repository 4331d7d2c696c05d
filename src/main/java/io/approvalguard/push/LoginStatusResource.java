package io.approvalguard.push;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.approvalguard.ApiError;
import io.approvalguard.device.RegisterDeviceAction;

/**
 * {@code GET /realms/{realm}/approval-guard/login/status?client_id=..&tab_id=..}: what the waiting
 * sign-in page polls. Answers only for the auth session named by the browser's own cookie, and
 * only with a state; never the code, never the context.
 */
public final class LoginStatusResource {

    private final KeycloakSession session;

    public LoginStatusResource(KeycloakSession session) {
        this.session = session;
    }

    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    public Response status(@QueryParam("client_id") String clientId, @QueryParam("tab_id") String tabId) {
        return ApiError.respond(() -> stateOf(clientId, tabId));
    }

    private Response stateOf(String clientId, String tabId) {
        RealmModel realm = session.getContext().getRealm();
        if (clientId == null || tabId == null || clientId.length() > 255 || tabId.length() > 64) {
            throw ApiError.invalidRequest("client_id and tab_id are required");
        }
        ClientModel client = realm.getClientByClientId(clientId);
        AuthenticationSessionModel authSession = client == null ? null
                : new AuthenticationSessionManager(session).getCurrentAuthenticationSession(realm, client, tabId);
        if (authSession == null) {
            throw new ApiError(Response.Status.NOT_FOUND, "session_not_found", "no sign-in in progress for this browser tab");
        }
        Optional<String> state = RegisterDeviceAction.enrolmentState(session, authSession);
        if (state.isEmpty()) {
            EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection()).client(client);
            state = new PushChallenges(session).status(authSession, event).map(s -> s.name().toLowerCase(Locale.ROOT));
        }
        return Response.ok(Map.of("state", state.orElse("none"))).header("Cache-Control", "no-store").build();
    }
}
