package io.approvalguard.push;

import io.approvalguard.challenge.Challenge;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.waiting.Waiter;
import io.approvalguard.waiting.WaitingRequests;
import io.approvalguard.waiting.Wakes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * {@code GET /realms/{realm}/approval-guard/login/status?client_id=..&tab_id=..[&wait=<seconds>]}:
 * what the waiting sign-in page asks. Answers only for the auth session named by the browser's own
 * cookie, and only with a state; never the code, never the context. With {@code wait}, a pending
 * state is held (no thread held) until the decision exists, on whichever node it was made, or the
 * time is up; then the answer is "pending" and the page asks again.
 */
public final class LoginStatusResource {

    private static final String PENDING = "pending";

    private final KeycloakSession session;
    private final WaitingRequests waiting;

    public LoginStatusResource(KeycloakSession session, WaitingRequests waiting) {
        this.session = session;
        this.waiting = waiting;
    }

    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> status(
            @QueryParam("client_id") String clientId, @QueryParam("tab_id") String tabId) {
        return ApiError.respondLater(() -> answerOrHold(clientId, tabId));
    }

    /** The answer now, or once the decision exists (or the time is up) when the request is held. */
    private CompletionStage<Response> answerOrHold(String clientId, String tabId) {
        RealmModel realm = session.getContext().getRealm();
        if (clientId == null || tabId == null || clientId.length() > 255 || tabId.length() > 64) {
            throw ApiError.invalidRequest("client_id and tab_id are required");
        }
        int holdSeconds = waiting.holdSecondsOf(session.getContext().getUri().getRequestUri());
        ClientModel client = realm.getClientByClientId(clientId);
        AuthenticationSessionModel authSession =
                client == null
                        ? null
                        : new AuthenticationSessionManager(session)
                                .getCurrentAuthenticationSession(realm, client, tabId);
        if (authSession == null) {
            throw new ApiError(
                    Response.Status.NOT_FOUND,
                    "session_not_found",
                    "no sign-in in progress for this browser tab");
        }
        EventBuilder event =
                new EventBuilder(realm, session, session.getContext().getConnection())
                        .client(client);
        Optional<Watched> watched =
                holdSeconds == 0 ? Optional.empty() : watched(authSession, holdSeconds);
        if (watched.isEmpty()) {
            return CompletableFuture.completedFuture(state(stateOf(authSession, event)));
        }
        Waiter<Response> waiter =
                new Waiter<>(
                        watched.get().key(),
                        authSession.getParentSession().getId(),
                        woken -> woken.answer(state(woken.wokenState())),
                        () -> state(PENDING));
        Response refused = waiting.hold(waiter, watched.get().seconds());
        String state = stateOf(authSession, event);
        if (refused != null) {
            return CompletableFuture.completedFuture(
                    PENDING.equals(state) ? refused : state(state));
        }
        if (!PENDING.equals(state)) {
            waiter.answer(state(state));
        }
        return waiter.answer();
    }

    /**
     * What this tab's page waits for, and for how long at most: never past its challenge's expiry.
     */
    private Optional<Watched> watched(AuthenticationSessionModel authSession, int holdSeconds) {
        Optional<String> enrolment = RegisterDeviceAction.enrolmentWakeKey(authSession);
        if (enrolment.isPresent()) {
            return Optional.of(new Watched(enrolment.get(), holdSeconds));
        }
        Optional<Challenge> challenge = new PushChallenges(session).current(authSession);
        return challenge.map(
                c ->
                        new Watched(
                                Wakes.challenge(c.id()),
                                (int)
                                        Math.max(
                                                1,
                                                Math.min(
                                                        holdSeconds,
                                                        c.expiresAt() - Time.currentTime() + 1))));
    }

    private record Watched(String key, int seconds) {}

    private String stateOf(AuthenticationSessionModel authSession, EventBuilder event) {
        Optional<String> state = RegisterDeviceAction.enrolmentState(session, authSession);
        if (state.isEmpty()) {
            state =
                    new PushChallenges(session)
                            .status(authSession, event)
                            .map(s -> s.name().toLowerCase(Locale.ROOT));
        }
        return state.orElse("none");
    }

    private static Response state(String state) {
        return Response.ok(Map.of("state", state))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .build();
    }
}
