package io.approvalguard.governance;

import io.approvalguard.device.CoolingOff;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The person a change was made to is told, on every address Keycloak has for them: for an email
 * change, the old address and the new one. Each mail carries its own "this wasn't me" link (a
 * {@link VetoToken}), signed here in the applying request, valid a day or until the end of the
 * cooling-off when that is later.
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
        long vetoExpiresAt = VetoToken.expiresAt(Time.currentTime(), CoolingOff.endsAt(subject));
        Optional<String> vetoUrl =
                VetoToken.link(
                        session,
                        realm,
                        new VetoToken(
                                subject.getId(),
                                requestId,
                                kind,
                                address == null ? VetoToken.CURRENT : VetoToken.PREVIOUS,
                                vetoExpiresAt));
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
                            vetoUrl.ifPresent(
                                    url -> {
                                        attributes.put("vetoUrl", url);
                                        attributes.put(
                                                "vetoValidUntil",
                                                java.time.Instant.ofEpochSecond(vetoExpiresAt)
                                                        .toString());
                                    });
                            return attributes;
                        }));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> changeOf(ChangeRequestEntity request) {
        Object change = ChangeRequests.body(request).get("change");
        return change instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }
}
