package io.approvalguard.governance;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Break-glass is used: every security contact of the policy is mailed at once (the stream event is
 * the audit's). Without contacts or SMTP the log says so: the stream event still goes out.
 */
final class SecurityAlert {

    private static final Logger LOG = Logger.getLogger(SecurityAlert.class);

    private final KeycloakSession session;

    SecurityAlert(KeycloakSession session) {
        this.session = session;
    }

    void afterCommit(
            RealmModel realm,
            GovernancePolicy policy,
            ChangeRequestEntity request,
            UserModel requester) {
        if (policy.securityContacts().isEmpty() || !GovernanceMail.canSend(realm)) {
            LOG.warnf(
                    "Approval Guard: break-glass request %s in realm %s: no security contact"
                            + " mailed (%s)",
                    request.id,
                    realm.getName(),
                    policy.securityContacts().isEmpty()
                            ? "the policy lists no securityContacts"
                            : "the realm has no SMTP server");
            return;
        }
        String requestId = request.id;
        String kind = request.kind;
        String reason = request.reasonCode;
        String requesterName = requester.getUsername();
        String subjectId = request.subjectId;
        for (String address : policy.securityContacts()) {
            GovernanceMail.afterCommit(
                    session,
                    new GovernanceMail.Message(
                            realm.getId(),
                            requester.getId(),
                            address,
                            "approvalGuardBreakGlassSubject",
                            "approval-guard-break-glass.ftl",
                            s -> {
                                Map<String, Object> attributes = new LinkedHashMap<>();
                                RealmModel r = s.getContext().getRealm();
                                UserModel subject = s.users().getUserById(r, subjectId);
                                attributes.put("realmName", displayName(r));
                                attributes.put("requestId", requestId);
                                attributes.put("kind", kind);
                                attributes.put("reasonCode", reason);
                                attributes.put("requester", requesterName);
                                attributes.put(
                                        "subject",
                                        subject == null ? subjectId : subject.getUsername());
                                return attributes;
                            }));
        }
    }

    static String displayName(RealmModel realm) {
        return realm.getDisplayName() != null ? realm.getDisplayName() : realm.getName();
    }
}
