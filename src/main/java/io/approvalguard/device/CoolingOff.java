package io.approvalguard.device;

import org.keycloak.models.UserModel;

/**
 * The cooling-off after a second-factor reset: for a while, a device enrolled after the reset may
 * not approve another sensitive change nor confirm the enrolment of a further device. The reset was
 * possibly an attacker's doing (a tricked help desk); the cooling-off keeps the device they then
 * enrolled from approving its way further in while the real user can still object.
 *
 * <p>Held as two user attributes: when the reset was and when the cooling-off ends (Keycloak time,
 * seconds). Devices enrolled before the reset are gone (the reset removed them); a device is
 * "enrolled after" when its credential's creation time is at or after the reset.
 */
public final class CoolingOff {

    /** The cooling-off when the policy names none: one hour. */
    public static final long DEFAULT_SECONDS = 3600;

    private static final String RESET_AT = "approval-guard.second-factor-reset-at";
    private static final String UNTIL = "approval-guard.cooling-off-until";

    private CoolingOff() {}

    /** Starts (or restarts) the cooling-off after a reset at {@code nowSeconds}. */
    public static void start(UserModel user, long nowSeconds, long seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("a cooling-off cannot be negative: " + seconds);
        }
        user.setSingleAttribute(RESET_AT, Long.toString(nowSeconds));
        user.setSingleAttribute(UNTIL, Long.toString(nowSeconds + seconds));
    }

    /**
     * Whether {@code device} is cooling off at {@code nowSeconds}: enrolled at or after the last
     * reset while that reset's cooling-off has not ended. An unreadable record counts as cooling
     * off (fail closed) until its end can be read again.
     */
    public static boolean holds(UserModel user, DeviceCredentialModel device, long nowSeconds) {
        String resetAt = user.getFirstAttribute(RESET_AT);
        String until = user.getFirstAttribute(UNTIL);
        if (resetAt == null && until == null) {
            return false;
        }
        long reset;
        long end;
        try {
            reset = Long.parseLong(resetAt);
            end = Long.parseLong(until);
        } catch (NumberFormatException e) {
            return true;
        }
        if (nowSeconds >= end) {
            return false;
        }
        Long created = device.getCreatedDate();
        // a device without a creation time cannot show it predates the reset
        return created == null || created >= reset * 1000L;
    }

    /** When the current cooling-off ends (seconds), or 0 when there is none on record. */
    public static long endsAt(UserModel user) {
        String until = user.getFirstAttribute(UNTIL);
        if (until == null) {
            return 0;
        }
        try {
            return Long.parseLong(until);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
