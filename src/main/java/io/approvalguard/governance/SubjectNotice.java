package io.approvalguard.governance;

import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The person a change was made to is told, on every address Keycloak has for them: for an email
 * change, the old address and the new one.
 */
final class SubjectNotice {

    private final KeycloakSession session;

    SubjectNotice(KeycloakSession session) {
        this.session = session;
    }

    void afterCommit(RealmModel realm, ChangeRequestEntity request, UserModel subject) {
        if (!GovernanceMail.canSend(realm)) {
            return;
        }
        Map<String, Object> change = changeOf(request);
        String oldEmail = change.get("old_email") instanceof String s ? s : null;
        if (subject.getEmail() != null) {
            send(realm, request, subject, null);
        }
        if (oldEmail != null && !oldEmail.equalsIgnoreCase(subject.getEmail())) {
            send(realm, request, subject, oldEmail);
        }
    }

    private void send(
            RealmModel realm, ChangeRequestEntity request, UserModel subject, String address) {
        String requestId = request.id;
        String kind = request.kind;
        long at = request.closedAt == null ? request.createdAt : request.closedAt;
        GovernanceMail.afterCommit(
                session,
                new GovernanceMail.Message(
                        realm.getId(),
                        subject.getId(),
                        address,
                        "approvalGuardChangeNoticeSubject",
                        "approval-guard-change-notice.ftl",
                        s -> {
                            Map<String, Object> attributes = new LinkedHashMap<>();
                            attributes.put(
                                    "realmName",
                                    SecurityAlert.displayName(s.getContext().getRealm()));
                            attributes.put("requestId", requestId);
                            attributes.put("kind", kind);
                            attributes.put(
                                    "appliedAt", java.time.Instant.ofEpochSecond(at).toString());
                            return attributes;
                        }));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> changeOf(ChangeRequestEntity request) {
        Object change = ChangeRequests.body(request).get("change");
        return change instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }
}
