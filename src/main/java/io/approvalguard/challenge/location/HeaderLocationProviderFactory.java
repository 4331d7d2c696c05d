package io.approvalguard.challenge.location;

import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.OptionGroup;
import io.approvalguard.support.config.SpiOptions;
import java.util.List;
import java.util.Locale;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Location from headers that a trusted reverse proxy or CDN sets (for example {@code
 * CF-IPCountry}). Select it only when every request passes through that proxy and the proxy
 * overwrites these headers: {@code --spi-approval-guard-location--provider=header} with {@code
 * --spi-approval-guard-location--header--country-header=CF-IPCountry}.
 */
public final class HeaderLocationProviderFactory implements LocationProviderFactory {

    public static final String PROVIDER_ID = "header";
    static final Option<String> COUNTRY_HEADER =
            Option.text(
                    "country-header",
                    null,
                    "Header with the client's ISO 3166-1 country code, set by the trusted proxy.");
    static final Option<String> CITY_HEADER =
            Option.text(
                    "city-header",
                    null,
                    "Header with the client's city, set by the trusted proxy.");
    public static final OptionGroup OPTIONS =
            OptionGroup.server(
                    "spi-" + LocationSpi.NAME + "--" + PROVIDER_ID,
                    List.of(COUNTRY_HEADER, CITY_HEADER));

    private String countryHeader;
    private String cityHeader;

    @Override
    public LocationProvider create(KeycloakSession session) {
        return ipAddress -> {
            var headers = session.getContext().getRequestHeaders();
            String country = countryHeader == null ? null : headers.getHeaderString(countryHeader);
            String city = cityHeader == null ? null : headers.getHeaderString(cityHeader);
            country =
                    country != null && country.matches("[A-Za-z]{2}")
                            ? country.toUpperCase(Locale.ROOT)
                            : null;
            city =
                    city != null
                                    && city.length() <= 100
                                    && city.codePoints().noneMatch(Character::isISOControl)
                            ? city
                            : null;
            return new RequestLocation(city, country, null, null, null);
        };
    }

    @Override
    public void init(Config.Scope config) {
        SpiOptions options = OPTIONS.read(config);
        countryHeader = options.get(COUNTRY_HEADER);
        cityHeader = options.get(CITY_HEADER);
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return OPTIONS.metadata();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
