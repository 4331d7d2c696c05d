package io.approvalguard.testkit.oidc;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A browser-like cookie jar (RFC 6265 storage and matching) for {@link java.net.http.HttpClient}.
 *
 * <p>Why not {@link java.net.CookieManager}: Keycloak 26 marks its cookies {@code Secure} even on
 * plain http, which browsers accept on loopback (a "potentially trustworthy" origin), but
 * CookieManager never sends a Secure cookie over http. CookieManager also re-quotes {@code
 * Version=1} cookies as {@code $Version="1"; NAME="value"}, which no browser does. This jar sends
 * {@code name=value} exactly as received.
 */
public final class CookieJar extends CookieHandler {

    /** One stored cookie; {@code expiresAt} null means a session cookie. */
    public record Cookie(
            String name,
            String value,
            String domain,
            boolean hostOnly,
            String path,
            boolean secure,
            boolean httpOnly,
            Instant expiresAt) {

        boolean isExpired(Instant now) {
            return expiresAt != null && !expiresAt.isAfter(now);
        }
    }

    private final List<Cookie> cookies = new ArrayList<>();

    @Override
    public synchronized Map<String, List<String>> get(
            URI uri, Map<String, List<String>> requestHeaders) {
        Instant now = Instant.now();
        cookies.removeIf(cookie -> cookie.isExpired(now));
        StringJoiner header = new StringJoiner("; ");
        boolean trustworthy =
                "https".equalsIgnoreCase(uri.getScheme()) || isLoopback(uri.getHost());
        for (Cookie cookie : cookies) {
            if (domainMatches(cookie, uri.getHost())
                    && pathMatches(cookie.path(), pathOf(uri))
                    && (!cookie.secure() || trustworthy)) {
                header.add(cookie.name() + "=" + cookie.value());
            }
        }
        return header.length() == 0 ? Map.of() : Map.of("Cookie", List.of(header.toString()));
    }

    @Override
    public synchronized void put(URI uri, Map<String, List<String>> responseHeaders)
            throws IOException {
        for (Map.Entry<String, List<String>> entry : responseHeaders.entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase("Set-Cookie")) {
                for (String line : entry.getValue()) {
                    parse(uri, line).ifPresent(this::store);
                }
            }
        }
    }

    /** All live cookies, in storage order. */
    public synchronized List<Cookie> all() {
        Instant now = Instant.now();
        cookies.removeIf(cookie -> cookie.isExpired(now));
        return List.copyOf(cookies);
    }

    /** The value of the first live cookie with this name, or null. */
    public synchronized String value(String name) {
        return all().stream()
                .filter(c -> c.name().equals(name))
                .map(Cookie::value)
                .findFirst()
                .orElse(null);
    }

    /** Removes every cookie with this name (as if the user deleted it). */
    public synchronized void remove(String name) {
        cookies.removeIf(cookie -> cookie.name().equals(name));
    }

    public synchronized void clear() {
        cookies.clear();
    }

    /** Stores a cookie directly, e.g. one copied from another browser. */
    public synchronized void add(Cookie cookie) {
        store(cookie);
    }

    private void store(Cookie cookie) {
        for (Iterator<Cookie> it = cookies.iterator(); it.hasNext(); ) {
            Cookie old = it.next();
            if (old.name().equals(cookie.name())
                    && old.domain().equalsIgnoreCase(cookie.domain())
                    && old.path().equals(cookie.path())) {
                it.remove();
            }
        }
        if (!cookie.isExpired(Instant.now())) {
            cookies.add(cookie);
        }
    }

    private static Optional<Cookie> parse(URI uri, String line) {
        String[] parts = line.split(";");
        int eq = parts[0].indexOf('=');
        if (eq <= 0) {
            return Optional.empty();
        }
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        String domain = uri.getHost();
        boolean hostOnly = true;
        String path = defaultPath(pathOf(uri));
        boolean secure = false;
        boolean httpOnly = false;
        Instant expires = null;
        Instant maxAgeExpiry = null;
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].trim();
            int split = attribute.indexOf('=');
            String key =
                    (split < 0 ? attribute : attribute.substring(0, split))
                            .trim()
                            .toLowerCase(Locale.ROOT);
            String attributeValue = split < 0 ? "" : attribute.substring(split + 1).trim();
            switch (key) {
                case "domain" -> {
                    if (!attributeValue.isEmpty()) {
                        domain =
                                attributeValue.startsWith(".")
                                        ? attributeValue.substring(1)
                                        : attributeValue;
                        hostOnly = false;
                    }
                }
                case "path" -> {
                    if (attributeValue.startsWith("/")) {
                        path = attributeValue;
                    }
                }
                case "secure" -> secure = true;
                case "httponly" -> httpOnly = true;
                case "max-age" -> {
                    try {
                        long seconds = Long.parseLong(attributeValue);
                        maxAgeExpiry =
                                seconds <= 0 ? Instant.EPOCH : Instant.now().plusSeconds(seconds);
                    } catch (NumberFormatException ignored) {
                        // RFC 6265: ignore a malformed Max-Age
                    }
                }
                case "expires" -> expires = parseDate(attributeValue);
                default -> {}
            }
        }
        Instant expiresAt = maxAgeExpiry != null ? maxAgeExpiry : expires;
        return Optional.of(
                new Cookie(name, value, domain, hostOnly, path, secure, httpOnly, expiresAt));
    }

    private static Instant parseDate(String text) {
        for (String candidate : List.of(text, text.replace('-', ' '))) {
            try {
                return ZonedDateTime.parse(candidate, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
            } catch (DateTimeParseException ignored) {
                // try the next spelling
            }
        }
        return null;
    }

    private static boolean domainMatches(Cookie cookie, String host) {
        if (host == null) {
            return false;
        }
        if (cookie.hostOnly()) {
            return host.equalsIgnoreCase(cookie.domain());
        }
        String lowerHost = host.toLowerCase(Locale.ROOT);
        String domain = cookie.domain().toLowerCase(Locale.ROOT);
        return lowerHost.equals(domain) || lowerHost.endsWith("." + domain);
    }

    private static boolean pathMatches(String cookiePath, String requestPath) {
        if (requestPath.equals(cookiePath)) {
            return true;
        }
        return requestPath.startsWith(cookiePath)
                && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/');
    }

    private static String pathOf(URI uri) {
        String path = uri.getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    private static String defaultPath(String requestPath) {
        int lastSlash = requestPath.lastIndexOf('/');
        return lastSlash <= 0 ? "/" : requestPath.substring(0, lastSlash);
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            // only literal addresses: never resolve a name here
            if (host.chars().allMatch(c -> Character.isDigit(c) || c == '.')
                    || host.contains(":")) {
                return InetAddress.getByName(host.replace("[", "").replace("]", ""))
                        .isLoopbackAddress();
            }
        } catch (UnknownHostException e) {
            return false;
        }
        return false;
    }

    @Override
    public synchronized String toString() {
        Map<String, String> view = new LinkedHashMap<>();
        for (Cookie cookie : all()) {
            view.put(cookie.name() + "@" + cookie.path(), cookie.value());
        }
        return view.toString();
    }
}
