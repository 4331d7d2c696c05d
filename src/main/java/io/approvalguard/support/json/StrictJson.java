package io.approvalguard.support.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Parses JSON that a device or browser sent. Duplicate members are an error rather than "last one
 * wins", so a signed document cannot mean two things; nesting and string sizes are bounded. The
 * bytes must be UTF-8 (RFC 8259 section 8.1) without a byte order mark: Jackson on its own would
 * guess UTF-16 or UTF-32 and skip a BOM, so the same bytes could read differently elsewhere.
 */
public final class StrictJson {

    private static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder()
                                .maxNestingDepth(16)
                                .maxStringLength(16 * 1024)
                                .maxNumberLength(32)
                                .build());
    }

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
    private static final TypeReference<List<Object>> ARRAY = new TypeReference<>() {};

    private StrictJson() {}

    /** Thrown when the bytes are not UTF-8 text; the message says why. */
    public static final class NotUtf8Exception extends IOException {
        NotUtf8Exception(String message) {
            super(message);
        }
    }

    /**
     * @throws IOException when the bytes are not exactly one JSON object in UTF-8
     */
    public static Map<String, Object> readObject(byte[] bytes) throws IOException {
        Map<String, Object> value = MAPPER.readValue(utf8(bytes), OBJECT);
        if (value == null) {
            throw new IOException("not a JSON object");
        }
        return value;
    }

    /**
     * @throws IOException when the bytes are not exactly one JSON array in UTF-8
     */
    public static List<Object> readArray(byte[] bytes) throws IOException {
        List<Object> value = MAPPER.readValue(utf8(bytes), ARRAY);
        if (value == null) {
            throw new IOException("not a JSON array");
        }
        return value;
    }

    /**
     * The bytes as text, when they are well-formed UTF-8: the JDK's decoder refuses overlong forms,
     * encoded surrogates and code points above U+10FFFF; a leading BOM is refused here.
     */
    static String utf8(byte[] bytes) throws NotUtf8Exception {
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString();
        } catch (CharacterCodingException e) {
            throw new NotUtf8Exception("not well-formed UTF-8");
        }
        if (!text.isEmpty() && text.charAt(0) == 0xFEFF) {
            throw new NotUtf8Exception("starts with a byte order mark");
        }
        return text;
    }
}
