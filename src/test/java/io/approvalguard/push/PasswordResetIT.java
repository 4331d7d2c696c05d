package io.approvalguard.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.SmtpReceiver;
import io.approvalguard.testkit.TimeOffset;
import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A password reset never signs in without the second factor, with the reset-credentials flow the
 * demo realm ships (the emailed link, then push approval, then the new password): the test server
 * imports {@code src/demo/demo-realm.json} as it is, and this test gives it what an operator adds,
 * an SMTP server (a receiver on 127.0.0.1:8025), "Forgot password" and a client.
 */
@ExtendWith(KeycloakServer.class)
class PasswordResetIT {

    private static final String REALM = "demo";
    private static final String CLIENT = "ag-test-client";
    private static final Pattern RESET_LINK =
            Pattern.compile("https?://[^\\s\"<>]+/login-actions/action-token\\?[^\\s\"<>]+");

    private static SmtpReceiver smtp;

    private final AdminClient admin = AdminClient.forTestServer();

    @RegisterExtension final TimeOffset time = new TimeOffset();

    @BeforeAll
    static void startMailReceiverAndConfigureTheDemoRealm() throws Exception {
        smtp = new SmtpReceiver(8025);
        AdminClient admin = AdminClient.forTestServer();
        HttpResult realm =
                admin.send(
                        "PUT",
                        "/admin/realms/" + REALM,
                        Map.of(
                                "resetPasswordAllowed",
                                true,
                                "smtpServer",
                                Map.of(
                                        "host",
                                        "127.0.0.1",
                                        "port",
                                        "8025",
                                        "from",
                                        "security@approvalguard.test")));
        assertEquals(204, realm.status(), realm.body());
        if (admin.send("GET", "/admin/realms/" + REALM + "/clients?clientId=" + CLIENT, null)
                .jsonList()
                .isEmpty()) {
            HttpResult client =
                    admin.send(
                            "POST",
                            "/admin/realms/" + REALM + "/clients",
                            Map.of(
                                    "clientId",
                                    CLIENT,
                                    "publicClient",
                                    true,
                                    "standardFlowEnabled",
                                    true,
                                    "redirectUris",
                                    List.of(PushScenario.CALLBACK)));
            assertEquals(201, client.status(), client.body());
        }
    }

    @AfterAll
    static void stopMailReceiver() throws Exception {
        smtp.close();
    }

    @Test
    void theEmailedLinkAloneNeverSignsIn() throws Exception {
        PushScenario user =
                PushScenario.newUserIn(REALM, admin, List.of()).enrolThroughFirstLogin();

        BrowserFlow denied = followResetLink(user);
        assertTrue(
                denied.onWaitPage(),
                "the emailed link leads to push approval first: " + denied.describePage());
        assertEquals(
                "password-reset", reason(user.challenge()), "the device says what it approves");
        assertEquals(200, user.device.answer(user.challenge(), "deny", null).status());
        BrowserFlow afterDenial = denied.pressWait("continue");
        assertFalse(afterDenial.reachedClient(), afterDenial.describePage());
        assertFalse(
                onPasswordUpdate(afterDenial),
                "no new password without the approval: " + afterDenial.describePage());

        time.shift(Duration.ofSeconds(40)); // past the demo's 30 s back-off after a denial
        BrowserFlow approved = followResetLink(user);
        assertTrue(approved.onWaitPage(), approved.describePage());
        assertEquals(
                200, user.device.answer(user.challenge(), "approve", approved.code()).status());
        approved.pressWait("continue");
        assertTrue(onPasswordUpdate(approved), approved.describePage());
        approved.submitForm(
                "#kc-passwd-update-form",
                Map.of(
                        "password-new",
                        "a-new-horse-battery",
                        "password-confirm",
                        "a-new-horse-battery"),
                null,
                null);
        assertTrue(
                approved.isLoggedIn(),
                "after the approval and the new password: " + approved.describePage());
    }

    private BrowserFlow followResetLink(PushScenario user) throws Exception {
        int before = smtp.messages().size();
        BrowserFlow browser =
                BrowserFlow.forTestServer().start(REALM, CLIENT, PushScenario.CALLBACK);
        Element forgot = browser.currentPage().selectFirst("a[href*=reset-credentials]");
        assertNotNull(forgot, "the login page offers a reset: " + browser.describePage());
        browser.navigate(
                forgot.absUrl("href").isEmpty() ? forgot.attr("href") : forgot.absUrl("href"));
        browser.submitForm(
                "#kc-reset-password-form", Map.of("username", user.username), null, null);
        SmtpReceiver.Message mail = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (mail == null && System.nanoTime() < deadline) {
            List<SmtpReceiver.Message> messages = smtp.messages();
            mail = messages.size() > before ? messages.get(messages.size() - 1) : null;
            if (mail == null) {
                Thread.sleep(50);
            }
        }
        assertNotNull(mail, "the reset email arrives");
        // quoted-printable: soft line breaks and "=" as =3D
        String text = mail.data().replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
        Matcher link = RESET_LINK.matcher(text);
        assertTrue(link.find(), mail.data());
        return browser.navigate(link.group().replace("&amp;", "&"));
    }

    private static boolean onPasswordUpdate(BrowserFlow browser) {
        return browser.currentPage() != null
                && browser.currentPage().selectFirst("#kc-passwd-update-form") != null;
    }

    @SuppressWarnings("unchecked")
    private static String reason(Map<String, Object> challenge) {
        return (String) ((Map<String, Object>) challenge.get("context")).get("reason");
    }
}
