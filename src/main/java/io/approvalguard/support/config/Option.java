package io.approvalguard.support.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * One setting of the extension, declared once: its name, default, allowed values and meaning.
 * Reading ({@link SpiOptions#get}, {@link ConfigValues#get}), Keycloak's metadata ({@link
 * OptionGroup}) and the check of docs/configuration.md all derive from it.
 *
 * @param <T> what a value is once read
 */
public final class Option<T> {

    /** What a value is: decides how it is parsed, shown in the admin console, and documented. */
    public enum Kind {
        WHOLE_NUMBER,
        BOOLEAN,
        CHOICE,
        TEXT,
        LIST,
        URL
    }

    private final String name;
    private final Kind kind;
    private final T fallback;
    private final Function<String, T> parser;
    private final Function<T, String> writer;
    private final String expected;
    private final Integer min;
    private final Integer max;
    private final List<String> allowed;
    private final String help;
    private final String label;
    private final boolean secret;

    private Option(
            String name,
            Kind kind,
            T fallback,
            Function<String, T> parser,
            Function<T, String> writer,
            String expected,
            Integer min,
            Integer max,
            List<String> allowed,
            String help,
            String label,
            boolean secret) {
        this.name = Objects.requireNonNull(name);
        this.kind = kind;
        this.fallback = fallback;
        this.parser = parser;
        this.writer = writer;
        this.expected = expected;
        this.min = min;
        this.max = max;
        this.allowed = allowed;
        this.help = help;
        this.label = label;
        this.secret = secret;
    }

    public static Option<Integer> wholeNumber(
            String name, int fallback, int min, int max, String help) {
        Function<String, Integer> parser =
                raw -> {
                    try {
                        long value = Long.parseLong(raw);
                        return value >= min && value <= max ? (int) value : null;
                    } catch (NumberFormatException e) {
                        return null;
                    }
                };
        return new Option<>(
                name,
                Kind.WHOLE_NUMBER,
                fallback,
                parser,
                String::valueOf,
                "a whole number from " + min + " to " + max,
                min,
                max,
                null,
                help,
                null,
                false);
    }

    public static Option<Boolean> bool(String name, boolean fallback, String help) {
        Function<String, Boolean> parser =
                raw ->
                        raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")
                                ? Boolean.valueOf(raw.equalsIgnoreCase("true"))
                                : null;
        return new Option<>(
                name,
                Kind.BOOLEAN,
                fallback,
                parser,
                String::valueOf,
                "true or false",
                null,
                null,
                List.of("true", "false"),
                help,
                null,
                false);
    }

    /**
     * One of {@code values}, written exactly as {@code writer} names it; {@code fallback} may be
     * null.
     */
    public static <E> Option<E> choice(
            String name, E fallback, List<E> values, Function<E, String> writer, String help) {
        return choice(name, fallback, values, writer, false, help);
    }

    public static Option<String> choice(
            String name, String fallback, List<String> values, String help) {
        return choice(name, fallback, values, Function.identity(), false, help);
    }

    /** One of {@code values} in any letter case; read as the value is spelled in {@code values}. */
    public static Option<String> choiceIgnoringCase(
            String name, String fallback, List<String> values, String help) {
        return choice(name, fallback, values, Function.identity(), true, help);
    }

    private static <E> Option<E> choice(
            String name,
            E fallback,
            List<E> values,
            Function<E, String> writer,
            boolean ignoringCase,
            String help) {
        List<String> allowed = values.stream().map(writer).toList();
        Function<String, E> parser =
                raw ->
                        values.stream()
                                .filter(
                                        v ->
                                                ignoringCase
                                                        ? upper(writer.apply(v)).equals(upper(raw))
                                                        : writer.apply(v).equals(raw))
                                .findFirst()
                                .orElse(null);
        return new Option<>(
                name,
                Kind.CHOICE,
                fallback,
                parser,
                writer,
                "one of " + allowed,
                null,
                null,
                allowed,
                help,
                null,
                false);
    }

    /** Free text, trimmed; {@code fallback} may be null (not set). */
    public static Option<String> text(String name, String fallback, String help) {
        return new Option<>(
                name,
                Kind.TEXT,
                fallback,
                Function.identity(),
                Function.identity(),
                "text",
                null,
                null,
                null,
                help,
                null,
                false);
    }

    /** Comma-separated entries, trimmed, blank ones dropped; empty when not set. */
    public static Option<List<String>> list(String name, String help) {
        Function<String, List<String>> parser =
                raw ->
                        Arrays.stream(raw.split(","))
                                .map(String::trim)
                                .filter(s -> !s.isEmpty())
                                .toList();
        return new Option<>(
                name,
                Kind.LIST,
                List.of(),
                parser,
                v -> String.join(",", v),
                "comma-separated entries",
                null,
                null,
                null,
                help,
                null,
                false);
    }

    /** An absolute http or https URL with a host; null when not set. */
    public static Option<URI> httpUrl(String name, String help) {
        return new Option<>(
                name,
                Kind.URL,
                null,
                Option::httpUrl,
                URI::toString,
                "an absolute http or https URL",
                null,
                null,
                null,
                help,
                null,
                false);
    }

    private static URI httpUrl(String raw) {
        try {
            URI uri = new URI(raw);
            return uri.isAbsolute()
                            && uri.getHost() != null
                            && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    ? uri
                    : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String upper(String value) {
        return value.toUpperCase(Locale.ROOT);
    }

    /** The name the admin console shows (per-execution and mapper config). */
    public Option<T> label(String label) {
        return new Option<>(
                name, kind, fallback, parser, writer, expected, min, max, allowed, help, label,
                secret);
    }

    /** A value never shown: not in messages, not in logs, masked in the admin console. */
    public Option<T> secret() {
        return new Option<>(
                name, kind, fallback, parser, writer, expected, min, max, allowed, help, label,
                true);
    }

    /** Valid only when {@code check} holds as well; {@code expected} says what a valid value is. */
    public Option<T> matching(Predicate<? super T> check, String expected) {
        Function<String, T> checked =
                raw -> {
                    T value = parser.apply(raw);
                    return value != null && check.test(value) ? value : null;
                };
        return new Option<>(
                name, kind, fallback, checked, writer, expected, min, max, allowed, help, label,
                secret);
    }

    /**
     * Says what a valid value is in words of this option's own (the allowed values stay as
     * declared).
     */
    public Option<T> expecting(String expected) {
        return new Option<>(
                name, kind, fallback, parser, writer, expected, min, max, allowed, help, label,
                secret);
    }

    /** The value {@code raw} (trimmed, not blank) stands for, or null when it is not valid. */
    public T parse(String raw) {
        return parser.apply(raw);
    }

    /** What a bad value is replaced by or refused with, in messages: never a secret. */
    String shown(String raw) {
        return secret ? "(not shown)" : raw;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** The value when the option is not set; null when it then has none. */
    public T fallback() {
        return fallback;
    }

    /** The default as it would be written in config; null when there is none. */
    public String fallbackText() {
        if (fallback == null || (fallback instanceof List<?> entries && entries.isEmpty())) {
            return null;
        }
        return writer.apply(fallback);
    }

    /** What a valid value is, for messages: "a whole number from 1 to 50", "one of [a, b]". */
    public String expected() {
        return expected;
    }

    /** The least value of a whole number; null for other kinds. */
    public Integer min() {
        return min;
    }

    /** The greatest value of a whole number; null for other kinds. */
    public Integer max() {
        return max;
    }

    /** The values a choice or a boolean takes, as written; null for other kinds. */
    public List<String> allowed() {
        return allowed;
    }

    public String help() {
        return help;
    }

    public String label() {
        return label;
    }

    public boolean isSecret() {
        return secret;
    }

    /**
     * The help text with the allowed values and the default, as the admin console and server info
     * show it.
     */
    public String helpWithLimits() {
        String defaultText = fallbackText();
        String limits =
                switch (kind) {
                    case WHOLE_NUMBER -> min + " to " + max + "; default " + defaultText + ".";
                    case CHOICE ->
                            "One of "
                                    + String.join(", ", allowed)
                                    + (defaultText == null
                                            ? "."
                                            : "; default " + defaultText + ".");
                    default -> defaultText == null || secret ? "" : "Default " + defaultText + ".";
                };
        return limits.isEmpty() ? help : help + " " + limits;
    }

    /**
     * Adds this option to admin-console config metadata (per execution or mapper): whole numbers
     * are text fields, so that a bad value reaches {@link ConfigValues}, which replaces it and says
     * so.
     */
    void addAdminProperty(ProviderConfigurationBuilder builder) {
        var property =
                builder.property()
                        .name(name)
                        .label(label)
                        .helpText(helpWithLimits())
                        .secret(secret);
        switch (kind) {
            case BOOLEAN -> property.type(ProviderConfigProperty.BOOLEAN_TYPE);
            case CHOICE -> property.type(ProviderConfigProperty.LIST_TYPE).options(allowed);
            default -> property.type(ProviderConfigProperty.STRING_TYPE);
        }
        if (fallbackText() != null) {
            property.defaultValue(fallbackText());
        }
        property.add();
    }

    /** Adds this option to a server provider's metadata ({@code getConfigMetadata}). */
    void addServerProperty(ProviderConfigurationBuilder builder) {
        var property = builder.property().name(name).helpText(helpWithLimits()).secret(secret);
        switch (kind) {
            case WHOLE_NUMBER -> property.type("int");
            case BOOLEAN -> property.type("boolean");
            default -> property.type(ProviderConfigProperty.STRING_TYPE);
        }
        if (fallbackText() != null) {
            property.defaultValue(
                    kind == Kind.WHOLE_NUMBER || kind == Kind.BOOLEAN ? fallback : fallbackText());
        }
        property.add();
    }

    @Override
    public String toString() {
        return "Option[" + name + "]";
    }
}
