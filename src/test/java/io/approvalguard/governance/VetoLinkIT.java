package io.approvalguard.governance;

import static io.approvalguard.governance.GovernanceParties.LEADS;
import static io.approvalguard.governance.GovernanceParties.REALM;
import static io.approvalguard.governance.GovernanceParties.SECURITY;
import static io.approvalguard.governance.GovernanceParties.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.SmtpReceiver;
import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.oidc.OidcBrowser;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The "this wasn't me" link of the subject's notice on a real Keycloak: a dual-approved
 * second-factor reset mails the subject a link; opening it (as a mail scanner would) only asks; the
 * confirm POST reports (fraud response, {@code veto_reported} and {@code security_review_opened} in
 * the audit); the link is then spent, and a tampered one is refused with a readable page. The test
 * realm gets an SMTP server (a receiver on 127.0.0.1:8025) for the run and loses it afterwards.
 */
@ExtendWith(KeycloakServer.class)
class VetoLinkIT {

    private static final Pattern VETO_LINK =
            Pattern.compile(
                    "https?://[^\\s\"<>]+/login-actions/action-token\\?key=[A-Za-z0-9._~%-]+");

    private static SmtpReceiver smtp;
    private static GovernanceParties parties;
    private static PushScenario requester;
    private static PushScenario lead;
    private static PushScenario securityApprover;
    private static PushScenario auditor;

    @BeforeAll
    static void mailAndPeople() throws Exception {
        smtp = new SmtpReceiver(8025);
        AdminClient admin = AdminClient.forTestServer();
        HttpResult realm =
                withSmtp(
                        admin,
                        Map.of(
                                "host",
                                "127.0.0.1",
                                "port",
                                "8025",
                                "from",
                                "security@approvalguard.test"));
        assertEquals(204, realm.status(), realm.body());
        parties = new GovernanceParties(admin);
        requester = parties.person(false, List.of("approval-guard-requester"), List.of());
        lead = parties.person(true, List.of("approval-guard-approver"), List.of(LEADS));
        securityApprover =
                parties.person(true, List.of("approval-guard-approver"), List.of(SECURITY));
        auditor = parties.person(false, List.of("approval-guard-auditor"), List.of());
    }

    @AfterAll
    static void noMoreMail() throws Exception {
        withSmtp(AdminClient.forTestServer(), Map.of()).expect(204);
        smtp.close();
    }

    /**
     * Sets the realm's SMTP server, sending its attributes along: Keycloak resets a realm's CIBA
     * settings (its polling interval among them) on an update without them.
     */
    @SuppressWarnings("unchecked")
    private static HttpResult withSmtp(AdminClient admin, Map<String, Object> smtpServer) {
        Map<String, Object> attributes =
                (Map<String, Object>)
                        admin.send("GET", "/admin/realms/" + REALM, null)
                                .expect(200)
                                .jsonMap()
                                .get("attributes");
        return admin.send(
                "PUT",
                "/admin/realms/" + REALM,
                Map.of("smtpServer", smtpServer, "attributes", attributes));
    }

    @Test
    void theLinkAsksOnGetReportsOnConfirmAndIsThenSpent() throws Exception {
        PushScenario subject = PushScenario.enrolledUser(parties.admin);
        String id = applyASecondFactorReset(subject);
        String link = vetoLinkMailedTo(subject.username.toLowerCase() + "@example.test");

        // A mail scanner follows the link: a question, nothing done.
        OidcBrowser scanner = new OidcBrowser(KeycloakServer.baseUrl());
        scanner.navigate(link);
        assertEquals(200, scanner.lastStatus(), scanner.describePage());
        assertEquals("confirm", state(scanner));
        assertNotNull(scanner.currentPage().selectFirst("#ag-veto-form"), scanner.describePage());
        assertEquals(List.of(), vetoRecords(id), "a GET reports nothing");

        // The subject opens it and confirms.
        OidcBrowser browser = new OidcBrowser(KeycloakServer.baseUrl());
        browser.navigate(link);
        assertEquals("confirm", state(browser));
        Element form = browser.currentPage().selectFirst("#ag-veto-form");
        assertEquals("post", form.attr("method").toLowerCase());
        OidcBrowser confirmed = browser.fork();
        confirmed.submitForm("#ag-veto-form", Map.of(), null, null);
        assertEquals(200, confirmed.lastStatus(), confirmed.describePage());
        assertEquals("reported", state(confirmed), confirmed.describePage());

        List<Map<String, Object>> records = vetoRecords(id);
        assertEquals(
                List.of("veto_reported", "security_review_opened"),
                records.stream().map(r -> r.get("type")).toList());
        assertEquals(subject.userId, records.get(0).get("actor"));
        @SuppressWarnings("unchecked")
        Map<String, Object> reported = (Map<String, Object>) records.get(0).get("data");
        assertEquals("reset_second_factors", reported.get("kind"));
        assertEquals("current", reported.get("address"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> responses =
                (List<Map<String, Object>>) reported.get("risk_responses");
        assertEquals(
                List.of("suspend_push", "revoke_sessions"),
                responses.stream().map(r -> r.get("action")).toList(),
                String.valueOf(reported));
        assertEquals(
                Boolean.TRUE,
                call(auditor, "GET", "/audit/verify", null).expect(200).jsonMap().get("intact"));

        // Spent: the link and a replay of the confirm POST both say it was reported already.
        OidcBrowser later = new OidcBrowser(KeycloakServer.baseUrl());
        later.navigate(link);
        assertEquals("already", state(later), later.describePage());
        assertNull(later.currentPage().selectFirst("#ag-veto-form"), "nothing to confirm");
        browser.submitForm("#ag-veto-form", Map.of(), null, null);
        assertEquals("already", state(browser), browser.describePage());
        assertEquals(2, vetoRecords(id).size(), "reported once");
    }

    @Test
    void aTamperedLinkIsRefusedWithAReadablePageAndReportsNothing() throws Exception {
        PushScenario subject = PushScenario.enrolledUser(parties.admin);
        String id = applyASecondFactorReset(subject);
        String link = vetoLinkMailedTo(subject.username.toLowerCase() + "@example.test");
        String tampered =
                link.substring(0, link.length() - 4) + flip(link.substring(link.length() - 4));

        OidcBrowser browser = new OidcBrowser(KeycloakServer.baseUrl());
        browser.navigate(tampered);
        assertEquals(400, browser.lastStatus(), browser.describePage());
        assertNull(browser.currentPage().selectFirst("#ag-veto-form"), browser.describePage());

        // the confirm POST with a tampered key, as a forger would send it
        browser.navigate(link);
        browser.submitForm(
                "#ag-veto-form",
                Map.of("key", tampered.substring(tampered.indexOf("key=") + 4)),
                null,
                null);
        assertEquals(400, browser.lastStatus(), browser.describePage());
        assertEquals("invalid", state(browser));
        assertEquals(List.of(), vetoRecords(id));
    }

    // ------------------------------------------------------------------ helpers

    private static String applyASecondFactorReset(PushScenario subject) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", "reset_second_factors");
        body.put("subject", subject.username);
        body.put("change", Map.of());
        body.put("reason_code", "lost_device");
        body.put("justification", "Caller verified by video; new phone");
        String id =
                (String) call(requester, "POST", "/requests", body).expect(201).jsonMap().get("id");
        approve(lead, id);
        approve(securityApprover, id);
        Map<String, Object> done = call(requester, "GET", "/requests/" + id, null).jsonMap();
        assertEquals("applied", done.get("state"), String.valueOf(done));
        return id;
    }

    private static void approve(PushScenario approver, String id) {
        Map<String, Object> opened =
                call(approver, "POST", "/requests/" + id + "/approvals", null)
                        .expect(201)
                        .jsonMap();
        Map<String, Object> challenge = approver.device.awaitChallenge(PushScenario.DEVICE_WAIT);
        DeviceClient.Response answer =
                approver.device.answer(challenge, "approve", (String) opened.get("code"));
        assertEquals(200, answer.status(), answer.toString());
    }

    private static String vetoLinkMailedTo(String address) throws Exception {
        SmtpReceiver.Message mail = smtp.awaitMessageTo(address, Duration.ofSeconds(30));
        assertNotNull(mail, "the subject is told by email");
        // quoted-printable: soft line breaks and "=" as =3D
        String text = mail.data().replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
        Matcher link = VETO_LINK.matcher(text);
        assertTrue(link.find(), mail.data());
        return link.group().replace("&amp;", "&");
    }

    private static String state(OidcBrowser browser) {
        Element page =
                browser.currentPage() == null
                        ? null
                        : browser.currentPage().selectFirst("#ag-veto");
        return page == null
                ? "(no veto page: " + browser.describePage() + ")"
                : page.attr("data-state");
    }

    private static List<Map<String, Object>> vetoRecords(String id) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records =
                (List<Map<String, Object>>)
                        call(auditor, "GET", "/requests/" + id + "/audit", null)
                                .expect(200)
                                .jsonMap()
                                .get("records");
        return records.stream()
                .filter(
                        r ->
                                "veto_reported".equals(r.get("type"))
                                        || "security_review_opened".equals(r.get("type")))
                .toList();
    }

    private static String flip(String tail) {
        StringBuilder flipped = new StringBuilder();
        for (char c : tail.toCharArray()) {
            flipped.append(c == 'A' ? 'B' : 'A');
        }
        return flipped.toString();
    }
}
