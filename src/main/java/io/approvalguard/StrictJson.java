package io.approvalguard;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Parses JSON that a device or browser sent. Duplicate members are an error rather than "last one
 * wins", so a signed document cannot mean two things; nesting and string sizes are bounded.
 */
public final class StrictJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(16).maxStringLength(16 * 1024).maxNumberLength(32).build());
    }

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final TypeReference<List<Object>> ARRAY = new TypeReference<>() {
    };

    private StrictJson() {
    }

    /** @throws IOException when the bytes are not exactly one JSON object */
    public static Map<String, Object> readObject(byte[] bytes) throws IOException {
        Map<String, Object> value = MAPPER.readValue(bytes, OBJECT);
        if (value == null) {
            throw new IOException("not a JSON object");
        }
        return value;
    }

    /** @throws IOException when the bytes are not exactly one JSON array */
    public static List<Object> readArray(byte[] bytes) throws IOException {
        List<Object> value = MAPPER.readValue(bytes, ARRAY);
        if (value == null) {
            throw new IOException("not a JSON array");
        }
        return value;
    }
}
