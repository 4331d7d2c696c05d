package io.approvalguard.governance.kinds;

import io.approvalguard.device.CoolingOff;
import io.approvalguard.device.DeviceCredentialModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;

/**
 * {@code reset_second_factors}: removes every Approval Guard device, OTP and WebAuthn credential
 * (second-factor and passwordless) of the subject, requires a device enrolment at the next sign-in,
 * and starts the cooling-off of {@link CoolingOff}. Change: {@code {}}.
 */
public final class ResetSecondFactors implements ChangeKind {

    public static final String NAME = "reset_second_factors";

    /** The credential types removed, in the order the audit lists them. */
    static final List<String> TYPES =
            List.of(
                    DeviceCredentialModel.TYPE,
                    OTPCredentialModel.TYPE,
                    WebAuthnCredentialModel.TYPE_TWOFACTOR,
                    WebAuthnCredentialModel.TYPE_PASSWORDLESS);

    private final long coolingOffSeconds;

    public ResetSecondFactors(long coolingOffSeconds) {
        if (coolingOffSeconds < 0) {
            throw new IllegalArgumentException("negative cooling-off: " + coolingOffSeconds);
        }
        this.coolingOffSeconds = coolingOffSeconds;
    }

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
        Inputs.only(change, Set.of());
        Optional<String> refused = precheck(s, realm, subject, Map.of());
        if (refused.isPresent()) {
            throw new ChangeInvalid(refused.get());
        }
        return Map.of();
    }

    @Override
    public Optional<String> precheck(
            KeycloakSession s, RealmModel realm, UserModel subject, Map<String, Object> change) {
        boolean hasFactor =
                TYPES.stream()
                        .anyMatch(
                                type ->
                                        subject.credentialManager()
                                                .getStoredCredentialsByTypeStream(type)
                                                .findAny()
                                                .isPresent());
        boolean enrolmentRequired =
                subject.getRequiredActionsStream()
                        .anyMatch(DeviceCredentialModel.ENROLMENT_ACTION::equals);
        if (!hasFactor && enrolmentRequired) {
            return Optional.of(
                    "the user has no second factor to reset and must already enrol a device");
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
        Map<String, Object> removed = new LinkedHashMap<>();
        for (String type : TYPES) {
            List<String> ids =
                    subject.credentialManager()
                            .getStoredCredentialsByTypeStream(type)
                            .map(CredentialModel::getId)
                            .toList();
            long count =
                    ids.stream()
                            .filter(
                                    id ->
                                            subject.credentialManager()
                                                    .removeStoredCredentialById(id))
                            .count();
            removed.put(type, count);
        }
        if (subject.getRequiredActionsStream()
                .noneMatch(DeviceCredentialModel.ENROLMENT_ACTION::equals)) {
            subject.addRequiredAction(DeviceCredentialModel.ENROLMENT_ACTION);
        }
        long now = Time.currentTime();
        CoolingOff.start(subject, now, coolingOffSeconds);
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("removed", removed);
        done.put("required_action", DeviceCredentialModel.ENROLMENT_ACTION);
        done.put("cooling_off_until", now + coolingOffSeconds);
        return done;
    }
}
