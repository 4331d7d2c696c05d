package io.approvalguard.risk;

import io.approvalguard.challenge.login.LoginApproval;
import io.approvalguard.stream.sink.DeliveryOutcome;
import io.approvalguard.stream.sink.SinkProvider;
import io.approvalguard.stream.sink.StreamEvent;
import java.net.URI;
import java.util.List;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

/**
 * Scores one stream record and applies the responses its level calls for, in the relay's
 * transaction. Devices' decisions are not among the records: they are scored as part of the
 * decision itself (the approval engine calls {@link RiskScoring}).
 */
final class RiskSink implements SinkProvider {

    static final String SOURCE = "scorer";

    /** A CIBA challenge lives at most 10 minutes; its tokens come no later. */
    private static final long CIBA_POLL_WINDOW_MILLIS = 600_000;

    private final KeycloakSession session;

    RiskSink(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public List<DeliveryOutcome> deliver(List<StreamEvent> events) {
        return events.stream().map(this::score).toList();
    }

    private DeliveryOutcome score(StreamEvent event) {
        RiskInputs.Parsed parsed = RiskInputs.parse(event);
        if (parsed == null) {
            return DeliveryOutcome.delivered();
        }
        RealmModel realm = session.realms().getRealm(event.realmId());
        if (realm == null) {
            return DeliveryOutcome.delivered(); // realm deleted since: nothing left to protect
        }
        enterRealm(realm, parsed.source());
        UserModel user = session.users().getUserById(realm, parsed.userId());
        if (user == null) {
            return DeliveryOutcome.delivered(); // user deleted since
        }
        RiskInput input = parsed.input();
        if (input.kind() == RiskInput.Kind.LOGIN) {
            // A login changes no score; it only matters for a user the scorer has acted on.
            RiskStates.Loaded state =
                    new RiskStates(session)
                            .load(realm.getId(), RiskStates.userSubject(user.getId()));
            if (!state.isNew) {
                endIfLate(new RiskResponder(session, realm), realm, user, state, parsed);
            }
            return DeliveryOutcome.delivered();
        }
        new RiskScoring(session, realm).score(user, input, event.id());
        return DeliveryOutcome.delivered();
    }

    /**
     * A sign-in that passed push before the revocation, or while push was suspended, but whose
     * session only appeared afterwards (the browser consumed the approval a moment late, or a CIBA
     * client polled for its tokens after the revocation): end it.
     */
    private void endIfLate(
            RiskResponder responder,
            RealmModel realm,
            UserModel user,
            RiskStates.Loaded state,
            RiskInputs.Parsed parsed) {
        if (parsed.sessionId() == null) {
            return;
        }
        UserSessionModel userSession = session.sessions().getUserSession(realm, parsed.sessionId());
        if (userSession == null) {
            return;
        }
        RiskProfile profile = state.profile();
        Long browserPassedAt = LoginApproval.passedAt(userSession);
        if (!parsed.ciba() && browserPassedAt == null) {
            return; // not a push-approved session (another factor)
        }
        long passedMillis =
                parsed.ciba()
                        ? backchannelApproval(profile, parsed.input().timeMillis())
                        : browserPassedAt * 1000;
        boolean beforeRevocation =
                profile.revokedAt > 0 && passedMillis <= profile.revokedAt + 1000;
        boolean whileSuspended =
                profile.suspendedSince > 0
                        && passedMillis >= profile.suspendedSince - 1000
                        && passedMillis <= state.pushSuspendedUntil();
        if (beforeRevocation || whileSuspended) {
            responder.endLateSession(userSession);
        }
    }

    /**
     * When the approval behind a CIBA session was given: a CIBA session is always the device's
     * approval, and its tokens are issued only when the client polls, up to a CIBA request's
     * lifetime later.
     */
    private static long backchannelApproval(RiskProfile profile, long tokenIssuedAt) {
        long approvedAt = profile.backchannelApprovedAt;
        return approvedAt > 0
                        && approvedAt <= tokenIssuedAt
                        && tokenIssuedAt - approvedAt <= CIBA_POLL_WINDOW_MILLIS
                ? approvedAt
                : tokenIssuedAt;
    }

    /**
     * Background work acts in the event's realm, "at" the realm's URL, for Keycloak's logout code.
     */
    private void enterRealm(RealmModel realm, String source) {
        session.getContext().setRealm(realm);
        URI base = BackgroundRequest.baseOf(source);
        if (base != null) {
            session.getContext().setHttpRequest(new BackgroundRequest(base));
        }
    }
}
