package io.approvalguard.notify.fcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.FakeFcm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keycloak.util.JsonSerialization;

class ServiceAccountTest {

    @TempDir static Path dir;

    static FakeFcm.Account written;
    static String keyBody;

    @BeforeAll
    static void writeOne() throws IOException {
        written = new FakeFcm(0).writeServiceAccount(dir, "ag-test");
        String pem = (String) members().get("private_key");
        keyBody = pem.split("\n")[1]; // a line of the key's base64, to look for in messages
    }

    @Test
    void readsAKeyFileAsGoogleWritesIt() {
        ServiceAccount account = ServiceAccount.parse(bytes(members()));
        assertEquals("ag-test", account.projectId());
        assertEquals(written.clientEmail(), account.clientEmail());
        assertEquals(written.keyId(), account.privateKeyId());
        assertEquals("RSA", account.privateKey().getAlgorithm());
        assertEquals("http", account.tokenUri().getScheme());
        assertFalse(account.toString().contains(keyBody));
        assertFalse(account.toString().contains("PRIVATE"));
    }

    @Test
    void eachMissingMemberIsNamed() {
        for (String member :
                new String[] {
                    "type",
                    "project_id",
                    "client_email",
                    "private_key_id",
                    "private_key",
                    "token_uri"
                }) {
            Map<String, Object> members = members();
            members.remove(member);
            String message = refused(members);
            assertEquals(
                    "not a usable service-account key: member " + member + " is missing", message);
        }
    }

    @Test
    void wrongValuesAreNamedWithoutTheKey() {
        assertRefused("type", "authorized_user", "member type is not \"service_account\"");
        assertRefused(
                "project_id", "../other", "member project_id is not a Google Cloud project id");
        assertRefused("client_email", "nobody", "member client_email is not an e-mail address");
        assertRefused("private_key_id", 42, "member private_key_id is not a non-empty string");
        assertRefused(
                "token_uri",
                "ftp://oauth2.example",
                "member token_uri is not an absolute http(s) URL");
        assertRefused("token_uri", "https://user:pw@oauth2.example/token", "without user info");
        String pem = (String) members().get("private_key");
        assertRefused(
                "private_key",
                pem.replace(keyBody, keyBody.substring(8)),
                "member private_key is not a PKCS#8 RSA private key");
        assertRefused(
                "private_key",
                pem.replace("BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY"),
                "member private_key is not a PKCS#8 PEM block");
    }

    @Test
    void anEcOrShortKeyIsRefused() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        assertRefused(
                "private_key",
                pem(ec.generateKeyPair().getPrivate().getEncoded()),
                "member private_key is not a PKCS#8 RSA private key");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        assertRefused(
                "private_key",
                pem(rsa.generateKeyPair().getPrivate().getEncoded()),
                "at least 2048 bits");
    }

    @Test
    void notJsonIsRefusedWithoutQuotingIt() {
        String text = "{\"private_key\": \"" + keyBody + "\" oops";
        var e =
                assertThrows(
                        ServiceAccount.InvalidServiceAccountException.class,
                        () -> ServiceAccount.parse(text.getBytes(StandardCharsets.UTF_8)));
        assertEquals("not a usable service-account key: it is not a JSON object", e.getMessage());
        assertThrows(
                ServiceAccount.InvalidServiceAccountException.class,
                () -> ServiceAccount.parse("[1]".getBytes(StandardCharsets.UTF_8)));
        assertThrows(
                ServiceAccount.InvalidServiceAccountException.class,
                () -> ServiceAccount.parse(new byte[ServiceAccount.MAX_BYTES + 1]));
    }

    private static void assertRefused(String member, Object value, String expected) {
        Map<String, Object> members = members();
        members.put(member, value);
        String message = refused(members);
        assertTrue(message.contains(expected), message);
        assertFalse(message.contains(keyBody), message);
    }

    private static String refused(Map<String, Object> members) {
        return assertThrows(
                        ServiceAccount.InvalidServiceAccountException.class,
                        () -> ServiceAccount.parse(bytes(members)))
                .getMessage();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> members() {
        try {
            return new LinkedHashMap<>(JsonSerialization.readValue(written.json(), Map.class));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(Map<String, Object> members) {
        try {
            return JsonSerialization.writeValueAsBytes(members);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(byte[] der) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";
    }
}
