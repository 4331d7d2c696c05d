package io.approvalguard.risk;

import io.approvalguard.support.config.ConfigValues;
import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.OptionGroup;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.keycloak.models.RealmModel;

/**
 * The risk scorer's rules for one realm: stored as realm attributes named {@value
 * #ATTRIBUTE_PREFIX}{@code <setting>}, read with their defaults, validated when an admin changes
 * them through the admin API (a value out of range there is a 400, here it falls back).
 */
public record RiskSettings(
        Map<RiskSignal, Integer> weights,
        int halfLifeSeconds,
        int elevatedAt,
        int highAt,
        int criticalAt,
        int fatigueStreak,
        int fatigueWindowSeconds,
        int enrolAfterResetSeconds,
        int ipUsersThreshold,
        int ipWindowSeconds,
        int suspendSeconds,
        boolean revokeAtCritical,
        boolean reenrolAtCritical,
        boolean emailAtCritical) {

    public static final String ATTRIBUTE_PREFIX = "approvalGuard.risk.";

    static final Option<Integer> HALF_LIFE =
            Option.wholeNumber(
                    "halfLifeSeconds", 21_600, 60, 30 * 86_400, "Time for a score to fall to half");
    public static final Option<Integer> ELEVATED_AT =
            Option.wholeNumber(
                    "elevatedAt",
                    30,
                    1,
                    10_000,
                    "Score from which the level is elevated (longer code, quiet mode)");
    public static final Option<Integer> HIGH_AT =
            Option.wholeNumber(
                    "highAt", 60, 1, 10_000, "Score from which the level is high (push suspended)");
    public static final Option<Integer> CRITICAL_AT =
            Option.wholeNumber(
                    "criticalAt",
                    100,
                    1,
                    10_000,
                    "Score from which the level is critical (sessions revoked)");
    static final Option<Integer> FATIGUE_STREAK =
            Option.wholeNumber(
                    "fatigueStreak",
                    3,
                    1,
                    100,
                    "Denials or timeouts that make a following approval a fatigue win");
    static final Option<Integer> FATIGUE_WINDOW =
            Option.wholeNumber(
                    "fatigueWindowSeconds",
                    300,
                    10,
                    86_400,
                    "How recent the streak and the approval must be");
    static final Option<Integer> ENROL_AFTER_RESET =
            Option.wholeNumber(
                    "enrolAfterResetSeconds",
                    86_400,
                    0,
                    30 * 86_400,
                    "A device enrolled this soon after a password reset is a signal");
    static final Option<Integer> IP_USERS_THRESHOLD =
            Option.wholeNumber(
                    "ipUsersThreshold",
                    5,
                    2,
                    10_000,
                    "Distinct users prompted from one IP that make it a spraying source");
    static final Option<Integer> IP_WINDOW =
            Option.wholeNumber(
                    "ipWindowSeconds", 600, 10, 86_400, "Window for counting users per IP");
    static final Option<Integer> SUSPEND =
            Option.wholeNumber(
                    "suspendSeconds",
                    3_600,
                    60,
                    30 * 86_400,
                    "How long push stays suspended at level high or above");
    // 0 or 1 rather than true or false: the admin API has always taken and shown these as numbers
    static final Option<Integer> REVOKE_AT_CRITICAL =
            Option.wholeNumber(
                    "revokeAtCritical", 1, 0, 1, "1: revoke sessions and tokens at level critical");
    static final Option<Integer> REENROL_AT_CRITICAL =
            Option.wholeNumber(
                    "reenrolAtCritical",
                    0,
                    0,
                    1,
                    "1: require device re-enrolment at level critical");
    static final Option<Integer> EMAIL_AT_CRITICAL =
            Option.wholeNumber(
                    "emailAtCritical",
                    1,
                    0,
                    1,
                    "1: email the user at level critical when the realm has SMTP");

    private static final Map<RiskSignal, Option<Integer>> WEIGHTS = weightOptions();

    private static final List<Option<Integer>> ALL =
            Stream.concat(
                            Stream.of(
                                    HALF_LIFE,
                                    ELEVATED_AT,
                                    HIGH_AT,
                                    CRITICAL_AT,
                                    FATIGUE_STREAK,
                                    FATIGUE_WINDOW,
                                    ENROL_AFTER_RESET,
                                    IP_USERS_THRESHOLD,
                                    IP_WINDOW,
                                    SUSPEND,
                                    REVOKE_AT_CRITICAL,
                                    REENROL_AT_CRITICAL,
                                    EMAIL_AT_CRITICAL),
                            WEIGHTS.values().stream())
                    .toList();

    /** Every setting, as realm attributes and the admin API name them. */
    public static final OptionGroup SETTINGS = OptionGroup.realmAttributes(ATTRIBUTE_PREFIX, ALL);

    public static final RiskSettings DEFAULTS = from(Map.of());

    private static Map<RiskSignal, Option<Integer>> weightOptions() {
        Map<RiskSignal, Option<Integer>> weights = new EnumMap<>(RiskSignal.class);
        for (RiskSignal signal : RiskSignal.values()) {
            weights.put(
                    signal,
                    Option.wholeNumber(
                            "weight." + signal.wireName(),
                            signal.defaultWeight(),
                            0,
                            10_000,
                            "Score added by the signal " + signal.wireName()));
        }
        return weights;
    }

    /** The setting of that name, for the admin API; empty when there is none. */
    public static Optional<Option<Integer>> setting(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public static RiskSettings of(RealmModel realm) {
        Map<String, String> values = SETTINGS.rawValues(realm::getAttribute);
        return values.isEmpty() ? DEFAULTS : from(values);
    }

    static RiskSettings from(Map<String, String> values) {
        Map<Option<Integer>, Integer> v = new LinkedHashMap<>();
        ALL.forEach(setting -> v.put(setting, ConfigValues.get(values, setting)));
        Map<RiskSignal, Integer> weights = new EnumMap<>(RiskSignal.class);
        WEIGHTS.forEach((signal, setting) -> weights.put(signal, v.get(setting)));
        int elevated = v.get(ELEVATED_AT);
        int high = Math.max(v.get(HIGH_AT), elevated);
        int critical = Math.max(v.get(CRITICAL_AT), high);
        return new RiskSettings(
                Map.copyOf(weights),
                v.get(HALF_LIFE),
                elevated,
                high,
                critical,
                v.get(FATIGUE_STREAK),
                v.get(FATIGUE_WINDOW),
                v.get(ENROL_AFTER_RESET),
                v.get(IP_USERS_THRESHOLD),
                v.get(IP_WINDOW),
                v.get(SUSPEND),
                v.get(REVOKE_AT_CRITICAL) == 1,
                v.get(REENROL_AT_CRITICAL) == 1,
                v.get(EMAIL_AT_CRITICAL) == 1);
    }

    public int weight(RiskSignal signal) {
        return weights.get(signal);
    }

    public RiskLevel levelOf(double score) {
        if (score >= criticalAt) {
            return RiskLevel.CRITICAL;
        }
        if (score >= highAt) {
            return RiskLevel.HIGH;
        }
        return score >= elevatedAt ? RiskLevel.ELEVATED : RiskLevel.NORMAL;
    }

    /** The effective values, by setting name, as the admin API shows them. */
    public static Map<String, Integer> effective(RealmModel realm) {
        Map<String, String> values = SETTINGS.rawValues(realm::getAttribute);
        Map<String, Integer> shown = new LinkedHashMap<>();
        ALL.forEach(setting -> shown.put(setting.name(), ConfigValues.get(values, setting)));
        return shown;
    }
}
