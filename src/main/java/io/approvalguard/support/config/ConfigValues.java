package io.approvalguard.support.config;

import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Reads an execution's, a mapper's or a realm's config values. Keycloak saves authenticator config
 * without asking the provider, so a value that is out of range or unreadable is replaced by its
 * safe default here, and the log says which and why.
 */
public final class ConfigValues {

    private static final Logger LOG = Logger.getLogger(ConfigValues.class);

    private ConfigValues() {}

    /**
     * The option's value in {@code config} (which may be null); its default when not set or not
     * valid.
     */
    public static <T> T get(Map<String, String> config, Option<T> option) {
        String raw = config == null ? null : config.get(option.name());
        if (raw == null || raw.isBlank()) {
            return option.fallback();
        }
        T value = option.parse(raw.trim());
        if (value != null) {
            return value;
        }
        LOG.warnf(
                "Approval Guard: %s=%s is not %s; using %s",
                option.name(), option.shown(raw), option.expected(), option.fallbackText());
        return option.fallback();
    }
}
