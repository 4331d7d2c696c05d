package io.approvalguard.challenge;

import java.util.Arrays;

/**
 * How the user proves they see the sign-in screen: by typing its code on the device (number
 * matching, the secret travelling from the primary to the secondary channel as NIST SP 800-63B-4
 * requires), or not at all.
 */
public enum VerificationProfile {
    /**
     * The configured length (6 by default), raised to at least 6 digits when the user's recent
     * history looks suspicious.
     */
    STANDARD("standard"),
    /** At least 6 digits, always. */
    NIST_800_63B_4("nist-800-63b-4"),
    /**
     * No code: the device only approves. Weak against push fatigue; only when chosen explicitly.
     */
    APPROVE_ONLY("approve-only");

    public static final int ESCALATED_LENGTH = 6;

    private final String configName;

    VerificationProfile(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static VerificationProfile fromConfigName(String name) {
        return Arrays.stream(values())
                .filter(p -> p.configName.equals(name))
                .findFirst()
                .orElse(STANDARD);
    }

    /** Digits the user must type for this prompt; 0 means no code. */
    public int codeLength(int configuredLength, boolean suspicious) {
        return switch (this) {
            case STANDARD ->
                    suspicious ? Math.max(ESCALATED_LENGTH, configuredLength) : configuredLength;
            case NIST_800_63B_4 -> Math.max(ESCALATED_LENGTH, configuredLength);
            case APPROVE_ONLY -> 0;
        };
    }
}
