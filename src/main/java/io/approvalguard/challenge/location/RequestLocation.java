package io.approvalguard.challenge.location;

import java.util.Map;

/**
 * Where a request comes from, as far as the operator's data says: any part may be unknown (null).
 *
 * @param countryCode ISO 3166-1 alpha-2, for example {@code GB}
 */
public record RequestLocation(
        String city, String countryCode, String countryName, Long asNumber, String asOrganization) {

    public static final RequestLocation UNKNOWN = new RequestLocation(null, null, null, null, null);

    /**
     * The network part of a context's {@code network} member that identifies it: "AS15169 Google
     * LLC" is AS15169 (the name is decoration); null stays null.
     */
    public static String networkId(Object network) {
        if (!(network instanceof String value)) {
            return null;
        }
        int space = value.indexOf(' ');
        return space < 0 ? value : value.substring(0, space);
    }

    /**
     * Adds {@code location}, {@code country} and {@code network} to an approval context, where
     * known.
     */
    public void addTo(Map<String, Object> context) {
        String place =
                city != null && countryName != null
                        ? city + ", " + countryName
                        : city != null ? city : countryName;
        if (place == null && countryCode != null) {
            place = countryCode;
        }
        if (place != null) {
            context.put("location", place);
        }
        if (countryCode != null) {
            context.put("country", countryCode);
        }
        if (asNumber != null) {
            context.put(
                    "network",
                    "AS" + asNumber + (asOrganization == null ? "" : " " + asOrganization));
        }
    }
}
