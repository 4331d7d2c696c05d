package io.approvalguard.governance;

import io.approvalguard.support.tx.AfterTransaction;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.UserModelDelegate;

/**
 * Governance mail, sent once the change it reports has committed, off the request thread: a slow
 * mail server must not hold up the approval that applied the change. A failure is logged, never
 * thrown; the audit already holds the change.
 */
final class GovernanceMail {

    private static final Logger LOG = Logger.getLogger(GovernanceMail.class);
    private static final String EXECUTOR = "approval-guard-governance-mail";

    /**
     * One message: to {@code address} (or the user's own when null), about {@code userId}, with
     * attributes made in the sending session.
     */
    record Message(
            String realmId,
            String userId,
            String address,
            String subjectKey,
            String template,
            Function<KeycloakSession, Map<String, Object>> attributes) {}

    private GovernanceMail() {}

    static boolean canSend(RealmModel realm) {
        return realm.getSmtpConfig() != null && !realm.getSmtpConfig().isEmpty();
    }

    static void afterCommit(KeycloakSession session, Message message) {
        AfterTransaction.onCommitInBackground(
                session,
                EXECUTOR,
                s -> send(s, message),
                e ->
                        LOG.warnf(
                                "Approval Guard: governance mail %s failed: %s",
                                message.template(), e.toString()));
    }

    private static void send(KeycloakSession session, Message message) {
        RealmModel realm = session.realms().getRealm(message.realmId());
        if (realm == null) {
            return;
        }
        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, message.userId());
        if (user == null) {
            return;
        }
        UserModel recipient =
                message.address() == null
                        ? user
                        : new UserModelDelegate(user) {
                            @Override
                            public String getEmail() {
                                return message.address();
                            }
                        };
        try {
            session.getProvider(EmailTemplateProvider.class)
                    .setRealm(realm)
                    .setUser(recipient)
                    .send(
                            message.subjectKey(),
                            message.template(),
                            message.attributes().apply(session));
        } catch (EmailException e) {
            LOG.warnf(
                    "Approval Guard: governance mail %s to user %s failed: %s",
                    message.template(), message.userId(), e.toString());
        }
    }
}
