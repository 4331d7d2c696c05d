package io.approvalguard.support.config;

import org.keycloak.Config;

/**
 * Reads a provider's server options ({@code --spi-<spi>--<provider>--<option>}). Unlike realm
 * settings these are the operator's start-up configuration: a value that cannot be right stops
 * Keycloak with a message naming the option, instead of running with something else.
 */
public final class SpiOptions {

    private final Config.Scope scope;
    private final String prefix;

    /**
     * @param prefix how the options are named in messages, for example {@code
     *     spi-approval-guard-sink--webhook}
     */
    public SpiOptions(Config.Scope scope, String prefix) {
        this.scope = scope;
        this.prefix = prefix;
    }

    /**
     * The option's value; its default when not set; refused, naming option, value and what is
     * allowed, when not valid.
     */
    public <T> T get(Option<T> option) {
        String raw = raw(option.name());
        if (raw == null) {
            return option.fallback();
        }
        T value = option.parse(raw);
        if (value == null) {
            throw invalid(option, option.shown(raw), option.expected());
        }
        return value;
    }

    public boolean isSet(Option<?> option) {
        return raw(option.name()) != null;
    }

    /**
     * The value as it may appear in a message (a secret's as "(not shown)"), or null when not set.
     */
    public String shown(Option<?> option) {
        String raw = raw(option.name());
        return raw == null ? null : option.shown(raw);
    }

    /** For checks a caller makes itself (one option against another): the same message shape. */
    /**
     * {@code option}'s value, which may not exceed {@code limit}'s: refused when set above it, and
     * when only its default is above, lowered to the limit (a shorter limit was chosen on purpose).
     */
    public int atMost(Option<Integer> option, Option<Integer> limit) {
        int value = get(option);
        int bound = get(limit);
        if (value <= bound) {
            return value;
        }
        if (isSet(option)) {
            throw invalid(
                    option,
                    Integer.toString(value),
                    "at most " + limit.name() + " (" + bound + ")");
        }
        return bound;
    }

    public IllegalArgumentException invalid(Option<?> option, String shownValue, String expected) {
        return invalid(option.name(), shownValue, expected);
    }

    public IllegalArgumentException invalid(String name, String shownValue, String expected) {
        return new IllegalArgumentException(
                "Approval Guard: option "
                        + prefix
                        + "--"
                        + name
                        + "="
                        + shownValue
                        + " is not valid: expected "
                        + expected);
    }

    /** The option's name as the operator writes it, without the leading dashes. */
    public String fullName(Option<?> option) {
        return prefix + "--" + option.name();
    }

    private String raw(String name) {
        String value = scope == null ? null : scope.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
