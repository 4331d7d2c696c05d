package io.approvalguard.notify.fcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.device.PushAddress;
import io.approvalguard.notify.PushOutcome;
import io.approvalguard.testkit.FakeFcm;
import io.approvalguard.testkit.MapScope;
import io.approvalguard.testkit.fakes.StrictProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;

class FcmNotifierFactoryTest {

    @TempDir Path dir;

    // ---- configuration ----------------------------------------------------------------------

    @Test
    void withoutAServiceAccountItIsUnavailableNamingBothOptions() {
        FcmNotifierFactory factory = factory(Map.of());
        assertEquals(
                "FCM is not configured: set --spi-approval-guard-notifier--fcm--service-account-file "
                        + "or --spi-approval-guard-notifier--fcm--service-account-vault-key",
                factory.unavailableReason());
        assertEquals("fcm", factory.getId());
    }

    @Test
    void aServiceAccountFileOrAVaultKeyMakesItAvailable() {
        Path file = new FakeFcm(0).writeServiceAccount(dir, "ag-test").file();
        assertNull(factory(Map.of("service-account-file", file.toString())).unavailableReason());
        assertNull(factory(Map.of("service-account-vault-key", "fcm-sa")).unavailableReason());
    }

    @Test
    void anUnreadableFileStopsTheStartNamingOptionAndPath() {
        String missing = dir.resolve("nope.json").toString();
        String message =
                assertThrows(
                                IllegalArgumentException.class,
                                () -> factory(Map.of("service-account-file", missing)))
                        .getMessage();
        assertTrue(
                message.contains(
                        "spi-approval-guard-notifier--fcm--service-account-file=" + missing),
                message);
        assertTrue(message.contains("NoSuchFileException"), message);
    }

    @Test
    void anInvalidFileStopsTheStartNamingTheMemberNeverTheKey() throws IOException {
        FakeFcm.Account account = new FakeFcm(0).writeServiceAccount(dir, "ag-test");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, account.json().replace("\"private_key_id\"", "\"key_id\""));
        String message =
                assertThrows(
                                IllegalArgumentException.class,
                                () -> factory(Map.of("service-account-file", broken.toString())))
                        .getMessage();
        assertTrue(message.contains("member private_key_id is missing"), message);
        assertFalse(message.contains("PRIVATE KEY"), message);
    }

    @Test
    void badOptionsStopTheStart() {
        Path file = new FakeFcm(0).writeServiceAccount(dir, "ag-test").file();
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        factory(
                                Map.of(
                                        "service-account-file",
                                        file.toString(),
                                        "service-account-vault-key",
                                        "fcm-sa")));
        assertThrows(
                IllegalArgumentException.class,
                () -> factory(Map.of("service-account-vault-key", "${vault.x}")));
        assertThrows(
                IllegalArgumentException.class,
                () -> factory(Map.of("endpoint", "https://fcm.example/v1")));
        assertThrows(
                IllegalArgumentException.class, () -> factory(Map.of("token-uri", "not a url")));
        assertThrows(
                IllegalArgumentException.class,
                () -> factory(Map.of("timeout-ms", "1000", "connect-timeout-ms", "2000")));
    }

    @Test
    void itsOptionsIncludeTheQueuesOnce() {
        Set<String> names =
                new FcmNotifierFactory()
                        .getConfigMetadata().stream()
                                .map(ProviderConfigProperty::getName)
                                .collect(Collectors.toSet());
        assertEquals(
                Set.of(
                        "service-account-file",
                        "service-account-vault-key",
                        "token-uri",
                        "endpoint",
                        "max-concurrent-sends",
                        "queue-capacity",
                        "timeout-ms",
                        "connect-timeout-ms",
                        "max-attempts",
                        "backoff-initial-ms"),
                names);
        assertEquals("spi-approval-guard-notifier--fcm", FcmNotifierFactory.OPTIONS.scope());
    }

    @Test
    void wiredFromItsOptionsItSendsThroughKeycloaksClient() throws IOException {
        try (FakeFcm fcm = new FakeFcm(0).start();
                CloseableHttpClient client = HttpClientBuilder.create().build()) {
            FakeFcm.Account account = fcm.writeServiceAccount(dir, "ag-test");
            FcmNotifierFactory factory =
                    factory(
                            Map.of(
                                    "service-account-file", account.file().toString(),
                                    "endpoint", fcm.origin(),
                                    "timeout-ms", "2000"));
            factory.postInit(null); // the queue keeps the session factory for later
            try {
                HttpClientProvider http =
                        StrictProxy.of(HttpClientProvider.class, "http client provider")
                                .on("getHttpClient()", a -> client)
                                .build();
                KeycloakSession session =
                        StrictProxy.of(KeycloakSession.class, "session")
                                .on(
                                        "getProvider(Class)",
                                        a -> a[0] == HttpClientProvider.class ? http : null)
                                .build();

                PushOutcome outcome =
                        factory.create(session)
                                .send(FcmNotifierTest.message(60), FcmNotifierTest.address());

                assertEquals(PushOutcome.delivered(), outcome);
                assertEquals(1, fcm.exchanges());
                assertEquals(FcmNotifierTest.DEVICE_TOKEN, fcm.messages().get(0).token());
                assertEquals(2000, factory.queue().settings().timeoutMs());
            } finally {
                factory.close();
            }
        }
    }

    @Test
    void unconfiguredItFailsEachSendWithTheReason() {
        FcmNotifierFactory factory = factory(Map.of());
        PushOutcome outcome =
                factory.create(null).send(FcmNotifierTest.message(60), FcmNotifierTest.address());
        assertEquals(PushOutcome.failed(factory.unavailableReason()), outcome);
    }

    // ---- device addresses -------------------------------------------------------------------

    @Test
    void anAddressIsARegistrationToken() {
        String token = "dGVzdA:APA91bH" + "a-b_c".repeat(30);
        PushAddress address =
                factory(Map.of()).parseAddress(Map.of("token", token), 1_700_000_000L);
        assertEquals(PushAddress.token("fcm", token, 1_700_000_000L), address);
    }

    @Test
    void anythingElseIsRefusedClearly() {
        FcmNotifierFactory factory = factory(Map.of());
        assertEquals("token is missing: the FCM registration token", refused(factory, Map.of()));
        for (Object bad : List.of("", "has space", "x".repeat(4097), "tab\there", "é", 42)) {
            Map<String, Object> json = new HashMap<>();
            json.put("token", bad);
            assertEquals(
                    "token is not an FCM registration token: 1 to 4096 visible ASCII characters",
                    refused(factory, json));
        }
        assertEquals(1, factory.parseAddress(Map.of("token", "x".repeat(4096)), 1).registeredAt());
    }

    private static String refused(FcmNotifierFactory factory, Map<String, Object> json) {
        return assertThrows(IllegalArgumentException.class, () -> factory.parseAddress(json, 1))
                .getMessage();
    }

    private static FcmNotifierFactory factory(Map<String, String> options) {
        FcmNotifierFactory factory = new FcmNotifierFactory();
        factory.init(new MapScope(options));
        return factory;
    }
}
