package io.approvalguard.risk;

import java.util.Locale;

/**
 * The responses, applied by the scorer at a level or by an external scorer through the admin API.
 */
public enum RiskAction {
    /**
     * End every online and offline session (with back-channel logout) and set the user's
     * not-before.
     */
    REVOKE_SESSIONS,
    /** No push prompts for a time; the flow must use another factor. */
    SUSPEND_PUSH,
    /** Suspend every device and require a new enrolment. */
    REQUIRE_REENROLMENT,
    /** Email the user, when the realm has SMTP and the user an email address. */
    NOTIFY_USER,
    /** Raise the score to at least a level's threshold (so conditional flows step up). */
    SET_LEVEL,
    /** Start the user's prompt quota, spacing and back-off afresh (the throttle, not the score). */
    RESET_THROTTLE,
    /** Forget the score, lift push and device suspensions, and reset the throttle. */
    CLEAR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every action's wire name, for error messages. */
    public static String wireNames() {
        return java.util.Arrays.stream(values())
                .map(RiskAction::wireName)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    public static RiskAction parse(String value) {
        for (RiskAction action : values()) {
            if (action.wireName().equals(value)) {
                return action;
            }
        }
        return null;
    }
}
