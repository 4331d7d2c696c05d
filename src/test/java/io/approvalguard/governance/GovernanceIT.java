package io.approvalguard.governance;

import static io.approvalguard.governance.GovernanceParties.LEADS;
import static io.approvalguard.governance.GovernanceParties.REALM;
import static io.approvalguard.governance.GovernanceParties.SECURITY;
import static io.approvalguard.governance.GovernanceParties.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.KeycloakServer;
import io.approvalguard.testkit.PushScenario;
import io.approvalguard.testkit.TimeOffset;
import io.approvalguard.testkit.oidc.HttpResult;
import io.approvalguard.testkit.oidc.OidcClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dual approval on a real Keycloak: a second-factor reset filed by a requester is applied only
 * after approvers from two different groups each approve it on their own device, once; every rule
 * about who may approve is enforced at the API and again when the device's answer is counted; and
 * bad input changes nothing.
 */
@ExtendWith(KeycloakServer.class)
class GovernanceIT {

    private static final String REQUESTER = "approval-guard-requester";
    private static final String APPROVER = "approval-guard-approver";
    private static final String AUDITOR = "approval-guard-auditor";
    private static final String BREAK_GLASS = "approval-guard-break-glass";

    @RegisterExtension final TimeOffset time = new TimeOffset();

    private static GovernanceParties parties;
    private static PushScenario requester;
    private static PushScenario lead;
    private static PushScenario secondLead;
    private static PushScenario securityApprover;
    private static PushScenario inBothGroups;
    private static PushScenario withoutDevice;
    private static PushScenario auditor;

    @BeforeAll
    static void people() {
        parties = new GovernanceParties(AdminClient.forTestServer());
        requester = parties.person(false, List.of(REQUESTER, APPROVER), List.of(LEADS, SECURITY));
        lead = parties.person(true, List.of(APPROVER), List.of(LEADS));
        secondLead = parties.person(true, List.of(APPROVER), List.of(LEADS));
        securityApprover = parties.person(true, List.of(APPROVER), List.of(SECURITY));
        inBothGroups = parties.person(true, List.of(APPROVER), List.of(LEADS, SECURITY));
        withoutDevice = parties.person(false, List.of(APPROVER), List.of(SECURITY));
        auditor = parties.person(false, List.of(AUDITOR), List.of());
    }

    @Test
    void aSecondFactorResetIsAppliedOnlyAfterTwoGroupsApproveOnTheirDevices() {
        PushScenario subject = PushScenario.enrolledUser(parties.admin);
        assertEquals(1, devicesOf(subject), "the subject starts with a device");
        List<Object> sessionsBefore =
                parties.admin.userSessions(REALM, subject.userId).stream()
                        .map(s -> s.get("id"))
                        .toList();
        assertFalse(sessionsBefore.isEmpty());
        String id = file(subject, "reset_second_factors", Map.of(), "lost_device");

        approve(lead, id).expect(200);
        Map<String, Object> halfway = get(requester, id);
        assertEquals("pending", halfway.get("state"), "one approval is not a quorum");
        assertEquals(1, devicesOf(subject), "nothing changed yet");

        approve(securityApprover, id).expect(200);
        Map<String, Object> done = get(requester, id);
        assertEquals("applied", done.get("state"), String.valueOf(done));
        assertEquals(0, devicesOf(subject), "the subject's devices are gone");
        assertTrue(
                ((List<?>) parties.admin.getUser(REALM, subject.userId).get("requiredActions"))
                        .contains("approval-guard-register"),
                "the subject must enrol again");
        @SuppressWarnings("unchecked")
        Map<String, Object> revocation =
                (Map<String, Object>) ((Map<String, Object>) done.get("outcome")).get("revocation");
        @SuppressWarnings("unchecked")
        List<Object> ended =
                ((List<Map<String, Object>>) revocation.get("sessions"))
                        .stream().map(s -> s.get("session_id")).toList();
        assertEquals(
                new java.util.HashSet<>(sessionsBefore),
                new java.util.HashSet<>(ended),
                "the receipt names exactly the sessions that existed: " + revocation);
        assertTrue(parties.admin.userSessions(REALM, subject.userId).isEmpty(), "sessions ended");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> audit =
                (List<Map<String, Object>>)
                        call(auditor, "GET", "/requests/" + id + "/audit", null)
                                .expect(200)
                                .jsonMap()
                                .get("records");
        List<Object> types = audit.stream().map(r -> r.get("type")).toList();
        assertEquals(
                List.of(
                        "request_filed",
                        "approval_requested",
                        "approval_counted",
                        "approval_requested",
                        "approval_counted",
                        "request_approved",
                        "sessions_revoked",
                        "request_applied"),
                types);
        assertEquals(
                Boolean.TRUE,
                call(auditor, "GET", "/audit/verify", null).expect(200).jsonMap().get("intact"));
    }

    @Test
    void nobodyFillsASlotTheRulesDenyThem() {
        PushScenario subject = PushScenario.enrolledUser(parties.admin);
        String id = file(subject, "reset_second_factors", Map.of(), "lost_device");

        call(requester, "POST", "/requests/" + id + "/approvals", null)
                .assertError(403, "approver_not_eligible");
        call(withoutDevice, "POST", "/requests/" + id + "/approvals", null)
                .assertError(403, "no_approver_device");
        approve(lead, id).expect(200);
        call(lead, "POST", "/requests/" + id + "/approvals", null)
                .assertError(403, "approver_not_eligible");
        call(secondLead, "POST", "/requests/" + id + "/approvals", null)
                .assertError(403, "approver_not_eligible");
        assertEquals("pending", get(requester, id).get("state"));
        // in both groups: takes the slot the first approver left open
        approve(inBothGroups, id).expect(200);
        assertEquals("applied", get(requester, id).get("state"));
    }

    @Test
    void theSubjectCannotApproveAChangeToTheirOwnAccount() {
        PushScenario subject = parties.person(true, List.of(APPROVER), List.of(SECURITY));
        String id =
                file(
                        subject,
                        "remove_device",
                        Map.of("device_id", deviceId(subject)),
                        "lost_device");
        call(subject, "POST", "/requests/" + id + "/approvals", null)
                .assertError(403, "approver_not_eligible");
    }

    @Test
    void anAnswerSignedOverAnotherContextCountsForNothing() {
        PushScenario subject = PushScenario.enrolledUser(parties.admin);
        String id = file(subject, "reset_second_factors", Map.of(), "lost_device");
        Map<String, Object> opened =
                call(lead, "POST", "/requests/" + id + "/approvals", null).expect(201).jsonMap();
        Map<String, Object> challenge = lead.device.awaitChallenge(PushScenario.DEVICE_WAIT);
        @SuppressWarnings("unchecked")
        Map<String, Object> shown =
                new LinkedHashMap<>((Map<String, Object>) challenge.get("context"));
        shown.put("request_hash", "AAAA");
        DeviceClient.Response answer =
                lead.device.answer(
                        PushScenario.id(challenge),
                        "approve",
                        DeviceClient.computeContextHash(shown),
                        (String) opened.get("code"));
        assertEquals(400, answer.status(), answer.toString());
        assertEquals("context_mismatch", answer.error());
        assertEquals(List.of(), get(requester, id).get("approvals"));
    }

    @Test
    void anApprovalAfterTheRequestWasCancelledDoesNotCount() {
        PushScenario subject = PushScenario.enrolledUser(parties.admin);
        String id = file(subject, "reset_second_factors", Map.of(), "lost_device");
        Map<String, Object> opened =
                call(lead, "POST", "/requests/" + id + "/approvals", null).expect(201).jsonMap();
        Map<String, Object> challenge = lead.device.awaitChallenge(PushScenario.DEVICE_WAIT);
        call(requester, "POST", "/requests/" + id + "/cancel", null).expect(200);
        DeviceClient.Response late =
                lead.device.answer(challenge, "approve", (String) opened.get("code"));
        assertEquals(409, late.status(), late.toString());
        Map<String, Object> cancelled = get(requester, id);
        assertEquals("cancelled", cancelled.get("state"));
        assertEquals(List.of(), cancelled.get("approvals"));
        assertEquals(1, devicesOf(subject));
    }

    @Test
    void aRequestPastItsLifetimeExpiresAndTakesNoApproval() {
        PushScenario subject = PushScenario.enrolledUser(parties.admin);
        String id = file(subject, "reset_second_factors", Map.of(), "lost_device");
        time.shift(Duration.ofMinutes(61));
        assertEquals("expired", get(requester, id).get("state"));
        call(lead, "POST", "/requests/" + id + "/approvals", null)
                .assertError(409, "request_not_pending");
    }

    @Test
    void badInputIsRefusedAndFilesNothing() {
        PushScenario subject = PushScenario.enrolledUser(parties.admin);
        int before = requestsFor(subject);
        Map<String, Object> good = filing(subject, "reset_second_factors", Map.of(), "lost_device");

        call(requester, "POST", "/requests", with(good, "colour", "red"))
                .assertError(400, "invalid_request");
        call(requester, "POST", "/requests", with(good, "kind", "make_admin"))
                .assertError(400, "invalid_kind");
        call(requester, "POST", "/requests", with(good, "reason_code", "because"))
                .assertError(400, "unknown_reason");
        call(requester, "POST", "/requests", with(good, "reason_code", "forgotten_password"))
                .assertError(400, "reason_not_allowed");
        call(requester, "POST", "/requests", with(good, "justification", ""))
                .assertError(400, "justification_required");
        call(requester, "POST", "/requests", with(good, "subject", requester.username))
                .assertError(403, "separation_of_duties");
        call(requester, "POST", "/requests", with(good, "subject", "nobody-" + System.nanoTime()))
                .assertError(400, "unknown_subject");
        call(
                        requester,
                        "POST",
                        "/requests",
                        filing(
                                subject,
                                "grant_role",
                                Map.of("role", "offline_access", "duration_seconds", 3600),
                                "access_request"))
                .assertError(400, "ticket_required");
        OidcClient.call(
                        "POST",
                        GovernanceParties.BASE + "/requests",
                        GovernanceParties.token(requester),
                        "{\"kind\":")
                .assertError(400, "invalid_request");
        OidcClient.call("POST", GovernanceParties.BASE + "/requests", "not-a-token", "{}")
                .assertError(401, "invalid_token");
        call(lead, "POST", "/requests", good).assertError(403, "missing_role");
        call(requester, "GET", "/requests?state=odd", null).assertError(400, "invalid_request");
        call(requester, "GET", "/requests/" + "x".repeat(40), null)
                .assertError(404, "request_not_found");
        assertEquals(before, requestsFor(subject), "nothing was filed");
    }

    @Test
    void breakGlassNeedsOneApprovalAndThenTwoReviewsByOtherPeople() {
        PushScenario breaker = parties.person(false, List.of(BREAK_GLASS), List.of());
        PushScenario subject = PushScenario.enrolledUser(parties.admin);
        Map<String, Object> body = filing(subject, "reset_second_factors", Map.of(), "incident");
        body.put("ticket", "INC-42");
        body.put("break_glass", true);
        call(requester, "POST", "/requests", body).assertError(403, "missing_role");
        Map<String, Object> tooLong =
                filing(
                        subject,
                        "grant_role",
                        Map.of("role", "ag-gov-temporary", "duration_seconds", 7200),
                        "incident");
        tooLong.put("ticket", "INC-41");
        tooLong.put("break_glass", true);
        parties.admin.send(
                "POST", "/admin/realms/" + REALM + "/roles", Map.of("name", "ag-gov-temporary"));
        HttpResult capped = call(breaker, "POST", "/requests", tooLong);
        capped.assertError(400, "invalid_change");
        assertTrue(capped.body().contains("at most 60 minutes"), capped.body());
        String id =
                (String) call(breaker, "POST", "/requests", body).expect(201).jsonMap().get("id");

        answer(lead, id, "/approvals").expect(200);
        Map<String, Object> applied = get(breaker, id);
        assertEquals("applied", applied.get("state"), "one approval is enough for break-glass");
        @SuppressWarnings("unchecked")
        Map<String, Object> review = (Map<String, Object>) applied.get("review");
        assertEquals(0, ((Number) review.get("reviews")).intValue());
        assertEquals(Boolean.FALSE, review.get("overdue"));

        call(lead, "POST", "/requests/" + id + "/reviews", null)
                .assertError(403, "approver_not_eligible");
        call(breaker, "POST", "/requests/" + id + "/reviews", null)
                .assertError(403, "approver_not_eligible");
        answer(securityApprover, id, "/reviews").expect(200);
        answer(inBothGroups, id, "/reviews").expect(200);
        @SuppressWarnings("unchecked")
        Map<String, Object> reviewed = (Map<String, Object>) get(breaker, id).get("review");
        assertEquals(2, ((Number) reviewed.get("reviews")).intValue());
        assertTrue(reviewed.containsKey("reviewed_at"), String.valueOf(reviewed));
        List<Object> types = auditTypes(id);
        assertTrue(types.contains("break_glass_used"), String.valueOf(types));
        assertEquals(2, types.stream().filter("break_glass_review_accepted"::equals).count());
        assertTrue(types.contains("break_glass_reviewed"), String.valueOf(types));
        assertFalse(types.contains("break_glass_escalated"), String.valueOf(types));
    }

    @Test
    void anUnreviewedBreakGlassChangeIsEscalatedOnceWhenOverdue() {
        PushScenario breaker = parties.person(false, List.of(BREAK_GLASS), List.of());
        PushScenario subject = PushScenario.enrolledUser(parties.admin);
        Map<String, Object> body = filing(subject, "reset_second_factors", Map.of(), "incident");
        body.put("ticket", "INC-43");
        body.put("break_glass", true);
        String id =
                (String) call(breaker, "POST", "/requests", body).expect(201).jsonMap().get("id");
        answer(lead, id, "/approvals").expect(200);
        time.shift(Duration.ofHours(25));
        @SuppressWarnings("unchecked")
        Map<String, Object> review = (Map<String, Object>) get(breaker, id).get("review");
        assertEquals(Boolean.TRUE, review.get("overdue"), String.valueOf(review));
        assertTrue(review.containsKey("escalated_at"), String.valueOf(review));
        get(breaker, id);
        assertEquals(1, auditTypes(id).stream().filter("break_glass_escalated"::equals).count());
    }

    @Test
    void aDeviceEnrolledAfterASecondFactorResetCannotApproveWhileCoolingOff() {
        PushScenario approverToReset = parties.person(true, List.of(APPROVER), List.of(SECURITY));
        String reset = file(approverToReset, "reset_second_factors", Map.of(), "lost_device");
        approve(lead, reset).expect(200);
        approve(inBothGroups, reset).expect(200);
        assertEquals("applied", get(requester, reset).get("state"));
        // the reset person enrols a new device at their next sign-in (the required action)
        approverToReset.enrolThroughFirstLogin();

        PushScenario someoneElse = PushScenario.enrolledUser(parties.admin);
        String next = file(someoneElse, "reset_second_factors", Map.of(), "lost_device");
        HttpResult refused =
                call(approverToReset, "POST", "/requests/" + next + "/approvals", null);
        refused.assertError(403, "approver_not_eligible");
        assertTrue(refused.body().contains("cooling off"), refused.body());
        time.shift(Duration.ofMinutes(61));
        // an hour on, the request has expired but the device may approve again: file afresh
        String later = file(someoneElse, "reset_second_factors", Map.of(), "lost_device");
        approve(approverToReset, later).expect(200);
    }

    // ------------------------------------------------------------------ helpers

    @SuppressWarnings("unchecked")
    private static List<Object> auditTypes(String id) {
        return ((List<Map<String, Object>>)
                        call(auditor, "GET", "/requests/" + id + "/audit", null)
                                .expect(200)
                                .jsonMap()
                                .get("records"))
                .stream().map(r -> r.get("type")).toList();
    }

    /** Opens a challenge on the approver's device, which approves it with the page's code. */
    private static HttpResult approve(PushScenario approver, String id) {
        return answer(approver, id, "/approvals");
    }

    /** Opens an approval or a review on the person's device, which approves it with the code. */
    private static HttpResult answer(PushScenario approver, String id, String what) {
        Map<String, Object> opened =
                call(approver, "POST", "/requests/" + id + what, null).expect(201).jsonMap();
        Map<String, Object> challenge = approver.device.awaitChallenge(PushScenario.DEVICE_WAIT);
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) challenge.get("context");
        assertEquals("change-approval", context.get("reason"));
        @SuppressWarnings("unchecked")
        Map<String, Object> signed = (Map<String, Object>) context.get("change_request");
        assertEquals(id, signed.get("id"), "the device shows the request it approves");
        DeviceClient.Response answer =
                approver.device.answer(challenge, "approve", (String) opened.get("code"));
        return new HttpResult(answer.status(), answer.body(), Map.of());
    }

    private static String file(
            PushScenario subject, String kind, Map<String, Object> change, String reason) {
        HttpResult filed =
                call(requester, "POST", "/requests", filing(subject, kind, change, reason))
                        .expect(201);
        return (String) filed.jsonMap().get("id");
    }

    private static Map<String, Object> filing(
            PushScenario subject, String kind, Map<String, Object> change, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", kind);
        body.put("subject", subject.username);
        body.put("change", change);
        body.put("reason_code", reason);
        body.put("justification", "Caller verified by video; new phone");
        return body;
    }

    private static Map<String, Object> with(Map<String, Object> body, String member, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(body);
        changed.put(member, value);
        return changed;
    }

    private static Map<String, Object> get(PushScenario caller, String id) {
        return call(caller, "GET", "/requests/" + id, null).expect(200).jsonMap();
    }

    private static int requestsFor(PushScenario subject) {
        return ((List<?>)
                        call(auditor, "GET", "/requests?max=100&subject=" + subject.username, null)
                                .expect(200)
                                .jsonMap()
                                .get("requests"))
                .size();
    }

    private static long devicesOf(PushScenario user) {
        return parties.admin.listCredentials(REALM, user.userId).stream()
                .filter(c -> "approval-guard-device".equals(c.get("type")))
                .count();
    }

    private static String deviceId(PushScenario user) {
        return parties.admin.listCredentials(REALM, user.userId).stream()
                .filter(c -> "approval-guard-device".equals(c.get("type")))
                .map(c -> (String) c.get("id"))
                .findFirst()
                .orElseThrow();
    }
}
