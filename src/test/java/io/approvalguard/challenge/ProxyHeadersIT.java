package io.approvalguard.challenge;

import static io.approvalguard.testkit.PushScenario.CALLBACK;
import static io.approvalguard.testkit.PushScenario.CLIENT;
import static io.approvalguard.testkit.PushScenario.PASSWORD;
import static io.approvalguard.testkit.PushScenario.REALM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.NginxProxy;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Behind the shipped {@code docker/nginx.conf}, a client cannot choose the address the device shows
 * (and the per-IP limit counts): a spoofed {@code X-Forwarded-For} never reaches the context.
 */
@ExtendWith(KeycloakServer.class)
class ProxyHeadersIT {

    private final AdminClient admin = AdminClient.forTestServer();

    @Test
    void aSpoofedForwardedForHeaderNeverReachesTheApprovalContext() {
        PushScenario user = PushScenario.enrolledUser(admin);
        try (NginxProxy proxy = NginxProxy.start()) {
            // 81.2.69.160 is London in the MaxMind test data: neither the address nor its place may
            // show.
            BrowserFlow browser =
                    new BrowserFlow(NginxProxy.BASE_URL)
                            .withHeader("X-Forwarded-For", "81.2.69.160")
                            .withHeader("Forwarded", "for=81.2.69.160")
                            .start(REALM, CLIENT, CALLBACK)
                            .submitPassword(user.username, PASSWORD);
            assertTrue(browser.onWaitPage(), browser.describePage());
            assertTrue(
                    browser.currentUrl().toString().startsWith(NginxProxy.BASE_URL),
                    "Keycloak addressed the proxy");
            @SuppressWarnings("unchecked")
            Map<String, Object> context = (Map<String, Object>) user.challenge().get("context");
            assertEquals(
                    KeycloakServer.HOST,
                    context.get("ip_address"),
                    "the proxy's peer, not the client's claim: " + context);
            assertFalse(context.containsKey("country"), context.toString());
        }
    }
}
