package io.approvalguard.challenge.location;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import com.maxmind.db.Reader;

/**
 * Location from MaxMind databases the operator supplies (GeoLite2/GeoIP2 City and ASN, or any
 * file of the same layout): {@code --spi-approval-guard-location--maxmind--city-database=...} and
 * {@code --asn-database=...}. Without them nothing is looked up. A configured file that cannot be
 * read stops the server with a clear message rather than silently showing no location.
 */
public final class MaxMindLocationProviderFactory implements LocationProviderFactory {

    public static final String PROVIDER_ID = "maxmind";
    static final String CITY_DATABASE = "city-database";
    static final String ASN_DATABASE = "asn-database";

    private static final Logger LOG = Logger.getLogger(MaxMindLocationProviderFactory.class);
    /** Only IP literals: InetAddress.getByName would resolve a host name. */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private Reader city;
    private Reader asn;

    @Override
    public LocationProvider create(KeycloakSession session) {
        return this::locate;
    }

    @Override
    public void init(Config.Scope config) {
        city = open(config.get(CITY_DATABASE), CITY_DATABASE);
        asn = open(config.get(ASN_DATABASE), ASN_DATABASE);
    }

    @SuppressWarnings("unchecked")
    RequestLocation locate(String ipAddress) {
        if ((city == null && asn == null) || ipAddress == null || !IP_LITERAL.matcher(ipAddress).matches()) {
            return RequestLocation.UNKNOWN;
        }
        try {
            InetAddress address = InetAddress.getByName(ipAddress);
            Map<String, Object> place = city == null ? null : city.get(address, Map.class);
            Map<String, Object> network = asn == null ? null : asn.get(address, Map.class);
            return new RequestLocation(
                    name(place, "city"),
                    place == null ? null : (String) member(place, "country", "iso_code"),
                    name(place, "country"),
                    network == null || !(network.get("autonomous_system_number") instanceof Number n) ? null : n.longValue(),
                    network == null ? null : (String) network.get("autonomous_system_organization"));
        } catch (IOException | RuntimeException e) {
            LOG.debugf("Approval Guard: no location for an address: %s", e.toString());
            return RequestLocation.UNKNOWN;
        }
    }

    private static String name(Map<String, Object> record, String part) {
        Object value = member(record, part, "names");
        return value instanceof Map<?, ?> names && names.get("en") instanceof String en ? en : null;
    }

    private static Object member(Map<String, Object> record, String part, String field) {
        return record != null && record.get(part) instanceof Map<?, ?> inner ? inner.get(field) : null;
    }

    private static Reader open(String path, String option) {
        if (path == null || path.isBlank()) {
            return null;
        }
        File file = new File(path.trim());
        try {
            Reader reader = new Reader(file);
            LOG.infof("Approval Guard: location data from %s (%s)", file, reader.getMetadata().getDatabaseType());
            return reader;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Approval Guard: --spi-approval-guard-location--maxmind--" + option + "=" + path
                    + " cannot be read as a MaxMind database: " + e.getMessage(), e);
        }
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(CITY_DATABASE).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Path of a MaxMind City database (GeoLite2-City.mmdb or GeoIP2-City.mmdb). Unset: no location.").add()
                .property().name(ASN_DATABASE).type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Path of a MaxMind ASN database (GeoLite2-ASN.mmdb). Unset: no network name.").add()
                .build();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
        for (Reader reader : new Reader[] {city, asn}) {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException e) {
                    LOG.debug("closing a location database failed", e);
                }
            }
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /** The default provider: without databases it simply knows nothing. */
    @Override
    public int order() {
        return 10;
    }
}
