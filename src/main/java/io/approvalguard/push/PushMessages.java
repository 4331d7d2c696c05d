package io.approvalguard.push;

import org.keycloak.forms.login.LoginFormsProvider;

import io.approvalguard.challenge.ApprovalGates;
import io.approvalguard.fatigue.Admission;

/** Which message the sign-in page shows for each outcome; the texts are in the theme's message bundles. */
public final class PushMessages {

    private PushMessages() {
    }

    public static String forVerdict(PushVerdict verdict) {
        return switch (verdict) {
            case DENIED -> "approvalGuardDenied";
            case FRAUD -> "approvalGuardFraudReported";
            case FAILED -> "approvalGuardWrongCode";
            case EXPIRED -> "approvalGuardExpired";
            case SUPERSEDED -> "approvalGuardSuperseded";
            case SUSPENDED -> "approvalGuardPushSuspended";
            case LOCKED -> "approvalGuardLocked";
            case INVALID -> "approvalGuardInvalid";
            case PENDING -> "approvalGuardStillWaiting";
            case APPROVED -> null;
        };
    }

    /** Why no challenge could be sent to this user at all (a closed gate, not the throttle). */
    public static String forClosed(ApprovalGates.Closed closed, boolean hasDevices) {
        return switch (closed) {
            case PUSH_SUSPENDED -> "approvalGuardPushSuspended";
            case USER_DISABLED, USER_LOCKED -> "approvalGuardLocked";
            default -> hasDevices ? "approvalGuardDevicesSuspended" : "approvalGuardNoActiveDevice";
        };
    }

    /** The client's request cannot be shown to the user faithfully: nothing was sent to the device. */
    public static LoginFormsProvider invalidRequest(LoginFormsProvider form, String reason) {
        return form.setError("approvalGuardInvalidRequest", reason);
    }

    /** Says why no prompt was sent and, where known, when one may be sent again. Reveals nothing about devices. */
    public static LoginFormsProvider throttled(LoginFormsProvider form, Admission.Refusal refusal, long retryAfterSeconds) {
        if (refusal == Admission.Refusal.QUOTA_SPENT) {
            return form.setError("approvalGuardQuotaSpent");
        }
        long minutes = Math.max(1, (retryAfterSeconds + 59) / 60);
        return form.setError("approvalGuardThrottled", Long.toString(minutes));
    }
}
