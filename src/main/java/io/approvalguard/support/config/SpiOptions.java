package io.approvalguard.support.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;

import org.keycloak.Config;

/**
 * Reads a provider's server options ({@code --spi-<spi>--<provider>--<option>}). Unlike realm
 * settings these are the operator's start-up configuration: a value that cannot be right stops
 * Keycloak with a message naming the option, instead of running with something else.
 */
public final class SpiOptions {

    private final Config.Scope scope;
    private final String prefix;

    /** @param prefix how the options are named in messages, for example {@code spi-approval-guard-sink--webhook} */
    public SpiOptions(Config.Scope scope, String prefix) {
        this.scope = scope;
        this.prefix = prefix;
    }

    public String string(String name, String fallback) {
        String value = scope == null ? null : scope.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    public long longValue(String name, long fallback, long min, long max) {
        String raw = string(name, null);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(name, raw, "a whole number from " + min + " to " + max);
    }

    public int intValue(String name, int fallback, int min, int max) {
        return (int) longValue(name, fallback, min, max);
    }

    public boolean bool(String name, boolean fallback) {
        String raw = string(name, null);
        if (raw == null) {
            return fallback;
        }
        if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(raw);
        }
        throw invalid(name, raw, "true or false");
    }

    /** A comma-separated list; blank entries are dropped. */
    public List<String> list(String name) {
        String raw = string(name, null);
        if (raw == null) {
            return List.of();
        }
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** An absolute http or https URL, or null when the option is not set. */
    public URI httpUrl(String name) {
        String raw = string(name, null);
        if (raw == null) {
            return null;
        }
        try {
            URI uri = new URI(raw);
            if (uri.isAbsolute() && uri.getHost() != null
                    && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw invalid(name, raw, "an absolute http or https URL");
    }

    /** For checks a caller makes itself: the same message shape. */
    public IllegalArgumentException invalid(String name, String shownValue, String expected) {
        return new IllegalArgumentException("Approval Guard: option " + prefix + "--" + name + "=" + shownValue
                + " is not valid: expected " + expected);
    }
}
