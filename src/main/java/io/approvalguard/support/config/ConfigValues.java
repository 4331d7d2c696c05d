package io.approvalguard.support.config;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

/**
 * Reads an execution's config values. Keycloak saves authenticator config without asking the
 * provider, so a value that is out of range or unreadable is replaced by its safe default here,
 * and the log says which and why.
 */
public final class ConfigValues {

    private static final Logger LOG = Logger.getLogger(ConfigValues.class);

    private ConfigValues() {
    }

    public static int integer(Map<String, String> config, String name, int fallback, int min, int max) {
        String raw = config == null ? null : config.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warnf("Approval Guard: %s=%s is not a whole number from %d to %d; using %d", name, raw, min, max, fallback);
        return fallback;
    }

    public static boolean bool(Map<String, String> config, String name, boolean fallback) {
        String raw = config == null ? null : config.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        String value = raw.trim().toLowerCase(Locale.ROOT);
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        LOG.warnf("Approval Guard: %s=%s is not true or false; using %s", name, raw, fallback);
        return fallback;
    }

    public static String choice(Map<String, String> config, String name, String fallback, Set<String> allowed) {
        String raw = config == null ? null : config.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        String value = raw.trim();
        if (allowed.contains(value)) {
            return value;
        }
        LOG.warnf("Approval Guard: %s=%s is not one of %s; using %s", name, raw, allowed, fallback);
        return fallback;
    }

    /** The option's value in {@code config} (which may be null); its default when not set or not valid. */
    public static <T> T get(Map<String, String> config, Option<T> option) {
        String raw = config == null ? null : config.get(option.name());
        if (raw == null || raw.isBlank()) {
            return option.fallback();
        }
        T value = option.parse(raw.trim());
        if (value != null) {
            return value;
        }
        LOG.warnf("Approval Guard: %s=%s is not %s; using %s", option.name(), option.shown(raw), option.expected(),
                option.fallbackText());
        return option.fallback();
    }
}
