package io.approvalguard.governance.kinds;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.utils.EmailValidationUtil;

/**
 * {@code change_email}: sets the subject's email address to {@code new_email} as not verified and
 * adds the verify-email required action. Refused when the address is not valid, is the current one,
 * or belongs to another user of the realm (unless the realm allows duplicate addresses). Change:
 * {@code {"old_email": "...", "new_email": "..."}} ({@code old_email} absent when the user had
 * none); applied only while the user's address is still {@code old_email}.
 */
public final class ChangeEmail implements ChangeKind {

    public static final String NAME = "change_email";
    static final String OLD = "old_email";
    static final String NEW = "new_email";

    private static final String ACTION = UserModel.RequiredAction.VERIFY_EMAIL.name();

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
        Map<String, Object> in = Inputs.only(change, Set.of(OLD, NEW));
        String newEmail = normalise(Inputs.requiredText(in, NEW));
        if (!EmailValidationUtil.isValidEmail(newEmail)) {
            throw new ChangeInvalid("new_email is not a valid email address");
        }
        String current = current(subject);
        if (in.containsKey(OLD) && !Objects.equals(normalise(Inputs.text(in, OLD)), current)) {
            throw new ChangeInvalid("old_email is not the user's current email address");
        }
        if (realm.isRegistrationEmailAsUsername()) {
            throw new ChangeInvalid(
                    "this realm uses the email address as username; change_email does not rename users");
        }
        Map<String, Object> normalised = new LinkedHashMap<>();
        if (current != null) {
            normalised.put(OLD, current);
        }
        normalised.put(NEW, newEmail);
        Optional<String> refused = precheck(s, realm, subject, normalised);
        if (refused.isPresent()) {
            throw new ChangeInvalid(refused.get());
        }
        return normalised;
    }

    @Override
    public Optional<String> precheck(
            KeycloakSession s, RealmModel realm, UserModel subject, Map<String, Object> change) {
        String newEmail = (String) change.get(NEW);
        String oldEmail = (String) change.get(OLD);
        String current = current(subject);
        if (!Objects.equals(oldEmail, current)) {
            return Optional.of("the user's email address has changed since the request was filed");
        }
        if (newEmail.equals(current)) {
            return Optional.of("new_email is already the user's email address");
        }
        if (!realm.isDuplicateEmailsAllowed() && takenByAnother(s, realm, subject, newEmail)) {
            return Optional.of("new_email belongs to another user of the realm");
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
        String newEmail = (String) change.get(NEW);
        subject.setEmail(newEmail);
        subject.setEmailVerified(false);
        if (subject.getRequiredActionsStream().noneMatch(ACTION::equals)) {
            subject.addRequiredAction(ACTION);
        }
        Map<String, Object> done = new LinkedHashMap<>();
        if (change.get(OLD) != null) {
            done.put(OLD, change.get(OLD));
        }
        done.put(NEW, newEmail);
        done.put("email_verified", false);
        done.put("required_action", ACTION);
        return done;
    }

    private static boolean takenByAnother(
            KeycloakSession s, RealmModel realm, UserModel subject, String email) {
        try {
            UserModel holder = s.users().getUserByEmail(realm, email);
            return holder != null && !holder.getId().equals(subject.getId());
        } catch (ModelDuplicateException e) {
            return true;
        }
    }

    private static String current(UserModel subject) {
        String email = subject.getEmail();
        return email == null || email.isBlank() ? null : normalise(email);
    }

    /** As Keycloak stores addresses: trimmed and in lower case. */
    private static String normalise(String email) {
        return email == null ? null : email.strip().toLowerCase(Locale.ROOT);
    }
}
