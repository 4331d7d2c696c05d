package io.approvalguard.notify.webpush;

import io.approvalguard.device.PushAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * Checks a browser's {@code PushSubscription.toJSON()} as a device registers it: {@code
 * {"subscription":{"endpoint":"https://...","keys":{"p256dh":"...","auth":"..."}}}}.
 */
final class Subscriptions {

    /** Push services' endpoints are a few hundred characters; a longer one is not a real one. */
    static final int MAX_ENDPOINT_LENGTH = 2048;

    private Subscriptions() {}

    static PushAddress parse(Map<String, Object> json, AllowedEndpoints allowed, long now) {
        Map<?, ?> subscription = object(json.get("subscription"), "subscription");
        Map<?, ?> keys = object(subscription.get("keys"), "subscription.keys");
        URI endpoint =
                endpoint(text(subscription.get("endpoint"), "subscription.endpoint"), allowed);
        byte[] p256dh = bytes(keys.get("p256dh"), "subscription.keys.p256dh", 100);
        try {
            P256.publicKey(p256dh);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("subscription.keys.p256dh is " + e.getMessage());
        }
        byte[] auth = bytes(keys.get("auth"), "subscription.keys.auth", 32);
        if (auth.length != 16) {
            throw new IllegalArgumentException(
                    "subscription.keys.auth must be 16 bytes, base64url");
        }
        // stored in one spelling (unpadded base64url) so that sameAs sees a re-registration
        return PushAddress.webPush(
                endpoint.toString(), P256.base64Url(p256dh), P256.base64Url(auth), now);
    }

    private static URI endpoint(String raw, AllowedEndpoints allowed) {
        if (raw.length() > MAX_ENDPOINT_LENGTH) {
            throw new IllegalArgumentException(
                    "subscription.endpoint is longer than " + MAX_ENDPOINT_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("subscription.endpoint is not a URL");
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("subscription.endpoint is not an absolute URL");
        }
        if (!allowed.allows(uri)) {
            throw new IllegalArgumentException(
                    "subscription.endpoint's push service "
                            + AllowedEndpoints.origin(uri)
                            + " is not one this server sends to (allowed-endpoints)");
        }
        return uri;
    }

    private static Map<?, ?> object(Object value, String name) {
        if (value instanceof Map<?, ?> map) {
            return map;
        }
        throw new IllegalArgumentException(name + " must be an object");
    }

    private static String text(Object value, String name) {
        if (value instanceof String s && !s.isBlank()) {
            return s;
        }
        throw new IllegalArgumentException(name + " must be a non-empty string");
    }

    private static byte[] bytes(Object value, String name, int maxLength) {
        String text = text(value, name);
        if (text.length() > maxLength) {
            throw new IllegalArgumentException(name + " is too long");
        }
        try {
            return P256.fromBase64Url(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not base64url");
        }
    }
}
