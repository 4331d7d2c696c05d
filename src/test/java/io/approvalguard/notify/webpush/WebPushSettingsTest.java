package io.approvalguard.notify.webpush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.MapScope;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebPushSettingsTest {

    private static WebPushSettings read(Map<String, String> options) {
        return WebPushSettings.read(WebPushNotifierFactory.OPTIONS.read(new MapScope(options)));
    }

    private static IllegalArgumentException refused(Map<String, String> options) {
        return assertThrows(IllegalArgumentException.class, () -> read(options));
    }

    @Test
    void withoutOptionsThereIsNoSubjectNoConfiguredKeyAndTheBigPushServices() {
        WebPushSettings settings = read(Map.of());

        assertNull(settings.subject());
        assertNull(settings.configuredKeys());
        assertTrue(settings.allowed().allows(URI.create("https://fcm.googleapis.com/fcm/send/x")));
        assertTrue(
                settings.allowed()
                        .allows(
                                URI.create(
                                        "https://updates.push.services.mozilla.com/wpush/v2/x")));
        assertTrue(settings.allowed().allows(URI.create("https://web.push.apple.com/x")));
        assertTrue(
                settings.allowed()
                        .allows(URI.create("https://wns2-par02p.notify.windows.com/w/?token=x")));
        assertFalse(settings.allowed().allows(URI.create("http://fcm.googleapis.com/fcm/send/x")));
        assertFalse(settings.allowed().allows(URI.create("https://169.254.169.254/latest")));
        assertFalse(
                settings.allowed()
                        .allows(URI.create("https://push.services.mozilla.com.evil.example/x")));
        assertEquals(4, settings.queue().maxConcurrentSends());
    }

    @Test
    void readsAConfiguredPair() {
        WebPushSettings settings =
                read(
                        Map.of(
                                "vapid-subject", "mailto:ops@example.com",
                                "vapid-private-key", Rfc8291.AS_PRIVATE,
                                "vapid-public-key", Rfc8291.AS_PUBLIC));

        assertEquals("mailto:ops@example.com", settings.subject());
        assertEquals(Rfc8291.AS_PUBLIC, settings.configuredKeys().publicKeyBase64Url());
    }

    @Test
    void aKeyProblemNamesTheOptionNeverTheValue() {
        IllegalArgumentException mismatch =
                refused(
                        Map.of(
                                "vapid-private-key", Rfc8291.AS_PRIVATE,
                                "vapid-public-key", Rfc8291.UA_PUBLIC));
        assertTrue(mismatch.getMessage().contains("vapid-public-key"), mismatch.getMessage());
        IllegalArgumentException badPrivate =
                refused(
                        Map.of(
                                "vapid-private-key", Rfc8291.AUTH,
                                "vapid-public-key", Rfc8291.AS_PUBLIC));
        assertTrue(badPrivate.getMessage().contains("vapid-private-key"), badPrivate.getMessage());
        IllegalArgumentException alone = refused(Map.of("vapid-private-key", Rfc8291.AS_PRIVATE));
        assertTrue(alone.getMessage().contains("vapid-public-key"), alone.getMessage());

        for (IllegalArgumentException e :
                new IllegalArgumentException[] {mismatch, badPrivate, alone}) {
            for (String key :
                    new String[] {
                        Rfc8291.AS_PRIVATE, Rfc8291.AS_PUBLIC, Rfc8291.UA_PUBLIC, Rfc8291.AUTH
                    }) {
                assertFalse(e.getMessage().contains(key), e.getMessage());
            }
        }
    }

    @Test
    void refusesASubjectThatIsNoContactAndAnAllowedEntryThatIsNoOrigin() {
        assertTrue(
                refused(Map.of("vapid-subject", "ops@example.com"))
                        .getMessage()
                        .contains("vapid-subject"));
        assertTrue(
                refused(Map.of("allowed-endpoints", "https://fcm.googleapis.com/fcm"))
                        .getMessage()
                        .contains("allowed-endpoints"));
        assertEquals(
                "https://ops.example.com/push",
                read(Map.of("vapid-subject", "https://ops.example.com/push")).subject());
    }

    @Test
    void anHttpOriginIsAllowedOnlyWhenListedAsHttp() {
        WebPushSettings settings =
                read(Map.of("allowed-endpoints", "http://127.0.0.1:8097, https://*.push.example"));

        assertTrue(settings.allowed().allows(URI.create("http://127.0.0.1:8097/push/1")));
        assertFalse(settings.allowed().allows(URI.create("https://127.0.0.1:8097/push/1")));
        assertFalse(settings.allowed().allows(URI.create("http://127.0.0.1:8098/push/1")));
        assertTrue(settings.allowed().allows(URI.create("https://a.b.push.example/x")));
        assertFalse(settings.allowed().allows(URI.create("https://push.example/x")));
        assertFalse(settings.allowed().allows(URI.create("http://a.push.example/x")));
        assertFalse(settings.allowed().allows(URI.create("https://user@a.push.example/x")));
    }

    @Test
    void generatedKeysArePairsAndDiffer() {
        VapidKeys one = VapidKeys.generate();
        VapidKeys two = VapidKeys.generate();

        VapidKeys again = VapidKeys.of(one.privateKeyBase64Url(), one.publicKeyBase64Url());
        assertEquals(one.publicKeyBase64Url(), again.publicKeyBase64Url());
        assertEquals(87, one.publicKeyBase64Url().length());
        assertEquals(43, one.privateKeyBase64Url().length());
        assertNotEquals(one.publicKeyBase64Url(), two.publicKeyBase64Url());
        assertFalse(one.toString().contains(one.privateKeyBase64Url()));
    }
}
