package io.approvalguard.testkit;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Canonical JSON as docs/device-api.md defines it (RFC 8785, JSON Canonicalization Scheme): objects
 * (nested to any depth) with their members sorted by name in UTF-16 code-unit order, arrays in
 * their order, no white space, strings escaped as ECMAScript {@code JSON.stringify} does, {@code
 * true}, {@code false}, {@code null}, and numbers written as ECMAScript's {@code
 * Number.prototype.toString} writes the IEEE 754 double they denote (RFC 8785 section 3.2.2.3):
 * integers up to 2^53 in plain decimal, {@code 12.5}, {@code 1e+21}, {@code 1.5e-7}.
 *
 * <p>Written independently of the server's implementation on purpose: if both agree, the contract
 * is what they agree on.
 */
public final class CanonicalJson {

    /** Integers up to this magnitude are exact doubles and are written as they are. */
    private static final BigInteger TWO_TO_53 = BigInteger.ONE.shiftLeft(53);

    private CanonicalJson() {}

    public static String of(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    /** base64url (no padding) of SHA-256 over the UTF-8 bytes of the canonical JSON. */
    public static String hash(Object value) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(of(value).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            writeString(text, out);
        } else if (value instanceof Boolean bool) {
            out.append(bool);
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte
                || value instanceof BigInteger) {
            BigInteger integer =
                    value instanceof BigInteger big
                            ? big
                            : BigInteger.valueOf(((Number) value).longValue());
            if (integer.abs().compareTo(TWO_TO_53) <= 0) {
                out.append(integer);
            } else {
                // What a JSON parser that reads numbers as doubles (JavaScript's) makes of it:
                // the nearest double, written the ECMAScript way.
                out.append(number(new BigDecimal(integer).doubleValue()));
            }
        } else if (value instanceof Double || value instanceof Float) {
            // float to double is exact, so a Float is the double it already is.
            out.append(number(((Number) value).doubleValue()));
        } else if (value instanceof BigDecimal decimal) {
            // BigDecimal.doubleValue rounds to nearest, as JSON.parse does with the same digits.
            out.append(number(decimal.doubleValue()));
        } else if (value instanceof Map<?, ?> map) {
            writeObject(map, out);
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object element : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(element, out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException(
                    "not supported in canonical JSON: " + value.getClass().getName());
        }
    }

    /**
     * A double as ECMAScript's Number::toString writes it (ECMA-262 section 6.1.6.1.20, which RFC
     * 8785 section 3.2.2.3 adopts). With k the number of digits, s the digits and n the decimal
     * exponent such that s * 10^(n-k) is the shortest decimal that reads back as {@code d}: plain
     * notation for 1e-7 <= |d| < 1e21, otherwise d.ddde+n / d.ddde-n. {@code -0} is written {@code
     * 0}; NaN and the infinities have no JSON form.
     */
    public static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("NaN and infinities have no JSON form: " + d);
        }
        if (d == 0) {
            return "0"; // 0 and -0 alike
        }
        BigDecimal shortest = shortestDecimal(Math.abs(d));
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale();
        StringBuilder out = new StringBuilder(32);
        if (d < 0) {
            out.append('-');
        }
        if (k <= n && n <= 21) {
            out.append(digits);
            out.append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            int e = n - 1;
            out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return out.toString();
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code d} (positive,
     * finite), trailing zeros stripped. Among several with that many digits, the one nearest to
     * {@code d}'s exact value, and of two equally near the even one (ECMA-262's tie rule).
     *
     * <p>Rounding the exact value to p digits gives the nearest p-digit decimal, but just above a
     * power of two the doubles below are closer together than those above, so a neighbour of the
     * nearest p-digit decimal may read back as {@code d} where the nearest does not: all three are
     * tried.
     */
    static BigDecimal shortestDecimal(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int p = 1; p <= 17; p++) {
            BigDecimal nearest = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            BigDecimal unit = BigDecimal.ONE.scaleByPowerOfTen(-nearest.scale());
            BigDecimal best = null;
            for (BigDecimal candidate :
                    new BigDecimal[] {nearest.subtract(unit), nearest, nearest.add(unit)}) {
                if (candidate.signum() <= 0
                        || candidate.stripTrailingZeros().precision() > p
                        || candidate.doubleValue() != d) {
                    continue;
                }
                if (best == null) {
                    best = candidate;
                    continue;
                }
                int closer = candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs());
                if (closer < 0 || (closer == 0 && !candidate.unscaledValue().testBit(0))) {
                    best = candidate;
                }
            }
            if (best != null) {
                return best.stripTrailingZeros();
            }
        }
        // 17 significant digits always identify a double; not reached.
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    private static void writeObject(Map<?, ?> map, StringBuilder out) {
        List<String> names = new ArrayList<>();
        for (Object key : map.keySet()) {
            names.add((String) key);
        }
        // String.compareTo compares UTF-16 code units, which is exactly RFC 8785's order.
        names.sort(String::compareTo);
        out.append('{');
        boolean first = true;
        for (String name : names) {
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(name, out);
            out.append(':');
            write(map.get(name), out);
        }
        out.append('}');
    }

    private static void writeString(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || isLoneSurrogate(text, i)) {
                        // JSON.stringify escapes control characters and (since ES2019) lone
                        // surrogates
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean isLoneSurrogate(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
        }
        return false;
    }
}
