package io.approvalguard.governance.kinds;

import io.approvalguard.support.tx.AfterTransaction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.keycloak.authentication.actiontoken.execactions.ExecuteActionsActionToken;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakUriInfo;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.SystemClientUtil;
import org.keycloak.services.resources.LoginActionsService;

/**
 * {@code reset_password}: nobody chooses or sees a password. The subject gets Keycloak's "execute
 * actions" email with an update-password link that lives {@code link_lifetime_seconds} (300 to
 * 3600, default 900), and the update-password required action, so the next sign-in asks for a new
 * password too. The email is sent after the transaction commits, off the request thread: a change
 * that is rolled back sends nothing. Change: {@code {"link_lifetime_seconds": 900}}.
 */
public final class ResetPassword implements ChangeKind {

    public static final String NAME = "reset_password";
    static final String LIFETIME = "link_lifetime_seconds";
    static final long DEFAULT_LIFETIME = 900;
    static final long MIN_LIFETIME = 300;
    static final long MAX_LIFETIME = 3600;

    private static final Logger LOG = Logger.getLogger(ResetPassword.class);
    private static final String EMAIL_EXECUTOR = "approval-guard-governance-email";
    private static final String ACTION = UserModel.RequiredAction.UPDATE_PASSWORD.name();

    @Override
    public String wireName() {
        return NAME;
    }

    @Override
    public boolean endsSessions() {
        return true;
    }

    @Override
    public Map<String, Object> parse(
            KeycloakSession s, RealmModel realm, UserModel subject, Map<String, Object> change)
            throws ChangeInvalid {
        Map<String, Object> in = Inputs.only(change, Set.of(LIFETIME));
        long lifetime =
                Inputs.wholeNumber(in, LIFETIME, DEFAULT_LIFETIME, MIN_LIFETIME, MAX_LIFETIME);
        Map<String, Object> normalised = Map.of(LIFETIME, lifetime);
        Optional<String> refused = precheck(s, realm, subject, normalised);
        if (refused.isPresent()) {
            throw new ChangeInvalid(refused.get());
        }
        return normalised;
    }

    @Override
    public Optional<String> precheck(
            KeycloakSession s, RealmModel realm, UserModel subject, Map<String, Object> change) {
        if (subject.getEmail() == null || subject.getEmail().isBlank()) {
            return Optional.of("the user has no email address to send the reset link to");
        }
        if (realm.getSmtpConfig() == null || realm.getSmtpConfig().isEmpty()) {
            return Optional.of("the realm has no SMTP server to send the reset link with");
        }
        if (!subject.isEnabled()) {
            return Optional.of("the user is disabled; unlock or enable the user first");
        }
        return Optional.empty();
    }

    @Override
    public Map<String, Object> apply(
            KeycloakSession s,
            RealmModel realm,
            UserModel subject,
            Map<String, Object> change,
            AppliedBy by) {
        long lifetime = ((Number) change.getOrDefault(LIFETIME, DEFAULT_LIFETIME)).longValue();
        if (subject.getRequiredActionsStream().noneMatch(ACTION::equals)) {
            subject.addRequiredAction(ACTION);
        }
        int expiresAt = Math.toIntExact(Time.currentTime() + lifetime);
        String link = link(s, realm, subject, expiresAt);
        String realmId = realm.getId();
        String userId = subject.getId();
        AfterTransaction.onCommitInBackground(
                s,
                EMAIL_EXECUTOR,
                job -> send(job, realmId, userId, link, lifetime),
                e ->
                        LOG.warnf(
                                "Approval Guard: password reset email to user %s failed: %s",
                                userId, e.toString()));
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("required_action", ACTION);
        done.put("email", "queued");
        done.put("link_expires_at", (long) expiresAt);
        return done;
    }

    /**
     * The action link, as Keycloak's admin {@code execute-actions-email} endpoint makes it: a
     * signed token naming the user, their email, the action and its expiry, for the realm's system
     * client.
     */
    private static String link(
            KeycloakSession s, RealmModel realm, UserModel subject, int expiresAt) {
        KeycloakUriInfo uri = s.getContext().getUri();
        if (uri == null) {
            throw new IllegalStateException(
                    "a password reset link is made while a request is being served");
        }
        // the client the link signs in with, as Keycloak's admin endpoint picks it (account, or a
        // system client it creates when account is gone): never in precheck, which changes nothing
        ClientModel client = SystemClientUtil.getSystemClient(realm);
        ExecuteActionsActionToken token =
                new ExecuteActionsActionToken(
                        subject.getId(),
                        subject.getEmail(),
                        expiresAt,
                        List.of(ACTION),
                        null,
                        client.getClientId());
        return LoginActionsService.actionTokenProcessor(uri)
                .queryParam("key", token.serialize(s, realm, uri))
                .build(realm.getName())
                .toString();
    }

    private static void send(
            KeycloakSession s, String realmId, String userId, String link, long lifetime) {
        RealmModel realm = s.realms().getRealm(realmId);
        if (realm == null) {
            return;
        }
        s.getContext().setRealm(realm);
        UserModel user = s.users().getUserById(realm, userId);
        if (user == null || user.getEmail() == null) {
            return;
        }
        try {
            s.getProvider(EmailTemplateProvider.class)
                    .setAttribute("requiredActions", List.of(ACTION))
                    .setRealm(realm)
                    .setUser(user)
                    .sendExecuteActions(link, TimeUnit.SECONDS.toMinutes(lifetime));
        } catch (EmailException e) {
            LOG.warnf(
                    "Approval Guard: password reset email to user %s failed: %s",
                    userId, e.toString());
        }
    }
}
