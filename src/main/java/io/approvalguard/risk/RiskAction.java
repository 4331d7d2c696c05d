package io.approvalguard.risk;

import java.util.Locale;

/** The responses, applied by the scorer at a level or by an external scorer through the admin API. */
public enum RiskAction {
    /** End every online and offline session (with back-channel logout) and set the user's not-before. */
    REVOKE_SESSIONS,
    /** No push prompts for a time; the flow must use another factor. */
    SUSPEND_PUSH,
    /** Suspend every device and require a new enrolment. */
    REQUIRE_REENROLMENT,
    /** Email the user, when the realm has SMTP and the user an email address. */
    NOTIFY_USER,
    /** Raise the score to at least a level's threshold (so conditional flows step up). */
    SET_LEVEL,
    /** Forget the score and lift push and device suspensions. */
    CLEAR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
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
