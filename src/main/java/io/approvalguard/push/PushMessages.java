package io.approvalguard.push;

import io.approvalguard.challenge.ApprovalGates;
import io.approvalguard.challenge.Verdict;
import io.approvalguard.fatigue.Admission;
import org.keycloak.forms.login.LoginFormsProvider;

/**
 * Which message the sign-in page shows for each outcome; the texts are in the theme's message
 * bundles.
 */
public final class PushMessages {

    private PushMessages() {}

    public static String forVerdict(Verdict verdict) {
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

    /**
     * The client's request cannot be shown to the user faithfully: nothing was sent to the device.
     */
    public static LoginFormsProvider invalidRequest(LoginFormsProvider form, String reason) {
        return form.setError("approvalGuardInvalidRequest", reason);
    }

    /**
     * Says which rule refused the prompt and when the next one may be sent, in the page's language
     * with proper plurals. Reveals nothing about devices.
     */
    public static LoginFormsProvider throttled(
            LoginFormsProvider form, Admission.Refusal refusal, long retryAfterSeconds) {
        String key =
                switch (refusal) {
                    case BACKING_OFF -> "approvalGuardThrottledBackingOff";
                    case TOO_SOON -> "approvalGuardThrottledTooSoon";
                    case QUOTA_SPENT -> "approvalGuardThrottledQuota";
                    case IP_LIMIT -> "approvalGuardThrottledIpLimit";
                    case BUSY -> "approvalGuardThrottledBusy";
                };
        return form.setError(key, duration(form, Math.max(1, retryAfterSeconds)));
    }

    /** "45 seconds", "1 minute", "3 hours": rounded up to the unit that reads best. */
    static String duration(LoginFormsProvider form, long seconds) {
        if (seconds < 90) {
            return form.getMessage("approvalGuardSeconds", seconds);
        }
        if (seconds < 90 * 60) {
            return form.getMessage("approvalGuardMinutes", (seconds + 59) / 60);
        }
        return form.getMessage("approvalGuardHours", (seconds + 3599) / 3600);
    }
}
