package io.approvalguard.testkit;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Walks over parsed JSON (maps, lists and scalars as Jackson reads them), for the fuzz tests'
 * properties.
 */
public final class JsonTrees {

    private JsonTrees() {}

    /** Nesting depth: 0 for a scalar, 1 for an object or array of scalars. */
    public static int depth(Object value) {
        int deepest = 0;
        for (Object child : children(value)) {
            deepest = Math.max(deepest, depth(child));
        }
        return value instanceof Map || value instanceof List ? deepest + 1 : 0;
    }

    /** Whether {@code test} holds for this value or any value nested in it. */
    public static boolean anyMatch(Object value, Predicate<Object> test) {
        if (test.test(value)) {
            return true;
        }
        for (Object child : children(value)) {
            if (anyMatch(child, test)) {
                return true;
            }
        }
        return false;
    }

    /** The members of every object in the tree, counted. */
    public static int memberCount(Object value) {
        int count = value instanceof Map<?, ?> map ? map.size() : 0;
        for (Object child : children(value)) {
            count += memberCount(child);
        }
        return count;
    }

    /**
     * Whether a value is one that a JSON parser hands out: object, array, string, number, boolean
     * or null.
     */
    public static boolean isJsonValue(Object value) {
        return value == null
                || value instanceof String
                || value instanceof Boolean
                || value instanceof Integer
                || value instanceof Long
                || value instanceof BigInteger
                || value instanceof Double
                || value instanceof BigDecimal
                || (value instanceof Map<?, ?> map
                        && map.keySet().stream().allMatch(String.class::isInstance))
                || value instanceof List;
    }

    /**
     * A copy with every integer too large for a long read as the nearest double, as ECMAScript's
     * JSON.parse reads it.
     */
    public static Object bigIntegersAsDoubles(Object value) {
        if (value instanceof BigInteger big) {
            return big.doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, bigIntegersAsDoubles(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(bigIntegersAsDoubles(v)));
            return copy;
        }
        return value;
    }

    private static Iterable<?> children(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.values();
        }
        if (value instanceof List<?> list) {
            return list;
        }
        return List.of();
    }
}
