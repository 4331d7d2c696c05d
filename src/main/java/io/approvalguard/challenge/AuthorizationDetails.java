package io.approvalguard.challenge;

import io.approvalguard.support.json.StrictJson;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * RFC 9396 {@code authorization_details} as a client sent them, checked before anything is shown to
 * a user: a JSON array of objects with a {@code type}, bounded in size and depth, without duplicate
 * members, null values or numbers a device could not hash exactly.
 */
public final class AuthorizationDetails {

    public static final int MAX_CHARS = 8 * 1024;
    static final int MAX_ENTRIES = 20;
    static final int MAX_DEPTH = 8;
    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private AuthorizationDetails() {}

    /** Thrown with a message fit for the sign-in page's log and the client's error description. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** The parsed array, or null when the request carried none. */
    @SuppressWarnings("unchecked")
    public static List<Object> parse(String raw) throws Invalid {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        if (raw.length() > MAX_CHARS) {
            throw new Invalid("authorization_details is longer than " + MAX_CHARS + " characters");
        }
        Object parsed;
        try {
            parsed = StrictJson.readArray(raw.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Invalid(
                    "authorization_details is not a JSON array without duplicate members");
        }
        List<Object> entries = (List<Object>) parsed;
        if (entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw new Invalid("authorization_details must hold 1 to " + MAX_ENTRIES + " objects");
        }
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> object)
                    || !(object.get("type") instanceof String type)
                    || type.isBlank()) {
                throw new Invalid(
                        "every authorization_details entry must be an object with a type");
            }
            check(entry, 1);
        }
        return entries;
    }

    private static void check(Object value, int depth) throws Invalid {
        if (depth > MAX_DEPTH) {
            throw new Invalid(
                    "authorization_details is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (value == null) {
            // A device's display drops absent and null members alike, so the hash would cover
            // something the user never saw: one form only, without nulls.
            throw new Invalid(
                    "authorization_details holds a null value; leave the member out instead");
        }
        if (value instanceof Map<?, ?> map) {
            for (Object member : map.values()) {
                check(member, depth + 1);
            }
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                check(item, depth + 1);
            }
        } else if (value instanceof BigInteger
                || value instanceof java.math.BigDecimal
                // both bounds, not Math.abs: the absolute value of Long.MIN_VALUE is Long.MIN_VALUE
                || (value instanceof Long l && (l > MAX_SAFE_INTEGER || l < -MAX_SAFE_INTEGER))) {
            throw new Invalid(
                    "authorization_details holds a number a device cannot represent exactly; send it as a string");
        } else if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            throw new Invalid("authorization_details holds a number that is not finite");
        }
    }
}
