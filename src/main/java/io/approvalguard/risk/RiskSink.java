package io.approvalguard.risk;

import java.net.URI;
import java.util.List;

import io.approvalguard.push.PushAuthenticator;
import io.approvalguard.stream.StreamEvent;
import io.approvalguard.stream.sink.DeliveryOutcome;
import io.approvalguard.stream.sink.SinkProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

/** Scores one stream record and applies the responses its level calls for, in the relay's transaction. */
final class RiskSink implements SinkProvider {

    static final String SOURCE = "scorer";

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
        RiskSettings settings = RiskSettings.of(realm);
        RiskStates states = new RiskStates(session);
        RiskInput input = parsed.input();
        if (input.kind() == RiskInput.Kind.LOGIN) {
            // A login changes no score; it only matters for a user the scorer has acted on.
            RiskStates.Loaded state = states.load(realm.getId(), RiskStates.userSubject(user.getId()));
            if (!state.isNew) {
                endIfLate(new RiskResponder(session, realm), realm, user, state, parsed.sessionId());
            }
            return DeliveryOutcome.delivered();
        }

        boolean spraying = false;
        if (input.kind() == RiskInput.Kind.PROMPT_SENT && input.ipAddress() != null) {
            RiskStates.Loaded ip = states.load(realm.getId(), RiskStates.ipSubject(input.ipAddress()));
            spraying = RiskScorer.recordPrompt(ip.profile(), user.getId(), input.timeMillis(), settings);
            states.save(ip, input.timeMillis());
        }
        RiskStates.Loaded state = states.load(realm.getId(), RiskStates.userSubject(user.getId()));
        RiskScorer.Assessment assessment = RiskScorer.assess(state.profile(), input, settings, spraying);
        states.save(state, input.timeMillis());

        if (assessment.raisedAnything()) {
            respond(new RiskResponder(session, realm), user, assessment, settings, event.id());
        }
        return DeliveryOutcome.delivered();
    }

    private void respond(RiskResponder responder, UserModel user, RiskScorer.Assessment assessment,
            RiskSettings settings, String eventId) {
        RiskLevel level = assessment.level();
        if (!level.isAtLeast(RiskLevel.HIGH)) {
            return; // elevated is read by the next prompt; nothing durable to do
        }
        RiskResponder.Reason reason = new RiskResponder.Reason("risk." + assessment.signals().get(0).wireName(),
                SOURCE, null, eventId);
        responder.apply(user, RiskAction.SUSPEND_PUSH, reason, settings.suspendSeconds(), level);
        if (level == RiskLevel.CRITICAL) {
            if (settings.revokeAtCritical()) {
                responder.apply(user, RiskAction.REVOKE_SESSIONS, reason, 0, level);
            }
            if (settings.reenrolAtCritical()) {
                responder.apply(user, RiskAction.REQUIRE_REENROLMENT, reason, 0, level);
            }
            if (settings.emailAtCritical()) {
                responder.apply(user, RiskAction.NOTIFY_USER, reason, 0, level);
            }
        }
    }

    /**
     * A sign-in that passed push before the revocation, or while push was suspended, but whose
     * session only appeared afterwards (the browser consumed the approval a moment late): end it.
     */
    private void endIfLate(RiskResponder responder, RealmModel realm, UserModel user, RiskStates.Loaded state,
            String sessionId) {
        if (sessionId == null) {
            return;
        }
        UserSessionModel userSession = session.sessions().getUserSession(realm, sessionId);
        String passedAt = userSession == null ? null : userSession.getNote(PushAuthenticator.USER_SESSION_NOTE_PASSED);
        if (passedAt == null) {
            return;
        }
        long passedMillis = Long.parseLong(passedAt) * 1000;
        RiskProfile profile = state.profile();
        boolean beforeRevocation = profile.revokedAt > 0 && passedMillis <= profile.revokedAt + 1000;
        boolean whileSuspended = profile.suspendedSince > 0 && passedMillis >= profile.suspendedSince - 1000
                && passedMillis <= state.pushSuspendedUntil();
        if (beforeRevocation || whileSuspended) {
            responder.endLateSession(userSession);
        }
    }

    /** Background work acts in the event's realm, "at" the realm's URL, for Keycloak's logout code. */
    private void enterRealm(RealmModel realm, String source) {
        session.getContext().setRealm(realm);
        URI base = BackgroundRequest.baseOf(source);
        if (base != null) {
            session.getContext().setHttpRequest(new BackgroundRequest(base));
        }
    }
}
