package io.approvalguard.governance.kinds;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reading a request's {@code change} member: the checks every kind makes the same way. */
final class Inputs {

    /** The longest text a change member may hold (ids, names, paths, addresses). */
    static final int MAX_TEXT = 255;

    private Inputs() {}

    /** Refuses members other than {@code allowed}; a null change is an empty one. */
    static Map<String, Object> only(Map<String, Object> change, Set<String> allowed)
            throws ChangeInvalid {
        Map<String, Object> members = change == null ? Map.of() : change;
        Set<String> unknown = new TreeSet<>();
        for (String name : members.keySet()) {
            if (name == null || !allowed.contains(name)) {
                unknown.add(String.valueOf(name));
            }
        }
        if (!unknown.isEmpty()) {
            throw new ChangeInvalid(
                    "change has unknown member(s) "
                            + unknown
                            + (allowed.isEmpty()
                                    ? "; this kind takes none"
                                    : "; allowed: " + new TreeSet<>(allowed)));
        }
        return members;
    }

    /** A text member, trimmed; null when absent; refused when not a non-blank string. */
    static String text(Map<String, Object> change, String name) throws ChangeInvalid {
        Object value = change.get(name);
        if (value == null) {
            if (change.containsKey(name)) {
                throw new ChangeInvalid(name + " must be a string, not null");
            }
            return null;
        }
        if (!(value instanceof String text)) {
            throw new ChangeInvalid(name + " must be a string");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw new ChangeInvalid(name + " must not contain control characters");
            }
        }
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw new ChangeInvalid(name + " must not be blank");
        }
        if (trimmed.length() > MAX_TEXT) {
            throw new ChangeInvalid(name + " is longer than " + MAX_TEXT + " characters");
        }
        return trimmed;
    }

    static String requiredText(Map<String, Object> change, String name) throws ChangeInvalid {
        String value = text(change, name);
        if (value == null) {
            throw new ChangeInvalid(name + " is required");
        }
        return value;
    }

    /**
     * A whole-number member within {@code min..max}; {@code fallback} when absent (null: required).
     */
    static long wholeNumber(
            Map<String, Object> change, String name, Long fallback, long min, long max)
            throws ChangeInvalid {
        Object value = change.get(name);
        if (value == null) {
            if (fallback == null || change.containsKey(name)) {
                throw new ChangeInvalid(
                        name + " is required: a whole number from " + min + " to " + max);
            }
            return fallback;
        }
        Long whole = whole(value);
        if (whole == null || whole < min || whole > max) {
            throw new ChangeInvalid(name + " must be a whole number from " + min + " to " + max);
        }
        return whole;
    }

    /** A boolean member; {@code fallback} when absent. */
    static boolean bool(Map<String, Object> change, String name, boolean fallback)
            throws ChangeInvalid {
        Object value = change.get(name);
        if (value == null) {
            if (change.containsKey(name)) {
                throw new ChangeInvalid(name + " must be true or false, not null");
            }
            return fallback;
        }
        if (!(value instanceof Boolean flag)) {
            throw new ChangeInvalid(name + " must be true or false");
        }
        return flag;
    }

    private static Long whole(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return ((Number) value).longValue();
        }
        try {
            if (value instanceof BigInteger big) {
                return big.longValueExact();
            }
            if (value instanceof BigDecimal decimal) {
                return decimal.longValueExact();
            }
            if (value instanceof Double || value instanceof Float) {
                double d = ((Number) value).doubleValue();
                return d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15 ? (long) d : null;
            }
        } catch (ArithmeticException e) {
            return null;
        }
        return null;
    }
}
