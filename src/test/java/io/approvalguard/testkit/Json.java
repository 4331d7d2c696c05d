package io.approvalguard.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Jackson in one place, so the test kit reads and writes JSON the same way everywhere. */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Object read(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("not JSON: " + abbreviate(text), e);
        }
    }

    public static Map<String, Object> readMap(String text) {
        try {
            return MAPPER.readValue(text, new TypeReference<Map<String, Object>>() {});
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("not a JSON object: " + abbreviate(text), e);
        }
    }

    public static List<Map<String, Object>> readList(String text) {
        try {
            return MAPPER.readValue(text, new TypeReference<List<Map<String, Object>>>() {});
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("not a JSON array of objects: " + abbreviate(text), e);
        }
    }

    /** Parses {@code text} as a JSON object, or returns an empty map when it is anything else. */
    public static Map<String, Object> readMapOrEmpty(String text) {
        if (text == null || !text.stripLeading().startsWith("{")) {
            return Map.of();
        }
        try {
            return readMap(text);
        } catch (UncheckedIOException e) {
            return Map.of();
        }
    }

    static String abbreviate(String text) {
        if (text == null) {
            return "null";
        }
        return text.length() <= 500 ? text : text.substring(0, 500) + "...";
    }
}
