package io.approvalguard.challenge;

import io.approvalguard.challenge.location.RequestLocation;
import io.approvalguard.risk.RiskInput;
import io.approvalguard.risk.RiskScoring;
import io.approvalguard.stream.StreamEventListenerFactory;
import java.util.Map;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Scores a device's decision as part of the decision, in its transaction: "this wasn't me" ends the
 * user's sessions, and an approval right after a streak of denials (a fatigue win) suspends push,
 * before the browser can spend the approval or a CIBA client receive its tokens, not when the relay
 * gets round to the record. Realms that do not stream to the scorer are not scored.
 */
final class DecisionScoring {

    private DecisionScoring() {}

    /** Called by the engine with a challenge a device has just decided. */
    static void judge(KeycloakSession session, Challenge challenge) {
        RealmModel realm = session.realms().getRealm(challenge.realmId());
        if (realm == null
                || !RiskScoring.isOn(session)
                || realm.getEventsListenersStream()
                        .noneMatch(StreamEventListenerFactory.PROVIDER_ID::equals)) {
            return;
        }
        UserModel user = session.users().getUserById(realm, challenge.userId());
        RiskInput.Kind kind =
                switch (challenge.status()) {
                    case APPROVED -> RiskInput.Kind.APPROVED;
                    case DENIED -> RiskInput.Kind.DENIED;
                    case FRAUD -> RiskInput.Kind.FRAUD_REPORTED;
                    case FAILED -> RiskInput.Kind.WRONG_CODE;
                    default -> null;
                };
        if (user == null
                || kind == null
                || (kind == RiskInput.Kind.DENIED
                        && ApprovalEngine.judgesAnotherAccount(challenge.purpose().orElse(null)))) {
            return;
        }
        Map<String, Object> context = challenge.context();
        RiskInput input =
                new RiskInput(
                        kind,
                        Time.currentTimeMillis(),
                        context.get(ApprovalContext.COUNTRY) instanceof String country
                                ? country
                                : null,
                        RequestLocation.networkId(context.get(ApprovalContext.NETWORK)),
                        null,
                        challenge.purpose().filter(Purpose.CIBA::equals).isPresent());
        new RiskScoring(session, realm).score(user, input, "challenge:" + challenge.id());
    }
}
