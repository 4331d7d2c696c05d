package io.approvalguard.risk;

import java.util.Locale;

/** How much a user's recent history worries us, and so what a sign-in must do. */
public enum RiskLevel {
    /** Nothing unusual. */
    NORMAL,
    /** Longer verification code, and prompts only when the user opens the app (quiet mode). */
    ELEVATED,
    /** Push is suspended: the flow must use another factor. */
    HIGH,
    /** Sessions and tokens are revoked. */
    CRITICAL;

    public boolean isAtLeast(RiskLevel other) {
        return compareTo(other) >= 0;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The level named by a config or API value, or null. */
    public static RiskLevel parse(String value) {
        if (value == null) {
            return null;
        }
        for (RiskLevel level : values()) {
            if (level.wireName().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return level;
            }
        }
        return null;
    }
}
