package io.approvalguard.challenge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class ClientDisplayNameTest {

    private static final Properties MESSAGES = new Properties();

    static {
        MESSAGES.setProperty("client_account-console", "Account Console");
        MESSAGES.setProperty("client_quoted", "Alice''s shop");
        MESSAGES.setProperty("client_blank", " ");
    }

    @Test
    void aMessageKeyIsShownAsItsMessage() {
        assertEquals(
                "Account Console",
                ClientDisplayName.of("${client_account-console}", "account-console", MESSAGES));
        assertEquals(
                "Alice's shop",
                ClientDisplayName.of("${client_quoted}", "shop", MESSAGES),
                "formatted as Keycloak's pages do");
    }

    @Test
    void anUnknownKeyOrNoMessagesFallBackToTheClientId() {
        assertEquals(
                "my-client", ClientDisplayName.of("${client_no-such-key}", "my-client", MESSAGES));
        assertEquals("my-client", ClientDisplayName.of("${client_blank}", "my-client", MESSAGES));
        assertEquals(
                "account-console",
                ClientDisplayName.of("${client_account-console}", "account-console", null));
        assertEquals(
                "my-client",
                ClientDisplayName.of("${client_account-console} and more", "my-client", MESSAGES),
                "only a name that is one key is resolved");
    }

    @Test
    void aPlainNameIsShownAsItIsAndNoNameAsTheClientId() {
        assertEquals(
                "Approval Guard test client",
                ClientDisplayName.of("Approval Guard test client", "ag", MESSAGES));
        assertEquals("ag", ClientDisplayName.of(null, "ag", MESSAGES));
        assertEquals("ag", ClientDisplayName.of("  ", "ag", MESSAGES));
    }
}
