package io.approvalguard.risk;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.approvalguard.support.config.ConfigValues;
import org.keycloak.models.RealmModel;

/**
 * The risk scorer's rules for one realm: stored as realm attributes named
 * {@value #ATTRIBUTE_PREFIX}{@code <setting>}, read with their defaults, validated when an admin
 * changes them through the admin API (a value out of range there is a 400, here it falls back).
 */
public record RiskSettings(Map<RiskSignal, Integer> weights, int halfLifeSeconds, int elevatedAt, int highAt,
        int criticalAt, int fatigueStreak, int fatigueWindowSeconds, int enrolAfterResetSeconds, int ipUsersThreshold,
        int ipWindowSeconds, int suspendSeconds, boolean revokeAtCritical, boolean reenrolAtCritical,
        boolean emailAtCritical) {

    public static final String ATTRIBUTE_PREFIX = "approvalGuard.risk.";

    /** One setting: its name, default, range and meaning; declared once for parsing, validation and the API. */
    public record Setting(String name, int defaultValue, int min, int max, String help) {
    }

    public static final List<Setting> SETTINGS = Stream.concat(Stream.of(
            new Setting("halfLifeSeconds", 21_600, 60, 30 * 86_400, "Time for a score to fall to half"),
            new Setting("elevatedAt", 30, 1, 10_000, "Score from which the level is elevated (longer code, quiet mode)"),
            new Setting("highAt", 60, 1, 10_000, "Score from which the level is high (push suspended)"),
            new Setting("criticalAt", 100, 1, 10_000, "Score from which the level is critical (sessions revoked)"),
            new Setting("fatigueStreak", 3, 1, 100, "Denials or timeouts that make a following approval a fatigue win"),
            new Setting("fatigueWindowSeconds", 300, 10, 86_400, "How recent the streak and the approval must be"),
            new Setting("enrolAfterResetSeconds", 86_400, 0, 30 * 86_400, "A device enrolled this soon after a password reset is a signal"),
            new Setting("ipUsersThreshold", 5, 2, 10_000, "Distinct users prompted from one IP that make it a spraying source"),
            new Setting("ipWindowSeconds", 600, 10, 86_400, "Window for counting users per IP"),
            new Setting("suspendSeconds", 3_600, 60, 30 * 86_400, "How long push stays suspended at level high or above"),
            new Setting("revokeAtCritical", 1, 0, 1, "1: revoke sessions and tokens at level critical"),
            new Setting("reenrolAtCritical", 0, 0, 1, "1: require device re-enrolment at level critical"),
            new Setting("emailAtCritical", 1, 0, 1, "1: email the user at level critical when the realm has SMTP")),
            Stream.of(RiskSignal.values()).map(s -> new Setting("weight." + s.wireName(), s.defaultWeight(), 0, 10_000,
                    "Score added by the signal " + s.wireName())))
            .toList();

    public static final RiskSettings DEFAULTS = from(Map.of());

    public static RiskSettings of(RealmModel realm) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Setting setting : SETTINGS) {
            String raw = realm.getAttribute(ATTRIBUTE_PREFIX + setting.name());
            if (raw != null) {
                values.put(setting.name(), raw);
            }
        }
        return values.isEmpty() ? DEFAULTS : from(values);
    }

    static RiskSettings from(Map<String, String> values) {
        Map<String, Integer> v = new LinkedHashMap<>();
        for (Setting s : SETTINGS) {
            v.put(s.name(), ConfigValues.integer(values, s.name(), s.defaultValue(), s.min(), s.max()));
        }
        Map<RiskSignal, Integer> weights = new EnumMap<>(RiskSignal.class);
        for (RiskSignal signal : RiskSignal.values()) {
            weights.put(signal, v.get("weight." + signal.wireName()));
        }
        int elevated = v.get("elevatedAt");
        int high = Math.max(v.get("highAt"), elevated);
        int critical = Math.max(v.get("criticalAt"), high);
        return new RiskSettings(Map.copyOf(weights), v.get("halfLifeSeconds"), elevated, high, critical,
                v.get("fatigueStreak"), v.get("fatigueWindowSeconds"), v.get("enrolAfterResetSeconds"),
                v.get("ipUsersThreshold"), v.get("ipWindowSeconds"), v.get("suspendSeconds"),
                v.get("revokeAtCritical") == 1, v.get("reenrolAtCritical") == 1, v.get("emailAtCritical") == 1);
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
        Map<String, Integer> shown = new LinkedHashMap<>();
        for (Setting setting : SETTINGS) {
            String raw = realm.getAttribute(ATTRIBUTE_PREFIX + setting.name());
            shown.put(setting.name(), ConfigValues.integer(raw == null ? Map.of() : Map.of(setting.name(), raw),
                    setting.name(), setting.defaultValue(), setting.min(), setting.max()));
        }
        return shown;
    }
}
