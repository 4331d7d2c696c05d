package io.approvalguard.risk;

import io.approvalguard.stream.sink.SinkProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Scores one input for a user and applies the responses its level calls for, in the caller's
 * transaction: for the relay's records, and for a device's decision as part of that decision.
 */
public final class RiskScoring {

    private final KeycloakSession session;
    private final RealmModel realm;

    /** Whether the scorer is on (not turned off for an external scorer that decides alone). */
    public static boolean isOn(KeycloakSession session) {
        return session.getKeycloakSessionFactory()
                                .getProviderFactory(SinkProvider.class, RiskSinkFactory.PROVIDER_ID)
                        instanceof RiskSinkFactory factory
                && factory.isActive();
    }

    public RiskScoring(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /**
     * @param reasonKey what makes the responses idempotent: the same key never applies a response
     *     twice
     */
    public void score(UserModel user, RiskInput input, String reasonKey) {
        RiskSettings settings = RiskSettings.of(realm);
        RiskStates states = new RiskStates(session);
        boolean spraying = false;
        if (input.kind() == RiskInput.Kind.PROMPT_SENT && input.ipAddress() != null) {
            RiskStates.Loaded ip =
                    states.load(realm.getId(), RiskStates.ipSubject(input.ipAddress()));
            spraying =
                    RiskScorer.recordPrompt(
                            ip.profile(), user.getId(), input.timeMillis(), settings);
            states.save(ip, input.timeMillis());
        }
        RiskStates.Loaded state = states.load(realm.getId(), RiskStates.userSubject(user.getId()));
        RiskScorer.Assessment assessment =
                RiskScorer.assess(state.profile(), input, settings, spraying);
        states.save(state, input.timeMillis());
        if (assessment.raisedAnything()) {
            respond(user, assessment, settings, reasonKey);
        }
    }

    private void respond(
            UserModel user,
            RiskScorer.Assessment assessment,
            RiskSettings settings,
            String reasonKey) {
        RiskLevel level = assessment.level();
        if (!level.isAtLeast(RiskLevel.HIGH)) {
            return; // elevated is read by the next prompt; nothing durable to do
        }
        RiskResponder responder = new RiskResponder(session, realm);
        RiskResponder.Reason reason =
                new RiskResponder.Reason(
                        "risk." + assessment.signals().get(0).wireName(),
                        RiskSink.SOURCE,
                        null,
                        reasonKey);
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
}
