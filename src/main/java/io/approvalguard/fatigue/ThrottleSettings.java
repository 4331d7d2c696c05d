package io.approvalguard.fatigue;

import io.approvalguard.support.config.ConfigValues;
import io.approvalguard.support.config.Option;
import java.util.List;
import java.util.Map;

/**
 * How many prompts a user may get, and how fast: per push execution, with safe defaults. The limits
 * follow NIST SP 800-63B-4 (limit pushes since the last successful authentication) and OWASP ASVS
 * 6.6.4 (rate-limit push notifications).
 */
public record ThrottleSettings(
        int promptQuota,
        int minSpacingSeconds,
        int backoffInitialSeconds,
        int backoffMaxSeconds,
        int ipLimit,
        int ipWindowSeconds,
        boolean quietMode) {

    static final Option<Integer> PROMPT_QUOTA_OPTION =
            Option.wholeNumber(
                            "prompt_quota",
                            5,
                            1,
                            50,
                            "Most push prompts a user gets until a sign-in succeeds (the count also clears after 24 hours without prompts).")
                    .label("Prompts since the last successful sign-in");
    static final Option<Integer> MIN_SPACING_OPTION =
            Option.wholeNumber(
                            "min_spacing_seconds",
                            10,
                            0,
                            600,
                            "Least time between two prompts to the same user, in seconds.")
                    .label("Minimum spacing (seconds)");
    static final Option<Integer> BACKOFF_INITIAL_OPTION =
            Option.wholeNumber(
                            "backoff_initial_seconds",
                            30,
                            0,
                            3600,
                            "Wait after the first denied or unanswered prompt, in seconds; it doubles with each further one, up to the "
                                    + "maximum, and clears on a successful sign-in. 0 turns the back-off off.")
                    .label("Back-off after a denial or timeout (seconds)");
    static final Option<Integer> BACKOFF_MAX_OPTION =
            Option.wholeNumber(
                            "backoff_max_seconds",
                            3600,
                            0,
                            86400,
                            "Cap of the doubling back-off, in seconds.")
                    .label("Longest back-off (seconds)");
    static final Option<Integer> IP_LIMIT_OPTION =
            Option.wholeNumber(
                            "ip_prompt_limit",
                            20,
                            0,
                            10000,
                            "Most prompts that sign-ins from one IP address may cause, across all users, within the IP window. "
                                    + "0 turns the limit off.")
                    .label("Prompts per source IP address");
    static final Option<Integer> IP_WINDOW_OPTION =
            Option.wholeNumber(
                            "ip_window_seconds",
                            600,
                            10,
                            86400,
                            "Length of the window of the per-IP limit, in seconds.")
                    .label("IP window (seconds)");
    static final Option<Boolean> QUIET_MODE_OPTION =
            Option.bool(
                            "quiet_mode",
                            true,
                            "When prompts look like an attack (quota nearly spent, a streak of denials or timeouts, an IP flood), "
                                    + "create the challenge without notifying the device: the user must open the approver.")
                    .label("Quiet mode");

    /** Part of the push authenticator's config ({@code PushSettings}). */
    public static final List<Option<?>> OPTIONS =
            List.of(
                    PROMPT_QUOTA_OPTION,
                    MIN_SPACING_OPTION,
                    BACKOFF_INITIAL_OPTION,
                    BACKOFF_MAX_OPTION,
                    IP_LIMIT_OPTION,
                    IP_WINDOW_OPTION,
                    QUIET_MODE_OPTION);

    /** The options' names, as an execution's config map holds them. */
    public static final String PROMPT_QUOTA = PROMPT_QUOTA_OPTION.name();

    public static final String MIN_SPACING = MIN_SPACING_OPTION.name();
    public static final String BACKOFF_INITIAL = BACKOFF_INITIAL_OPTION.name();
    public static final String BACKOFF_MAX = BACKOFF_MAX_OPTION.name();
    public static final String IP_LIMIT = IP_LIMIT_OPTION.name();
    public static final String IP_WINDOW = IP_WINDOW_OPTION.name();
    public static final String QUIET_MODE = QUIET_MODE_OPTION.name();

    public static final ThrottleSettings DEFAULTS = from(Map.of());

    public static ThrottleSettings from(Map<String, String> config) {
        return new ThrottleSettings(
                ConfigValues.get(config, PROMPT_QUOTA_OPTION),
                ConfigValues.get(config, MIN_SPACING_OPTION),
                ConfigValues.get(config, BACKOFF_INITIAL_OPTION),
                ConfigValues.get(config, BACKOFF_MAX_OPTION),
                ConfigValues.get(config, IP_LIMIT_OPTION),
                ConfigValues.get(config, IP_WINDOW_OPTION),
                ConfigValues.get(config, QUIET_MODE_OPTION));
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
