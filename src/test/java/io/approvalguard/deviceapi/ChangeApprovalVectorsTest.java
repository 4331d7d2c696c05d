package io.approvalguard.deviceapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.approvalguard.support.json.CanonicalJson;
import io.approvalguard.support.json.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.keycloak.util.JsonSerialization;

/**
 * The server hashes the change-approval contexts of the web approver's Node tests
 * (src/test/js/change-approval-vectors.json, one of each kind, hostile strings among them) as the
 * page does: the context hash the device signs, and the request hash that names the change request.
 * Otherwise an approver's signature could never match.
 */
class ChangeApprovalVectorsTest {

    static final Path VECTORS =
            Path.of(System.getProperty("basedir", "."), "src/test/js/change-approval-vectors.json");

    /** The vectors: name, context (JSON text), canonical, context_hash, request_hash. */
    static List<Map<String, String>> vectors() throws IOException {
        Map<String, Object> file =
                JsonSerialization.readValue(
                        Files.readString(VECTORS, StandardCharsets.UTF_8),
                        new TypeReference<Map<String, Object>>() {});
        @SuppressWarnings("unchecked")
        List<Map<String, String>> vectors = (List<Map<String, String>>) file.get("vectors");
        return vectors;
    }

    @TestFactory
    Stream<DynamicTest> theServerHashesEveryChangeApprovalAsThePageDoes() throws IOException {
        List<Map<String, String>> vectors = vectors();
        assertTrue(vectors.size() >= 12, vectors.size() + " vectors");
        return vectors.stream()
                .map(
                        v ->
                                DynamicTest.dynamicTest(
                                        v.get("name"),
                                        () -> {
                                            Map<String, Object> context =
                                                    StrictJson.readObject(
                                                            v.get("context")
                                                                    .getBytes(
                                                                            StandardCharsets
                                                                                    .UTF_8));
                                            assertEquals("change-approval", context.get("reason"));
                                            assertEquals(
                                                    v.get("canonical"),
                                                    CanonicalJson.canonicalize(context));
                                            assertEquals(
                                                    v.get("context_hash"),
                                                    CanonicalJson.hash(context));
                                            assertEquals(
                                                    v.get("request_hash"),
                                                    CanonicalJson.hash(
                                                            context.get("change_request")));
                                            assertEquals(
                                                    v.get("request_hash"),
                                                    context.get("request_hash"));
                                        }));
    }
}
