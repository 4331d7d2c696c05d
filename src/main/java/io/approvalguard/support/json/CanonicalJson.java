package io.approvalguard.support.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 (JSON Canonicalization Scheme) for the values an approval context holds: objects,
 * strings, numbers, booleans, null and lists. Device and server hash the same bytes, so the
 * escaping follows ECMAScript's JSON.stringify exactly.
 */
public final class CanonicalJson {

    private CanonicalJson() {}

    public static String canonicalize(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, true, out);
        return out.toString();
    }

    /**
     * The value as JSON whose strings, numbers and literals are written exactly as in the canonical
     * form, with object members in their own order rather than sorted: what a device is shown, so
     * that the text of each value it displays is the text it hashes.
     */
    public static String writeInOrder(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, false, out);
        return out.toString();
    }

    /** base64url (no padding) of SHA-256 over the canonical UTF-8 bytes. */
    public static String hash(Object value) {
        return sha256Base64Url(canonicalize(value).getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Base64Url(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static void write(Object value, boolean sortMembers, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            writeString(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            out.append(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            out.append(number(((Number) value).doubleValue()));
        } else if (value instanceof Map<?, ?> map) {
            writeObject(map, sortMembers, out);
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), sortMembers, out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException(
                    "value of type "
                            + value.getClass().getSimpleName()
                            + " cannot be canonicalised");
        }
    }

    /**
     * A double as ECMAScript's Number.prototype.toString writes it (RFC 8785 section 3.2.2.3): the
     * shortest digits that read back as the same double, plain between 1e-7 and 1e21, else with an
     * exponent. Java 17's Double.toString is not always the shortest, so the digits are found here.
     */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("NaN and infinities have no JSON form");
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal shortest = shortestDigits(value).stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int k = digits.length();
        int n = k - shortest.scale();
        StringBuilder out = new StringBuilder(value < 0 ? "-" : "");
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int exponent = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(exponent >= 0 ? "+" : "-").append(Math.abs(exponent));
        }
        return out.toString();
    }

    /**
     * The fewest significant digits that read back as {@code value}, and among those the closest to
     * it. Rounding to p digits is not enough: just above a power of two the nearest p-digit decimal
     * may miss while its neighbour one unit away reads back.
     */
    private static BigDecimal shortestDigits(double value) {
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal rounded = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            BigDecimal best = null;
            for (BigDecimal candidate :
                    new BigDecimal[] {
                        rounded, rounded.subtract(rounded.ulp()), rounded.add(rounded.ulp())
                    }) {
                if (candidate.doubleValue() == value
                        && (best == null
                                || candidate
                                                .subtract(exact)
                                                .abs()
                                                .compareTo(best.subtract(exact).abs())
                                        < 0)) {
                    best = candidate;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return exact;
    }

    private static void writeObject(Map<?, ?> map, boolean sortMembers, StringBuilder out) {
        List<String> keys = new ArrayList<>();
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw new IllegalArgumentException("object keys must be strings");
            }
            keys.add((String) key);
        }
        if (sortMembers) {
            // String.compareTo compares UTF-16 code units, which is the order RFC 8785 asks for.
            keys.sort(String::compareTo);
        }
        out.append('{');
        boolean first = true;
        for (String key : keys) {
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(key, out);
            out.append(':');
            write(map.get(key), sortMembers, out);
        }
        out.append('}');
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isSurrogate(c) && !isPairedSurrogate(s, i)) {
                        // JSON.stringify escapes lone surrogates; UTF-8 cannot carry them.
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean isPairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
