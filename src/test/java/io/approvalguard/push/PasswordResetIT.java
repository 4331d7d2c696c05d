package io.approvalguard.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.BrowserFlow;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.SmtpReceiver;

/**
 * A password reset never signs in without the second factor: realm {@code ag-strict} binds the
 * reset-credentials flow that ships in the demo realm (the emailed link, then push approval, then
 * the new password), with its mail going to a receiver on 127.0.0.1:8025.
 */
@ExtendWith(KeycloakServer.class)
class PasswordResetIT {

    private static final String REALM = FailClosedIT.REALM;
    private static final String CLIENT = "ag-test-client";
    private static final Pattern RESET_LINK = Pattern.compile("https?://[^\\s\"<>]+/login-actions/action-token\\?[^\\s\"<>]+");

    private static SmtpReceiver smtp;

    private final AdminClient admin = AdminClient.forTestServer();

    @BeforeAll
    static void startMailReceiver() throws Exception {
        smtp = new SmtpReceiver(8025);
    }

    @AfterAll
    static void stopMailReceiver() throws Exception {
        smtp.close();
    }

    @Test
    void theEmailedLinkAloneNeverSignsIn() throws Exception {
        PushScenario user = PushScenario.newUserIn(REALM, admin, List.of()).enrolThroughFirstLogin();

        BrowserFlow denied = followResetLink(user);
        assertTrue(denied.onWaitPage(), "the emailed link leads to push approval first: " + denied.describePage());
        assertEquals("password-reset", reason(user.challenge()));
        assertEquals(200, user.device.answer(user.challenge(), "deny", null).status());
        BrowserFlow afterDenial = denied.pressWait("continue");
        assertFalse(afterDenial.reachedClient(), afterDenial.describePage());
        assertFalse(onPasswordUpdate(afterDenial), "no new password without the approval: " + afterDenial.describePage());

        BrowserFlow approved = followResetLink(user);
        assertTrue(approved.onWaitPage(), approved.describePage());
        assertEquals(200, user.device.answer(user.challenge(), "approve", approved.code()).status());
        approved.pressWait("continue");
        assertTrue(onPasswordUpdate(approved), approved.describePage());
        approved.submitForm("#kc-passwd-update-form", Map.of("password-new", "a-new-horse-battery",
                "password-confirm", "a-new-horse-battery"), null, null);
        assertTrue(approved.isLoggedIn(), "after the approval and the new password: " + approved.describePage());
    }

    private BrowserFlow followResetLink(PushScenario user) throws Exception {
        int before = smtp.messages().size();
        BrowserFlow browser = BrowserFlow.forTestServer().start(REALM, CLIENT, PushScenario.CALLBACK);
        Element forgot = browser.currentPage().selectFirst("a[href*=reset-credentials]");
        assertNotNull(forgot, "the login page offers a reset: " + browser.describePage());
        browser.navigate(forgot.absUrl("href").isEmpty() ? forgot.attr("href") : forgot.absUrl("href"));
        browser.submitForm("#kc-reset-password-form", Map.of("username", user.username), null, null);
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
        return browser.currentPage() != null && browser.currentPage().selectFirst("#kc-passwd-update-form") != null;
    }

    @SuppressWarnings("unchecked")
    private static String reason(Map<String, Object> challenge) {
        return (String) ((Map<String, Object>) challenge.get("context")).get("reason");
    }
}
