package io.approvalguard.governance.kinds;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.BruteForceProtector;

/**
 * {@code unlock_user}: enables the subject and clears brute-force lock-outs (temporary and
 * permanent). Refused when the user is neither disabled nor locked. Change: {@code {"enable": true,
 * "unlock": true}}, always both: what is applied is whatever of the two is needed then.
 */
public final class UnlockUser implements ChangeKind {

    public static final String NAME = "unlock_user";
    static final String ENABLE = "enable";
    static final String UNLOCK = "unlock";

    @Override
    public String wireName() {
        return NAME;
    }

    @Override
    public boolean endsSessions() {
        return false;
    }

    @Override
    public Map<String, Object> parse(
            KeycloakSession s, RealmModel realm, UserModel subject, Map<String, Object> change)
            throws ChangeInvalid {
        Map<String, Object> in = Inputs.only(change, Set.of(ENABLE, UNLOCK));
        if (!Inputs.bool(in, ENABLE, true) || !Inputs.bool(in, UNLOCK, true)) {
            throw new ChangeInvalid(
                    "unlock_user always enables and unlocks: enable and unlock may only be true");
        }
        Map<String, Object> normalised = new LinkedHashMap<>();
        normalised.put(ENABLE, true);
        normalised.put(UNLOCK, true);
        Optional<String> refused = precheck(s, realm, subject, normalised);
        if (refused.isPresent()) {
            throw new ChangeInvalid(refused.get());
        }
        return normalised;
    }

    @Override
    public Optional<String> precheck(
            KeycloakSession s, RealmModel realm, UserModel subject, Map<String, Object> change) {
        if (subject.isEnabled() && !locked(s, realm, subject)) {
            return Optional.of("the user is neither disabled nor locked out");
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
        BruteForceProtector protector = s.getProvider(BruteForceProtector.class);
        boolean wasDisabled = !subject.isEnabled();
        boolean permanently = protector.isPermanentlyLockedOut(s, realm, subject);
        boolean temporarily = protector.isTemporarilyDisabled(s, realm, subject);
        if (permanently) {
            protector.cleanUpPermanentLockout(s, realm, subject);
        }
        if (!subject.isEnabled()) {
            subject.setEnabled(true);
        }
        s.loginFailures().removeUserLoginFailure(realm, subject.getId());
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("enabled", wasDisabled);
        done.put("unlocked", permanently || temporarily);
        return done;
    }

    private static boolean locked(KeycloakSession s, RealmModel realm, UserModel subject) {
        BruteForceProtector protector = s.getProvider(BruteForceProtector.class);
        return protector.isPermanentlyLockedOut(s, realm, subject)
                || protector.isTemporarilyDisabled(s, realm, subject);
    }
}
