package io.approvalguard.fatigue;

import java.util.List;
import java.util.Map;

import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import io.approvalguard.support.config.ConfigValues;

/**
 * How many prompts a user may get, and how fast: per push execution, with safe defaults. The
 * limits follow NIST SP 800-63B-4 (limit pushes since the last successful authentication) and
 * OWASP ASVS 6.6.4 (rate-limit push notifications).
 */
public record ThrottleSettings(
        int promptQuota,
        int minSpacingSeconds,
        int backoffInitialSeconds,
        int backoffMaxSeconds,
        int ipLimit,
        int ipWindowSeconds,
        boolean quietMode) {

    public static final String PROMPT_QUOTA = "prompt_quota";
    public static final String MIN_SPACING = "min_spacing_seconds";
    public static final String BACKOFF_INITIAL = "backoff_initial_seconds";
    public static final String BACKOFF_MAX = "backoff_max_seconds";
    public static final String IP_LIMIT = "ip_prompt_limit";
    public static final String IP_WINDOW = "ip_window_seconds";
    public static final String QUIET_MODE = "quiet_mode";

    public static final ThrottleSettings DEFAULTS = new ThrottleSettings(5, 10, 30, 3600, 20, 600, true);

    public static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(PROMPT_QUOTA).label("Prompts since the last successful sign-in")
            .helpText("Most push prompts a user gets until a sign-in succeeds (the count also clears after 24 hours "
                    + "without prompts). 1 to 50; default " + DEFAULTS.promptQuota + ".")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(DEFAULTS.promptQuota)).add()
            .property().name(MIN_SPACING).label("Minimum spacing (seconds)")
            .helpText("Least time between two prompts to the same user. 0 to 600; default " + DEFAULTS.minSpacingSeconds + ".")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(DEFAULTS.minSpacingSeconds)).add()
            .property().name(BACKOFF_INITIAL).label("Back-off after a denial or timeout (seconds)")
            .helpText("Wait after the first denied or unanswered prompt; it doubles with each further one, up to the "
                    + "maximum, and clears on a successful sign-in. 0 (off) to 3600; default " + DEFAULTS.backoffInitialSeconds + ".")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(DEFAULTS.backoffInitialSeconds)).add()
            .property().name(BACKOFF_MAX).label("Longest back-off (seconds)")
            .helpText("Cap of the doubling back-off. 0 to 86400; default " + DEFAULTS.backoffMaxSeconds + ".")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(DEFAULTS.backoffMaxSeconds)).add()
            .property().name(IP_LIMIT).label("Prompts per source IP address")
            .helpText("Most prompts that sign-ins from one IP address may cause, across all users, within the IP "
                    + "window. 0 turns the limit off. 0 to 10000; default " + DEFAULTS.ipLimit + ".")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(DEFAULTS.ipLimit)).add()
            .property().name(IP_WINDOW).label("IP window (seconds)")
            .helpText("Length of the window of the per-IP limit. 10 to 86400; default " + DEFAULTS.ipWindowSeconds + ".")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(DEFAULTS.ipWindowSeconds)).add()
            .property().name(QUIET_MODE).label("Quiet mode")
            .helpText("When prompts look like an attack (quota nearly spent, a streak of denials or timeouts, an IP "
                    + "flood), create the challenge without notifying the device: the user must open the approver. "
                    + "Default on.")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue(Boolean.toString(DEFAULTS.quietMode)).add()
            .build();

    public static ThrottleSettings from(Map<String, String> config) {
        return new ThrottleSettings(
                ConfigValues.integer(config, PROMPT_QUOTA, DEFAULTS.promptQuota, 1, 50),
                ConfigValues.integer(config, MIN_SPACING, DEFAULTS.minSpacingSeconds, 0, 600),
                ConfigValues.integer(config, BACKOFF_INITIAL, DEFAULTS.backoffInitialSeconds, 0, 3600),
                ConfigValues.integer(config, BACKOFF_MAX, DEFAULTS.backoffMaxSeconds, 0, 86400),
                ConfigValues.integer(config, IP_LIMIT, DEFAULTS.ipLimit, 0, 10000),
                ConfigValues.integer(config, IP_WINDOW, DEFAULTS.ipWindowSeconds, 10, 86400),
                ConfigValues.bool(config, QUIET_MODE, DEFAULTS.quietMode));
    }

    /** Back-off after the {@code n}-th consecutive denial or timeout: initial, doubling, capped. */
    public long backoffSeconds(int n) {
        if (n <= 0 || backoffInitialSeconds == 0) {
            return 0;
        }
        long value = backoffInitialSeconds;
        for (int i = 1; i < n && value < backoffMaxSeconds; i++) {
            value *= 2;
        }
        return Math.min(value, backoffMaxSeconds);
    }
}
