package io.approvalguard.support.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.keycloak.util.JsonSerialization;

/**
 * The server's canonical JSON on the vectors the web approver's Node tests also run (src/test/js,
 * canonical-json-vectors.json): the page and the server hash the same bytes, or a device's
 * signature over the context could never match.
 */
class CanonicalJsonVectorsTest {

    @TestFactory
    Stream<DynamicTest> theServerWritesEveryVectorAsThePageDoes() throws IOException {
        List<Map<String, String>> vectors;
        try (InputStream in =
                CanonicalJsonVectorsTest.class.getResourceAsStream(
                        "/canonical-json-vectors.json")) {
            vectors =
                    JsonSerialization.readValue(
                            in, new TypeReference<List<Map<String, String>>>() {});
        }
        assertFalse(vectors.isEmpty());
        return vectors.stream()
                .map(
                        v ->
                                DynamicTest.dynamicTest(
                                        v.get("name"),
                                        () -> {
                                            Object input =
                                                    v.get("input").trim().startsWith("{")
                                                            ? StrictJson.readObject(
                                                                    v.get("input")
                                                                            .getBytes(
                                                                                    StandardCharsets
                                                                                            .UTF_8))
                                                            : v.get("input").trim().startsWith("[")
                                                                    ? StrictJson.readArray(
                                                                            v.get("input")
                                                                                    .getBytes(
                                                                                            StandardCharsets
                                                                                                    .UTF_8))
                                                                    : JsonSerialization.readValue(
                                                                            v.get("input"),
                                                                            Object.class);
                                            assertEquals(
                                                    v.get("canonical"),
                                                    CanonicalJson.canonicalize(input));
                                        }));
    }
}
