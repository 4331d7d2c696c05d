package io.approvalguard.support.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * The options one provider reads from one place. Declared as a static field next to the provider,
 * so that docs/configuration.md can be checked against every group there is.
 *
 * @param source where the values come from
 * @param scope names the place: for server options the prefix of their names ({@code
 *     spi-events-listener--approval-guard}), for admin-console config the provider id, for realm
 *     attributes the attribute name's prefix
 * @param options every option of the group, each name once
 */
public record OptionGroup(Source source, String scope, List<Option<?>> options) {

    /** Where the values of a group come from, and so what a bad value does. */
    public enum Source {
        /**
         * {@code --spi-...} server options: a bad value stops Keycloak at start ({@link
         * SpiOptions}).
         */
        SERVER,
        /**
         * Per execution or mapper, saved by the admin console unchecked: a bad value is replaced
         * ({@link ConfigValues}).
         */
        ADMIN_CONFIG,
        /**
         * Realm attributes: validated by the admin API, replaced when read ({@link ConfigValues}).
         */
        REALM_ATTRIBUTES
    }

    public OptionGroup {
        options = List.copyOf(options);
        Set<String> names = options.stream().map(Option::name).collect(Collectors.toSet());
        if (names.size() != options.size()) {
            throw new IllegalArgumentException("an option name is declared twice in " + scope);
        }
    }

    /**
     * Server options named {@code --<prefix>--<option>}, for example {@code
     * --spi-approval-guard-sink--webhook--url}.
     */
    public static OptionGroup server(String prefix, List<? extends Option<?>> options) {
        return new OptionGroup(Source.SERVER, prefix, List.copyOf(options));
    }

    /** Config of one provider's executions or mappers, set in the admin console. */
    public static OptionGroup adminConfig(String providerId, List<? extends Option<?>> options) {
        return new OptionGroup(Source.ADMIN_CONFIG, providerId, List.copyOf(options));
    }

    /** Realm attributes named {@code <prefix><option>}. */
    public static OptionGroup realmAttributes(String prefix, List<? extends Option<?>> options) {
        return new OptionGroup(Source.REALM_ATTRIBUTES, prefix, List.copyOf(options));
    }

    /** Reads this group's server options from a provider's config scope. */
    public SpiOptions read(Config.Scope config) {
        requireSource(Source.SERVER);
        return new SpiOptions(config, scope);
    }

    /**
     * The raw values that are set, by option name; {@code lookup} finds a value by its full name.
     */
    public Map<String, String> rawValues(Function<String, String> lookup) {
        requireSource(Source.REALM_ATTRIBUTES);
        Map<String, String> values = new LinkedHashMap<>();
        for (Option<?> option : options) {
            String raw = lookup.apply(scope + option.name());
            if (raw != null) {
                values.put(option.name(), raw);
            }
        }
        return values;
    }

    /** For a server provider's {@code getConfigMetadata()}. */
    public List<ProviderConfigProperty> metadata() {
        requireSource(Source.SERVER);
        ProviderConfigurationBuilder builder = ProviderConfigurationBuilder.create();
        options.forEach(option -> option.addServerProperty(builder));
        return builder.build();
    }

    /** For an authenticator's or mapper's {@code getConfigProperties()}. */
    public List<ProviderConfigProperty> configProperties() {
        requireSource(Source.ADMIN_CONFIG);
        ProviderConfigurationBuilder builder = ProviderConfigurationBuilder.create();
        options.forEach(option -> option.addAdminProperty(builder));
        return List.copyOf(builder.build());
    }

    /** Options of several declarations, in order, as one list. */
    @SafeVarargs
    public static List<Option<?>> concat(List<? extends Option<?>>... parts) {
        List<Option<?>> all = new ArrayList<>();
        for (List<? extends Option<?>> part : parts) {
            all.addAll(part);
        }
        return List.copyOf(all);
    }

    private void requireSource(Source expected) {
        if (source != expected) {
            throw new IllegalStateException(
                    scope + " holds " + source + " options, not " + expected);
        }
    }
}
