package io.approvalguard.challenge.location;

import com.maxmind.db.Reader;
import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.OptionGroup;
import io.approvalguard.support.config.SpiOptions;
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

/**
 * Location from MaxMind databases the operator supplies (GeoLite2/GeoIP2 City and ASN, or any file
 * of the same layout): {@code --spi-approval-guard-location--maxmind--city-database=...} and {@code
 * --asn-database=...}. Without them nothing is looked up. A configured file that cannot be read
 * stops the server with a clear message rather than silently showing no location.
 */
public final class MaxMindLocationProviderFactory implements LocationProviderFactory {

    public static final String PROVIDER_ID = "maxmind";
    static final Option<String> CITY_DATABASE =
            Option.text(
                    "city-database",
                    null,
                    "Path of a MaxMind City database (GeoLite2-City.mmdb or GeoIP2-City.mmdb). Unset: no location.");
    static final Option<String> ASN_DATABASE =
            Option.text(
                    "asn-database",
                    null,
                    "Path of a MaxMind ASN database (GeoLite2-ASN.mmdb). Unset: no network name.");
    public static final OptionGroup OPTIONS =
            OptionGroup.server(
                    "spi-" + LocationSpi.NAME + "--" + PROVIDER_ID,
                    List.of(CITY_DATABASE, ASN_DATABASE));

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
        SpiOptions options = OPTIONS.read(config);
        city = open(options, CITY_DATABASE);
        asn = open(options, ASN_DATABASE);
    }

    @SuppressWarnings("unchecked")
    RequestLocation locate(String ipAddress) {
        if ((city == null && asn == null)
                || ipAddress == null
                || !IP_LITERAL.matcher(ipAddress).matches()) {
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
                    network == null
                                    || !(network.get("autonomous_system_number")
                                            instanceof Number n)
                            ? null
                            : n.longValue(),
                    network == null
                            ? null
                            : (String) network.get("autonomous_system_organization"));
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
        return record != null && record.get(part) instanceof Map<?, ?> inner
                ? inner.get(field)
                : null;
    }

    private static Reader open(SpiOptions options, Option<String> option) {
        String path = options.get(option);
        if (path == null) {
            return null;
        }
        File file = new File(path);
        try {
            Reader reader = new Reader(file);
            LOG.infof(
                    "Approval Guard: location data from %s (%s)",
                    file, reader.getMetadata().getDatabaseType());
            return reader;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "Approval Guard: --"
                            + options.fullName(option)
                            + "="
                            + path
                            + " cannot be read as a MaxMind database: "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return OPTIONS.metadata();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

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
