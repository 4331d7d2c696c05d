package io.approvalguard.risk;

import java.util.Locale;

/**
 * Something that happened around an approval and raises the user's risk score; weights are realm
 * settings.
 */
public enum RiskSignal {
    DENIAL(10),
    TIMEOUT(5),
    WRONG_CODE(25),
    /**
     * "This wasn't me" on the device: critical on its own by default (and for hours, as the score
     * decays).
     */
    FRAUD_REPORT(150),
    /** A prompt refused by the fatigue throttle: someone keeps trying. */
    PROMPT_FLOOD(15),
    /**
     * An approval within minutes after a streak of denials or timeouts: the classic fatigue win.
     */
    FATIGUE_APPROVAL(150),
    /** An approved sign-in from a country this user has not signed in from. */
    NEW_COUNTRY(20),
    /** An approved sign-in from a network (AS number) this user has not signed in from. */
    NEW_NETWORK(10),
    /** A device enrolled soon after the password was reset: a takeover pattern. */
    ENROL_AFTER_RESET(40),
    /** The sign-in's IP address prompted many different users recently (spraying). */
    IP_MANY_USERS(30);

    private final int defaultWeight;

    RiskSignal(int defaultWeight) {
        this.defaultWeight = defaultWeight;
    }

    public int defaultWeight() {
        return defaultWeight;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
