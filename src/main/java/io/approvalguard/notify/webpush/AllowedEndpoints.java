package io.approvalguard.notify.webpush;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which push services this server POSTs to: the SSRF guard. A subscription's endpoint is chosen by
 * the browser, but a device could register any URL, so only listed origins are accepted, at
 * registration and again at each send.
 */
final class AllowedEndpoints {

    /** The big browsers' push services: Chrome/Edge (FCM), Firefox, Windows, Safari. */
    static final List<String> DEFAULTS =
            List.of(
                    "https://fcm.googleapis.com",
                    "https://*.push.services.mozilla.com",
                    "https://*.notify.windows.com",
                    "https://web.push.apple.com",
                    "https://*.push.apple.com");

    private static final Pattern HOST =
            Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    /** One allowed origin; {@code suffix} is set for a {@code *.} wildcard (any subdomain). */
    private record Entry(String scheme, String host, String suffix, int port) {
        boolean matches(URI url) {
            String h = url.getHost().toLowerCase(Locale.ROOT);
            boolean hostMatches = suffix == null ? h.equals(host) : h.endsWith(suffix);
            return scheme.equals(url.getScheme()) && hostMatches && port == effectivePort(url);
        }
    }

    private final List<Entry> entries;

    private AllowedEndpoints(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * @throws IllegalArgumentException naming the entry that is not an origin
     */
    static AllowedEndpoints of(List<String> origins) {
        return new AllowedEndpoints(origins.stream().map(AllowedEndpoints::entry).toList());
    }

    /** Whether a POST to {@code url} is allowed: an http(s) URL of a listed origin. */
    boolean allows(URI url) {
        return url.isAbsolute()
                && url.getHost() != null
                && url.getRawUserInfo() == null
                && entries.stream().anyMatch(e -> e.matches(url));
    }

    /** {@code scheme://host[:port]}: what may be logged of an endpoint, and VAPID's audience. */
    static String origin(URI url) {
        return url.getScheme()
                + "://"
                + url.getHost().toLowerCase(Locale.ROOT)
                + (url.getPort() == -1 ? "" : ":" + url.getPort());
    }

    private static Entry entry(String origin) {
        URI uri;
        try {
            uri = new URI(origin.replace("://*.", "://wildcard."));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(origin + " is not an origin");
        }
        String scheme = uri.getScheme();
        String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        boolean bare =
                uri.getRawPath() == null
                        || uri.getRawPath().isEmpty()
                        || "/".equals(uri.getRawPath());
        if (!("https".equals(scheme) || "http".equals(scheme))
                || host == null
                || !HOST.matcher(host).matches()
                || !bare
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    origin + " is not an origin (scheme://host[:port], host may start with *.)");
        }
        boolean wildcard = origin.contains("://*.");
        String suffix = wildcard ? host.substring("wildcard".length()) : null;
        return new Entry(scheme, wildcard ? null : host, suffix, effectivePort(uri));
    }

    private static int effectivePort(URI url) {
        if (url.getPort() != -1) {
            return url.getPort();
        }
        return "https".equals(url.getScheme()) ? 443 : 80;
    }
}
