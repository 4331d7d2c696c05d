package io.approvalguard.governance.veto;

import io.approvalguard.governance.GovernanceAudit;
import io.approvalguard.governance.VetoToken;
import io.approvalguard.risk.RiskAction;
import io.approvalguard.risk.RiskInput;
import io.approvalguard.risk.RiskLevel;
import io.approvalguard.risk.RiskResponder;
import io.approvalguard.risk.RiskScoring;
import io.approvalguard.risk.RiskSettings;
import io.approvalguard.stream.StreamEventListenerFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RevokedTokenProvider;
import org.keycloak.models.UserModel;

/**
 * What a confirmed "this wasn't me" does, once per link, in the confirming transaction: spends the
 * token in Keycloak's store of used action tokens (the one its action-token endpoint asks), gives
 * the subject the risk scorer's fraud response as a device's "this wasn't me" does (scored where
 * the realm is scored; push held and sessions ended in any case), and writes {@code veto_reported}
 * and {@code security_review_opened} to the governance audit (each also a stream event).
 */
public final class VetoReport {

    private static final Logger LOG = Logger.getLogger(VetoReport.class);

    /** The reason code of the risk responses, in the risk audit and its stream events. */
    static final String REASON_CODE = "governance.veto_reported";

    static final String SOURCE = "governance";

    /** How a confirmed report ended. */
    public enum Outcome {
        REPORTED,
        /** This link was used before. */
        ALREADY_REPORTED,
        /** The subject no longer exists: there is nobody to protect. */
        USER_GONE
    }

    private final KeycloakSession session;

    public VetoReport(KeycloakSession session) {
        this.session = session;
    }

    /** Whether this link has been used (its report made). */
    public boolean isSpent(VetoToken token) {
        return used().contains(token.serializeKey());
    }

    public Outcome report(RealmModel realm, VetoToken token) {
        UserModel subject = session.users().getUserById(realm, token.getUserId());
        if (subject == null) {
            return Outcome.USER_GONE;
        }
        if (!spend(used(), token, Time.currentTime())) {
            return Outcome.ALREADY_REPORTED;
        }
        String reasonKey = "veto:" + token.getId();
        Map<String, Object> reported = new LinkedHashMap<>();
        reported.put("kind", token.getKind());
        reported.put("address", token.getAddress());
        reported.put("token_id", token.getId());
        reported.put("risk_scored", score(realm, subject, reasonKey));
        reported.put("risk_responses", respond(realm, subject, reasonKey));
        GovernanceAudit audit = new GovernanceAudit(session);
        audit.append(
                realm,
                token.getRequestId(),
                "veto_reported",
                subject.getId(),
                subject.getId(),
                reported);
        Map<String, Object> review = new LinkedHashMap<>();
        review.put("cause", "veto_reported");
        review.put("kind", token.getKind());
        review.put("subject_id", subject.getId());
        audit.append(
                realm,
                token.getRequestId(),
                "security_review_opened",
                subject.getId(),
                subject.getId(),
                review);
        LOG.infof(
                "Approval Guard: user %s in realm %s reported change request %s as not theirs",
                subject.getId(), realm.getName(), token.getRequestId());
        return Outcome.REPORTED;
    }

    /**
     * Spends the token in Keycloak's own store of used action tokens, by the key its action-token
     * endpoint checks, until the token's expiry: insert if absent (the JPA store in this
     * transaction). Answers whether this call spent it.
     */
    static boolean spend(RevokedTokenProvider used, VetoToken token, long nowSeconds) {
        return used.put(token.serializeKey(), Math.max(1, token.getExp() - nowSeconds));
    }

    /**
     * The scorer's input a device's "this wasn't me" gives, under the same conditions (the scorer
     * on, the realm streaming to it); returns whether it was scored.
     */
    private boolean score(RealmModel realm, UserModel subject, String reasonKey) {
        if (!RiskScoring.isOn(session)
                || realm.getEventsListenersStream()
                        .noneMatch(StreamEventListenerFactory.PROVIDER_ID::equals)) {
            return false;
        }
        new RiskScoring(session, realm)
                .score(
                        subject,
                        RiskInput.of(RiskInput.Kind.FRAUD_REPORTED, Time.currentTimeMillis()),
                        reasonKey);
        return true;
    }

    /**
     * A report is a person's word, not a heuristic: push is held and sessions end even where the
     * scorer is off or set more leniently. Responses the scorer has just applied under the same key
     * are not applied twice.
     */
    private List<Map<String, Object>> respond(
            RealmModel realm, UserModel subject, String reasonKey) {
        RiskResponder responder = new RiskResponder(session, realm);
        RiskResponder.Reason reason =
                new RiskResponder.Reason(REASON_CODE, SOURCE, subject.getId(), reasonKey);
        List<Map<String, Object>> responses = new ArrayList<>();
        long suspendSeconds = RiskSettings.of(realm).suspendSeconds();
        for (RiskAction action : List.of(RiskAction.SUSPEND_PUSH, RiskAction.REVOKE_SESSIONS)) {
            RiskResponder.Applied applied =
                    responder.apply(subject, action, reason, suspendSeconds, RiskLevel.CRITICAL);
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("action", action.wireName());
            response.put("detail", applied.record().getDetail());
            responses.add(response);
        }
        return responses;
    }

    private RevokedTokenProvider used() {
        return session.revokedTokens();
    }
}
