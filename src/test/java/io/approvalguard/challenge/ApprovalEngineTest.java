package io.approvalguard.challenge;

import static io.approvalguard.challenge.EngineDriver.approval;
import static io.approvalguard.challenge.EngineDriver.denial;
import static io.approvalguard.challenge.EngineDriver.wrongCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.challenge.login.LoginApproval;
import io.approvalguard.support.json.CanonicalJson;
import io.approvalguard.testkit.fakes.FakeAuthSession;
import io.approvalguard.testkit.fakes.FakeKeycloak;
import io.approvalguard.testkit.fakes.FakeRequest;
import io.approvalguard.testkit.fakes.FakeUser;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;
import org.keycloak.util.JsonSerialization;

/**
 * The engine's state machine against a fake Keycloak whose single-use store defers {@code put} to
 * commit, as Infinispan's does: every way a challenge ends, every gate asked again when an approval
 * is spent, and answers and spends racing in transactions that overlap.
 */
class ApprovalEngineTest {

    private final FakeKeycloak keycloak = new FakeKeycloak();
    private final FakeUser alice = keycloak.addUser("alice");
    private final EngineDriver engine = new EngineDriver(keycloak, alice);
    private final FakeAuthSession tab = keycloak.newTab("root-1", "tab-1");
    private String phone;

    @BeforeEach
    void enrolPhone() {
        phone = engine.enrolDevice("phone");
    }

    @AfterEach
    void resetClock() {
        Time.setOffset(0);
    }

    @Test
    void anApprovalCompletesTheLoginOnceAndItsReplayIsInvalid() throws IOException {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        assertTrue(opening.isOpened());
        assertEquals(2, opening.code().length(), "the configured code length");
        Challenge challenge = opening.challenge();
        assertEquals(
                List.of(challenge.id()),
                engine.pendingFor(phone).stream().map(Challenge::id).toList());
        assertEquals(
                List.of("approval-guard-notify:fcm"),
                keycloak.backgroundJobs(),
                "the device is notified through its push provider after commit");

        Challenge approved =
                engine.answer(phone, challenge.id(), approval(challenge, opening.code()));
        assertEquals(ChallengeStatus.APPROVED, approved.status());
        assertEquals(phone, approved.deciderDeviceId());
        assertEquals(List.of(), engine.pendingFor(phone), "nothing left to answer");

        assertEquals(Verdict.APPROVED, engine.conclude(tab, challenge.id(), Purpose.SIGN_IN));
        assertEquals(
                ChallengeStatus.CONSUMED, engine.stored(challenge.id()).orElseThrow().status());
        assertTrue(LoginApproval.passedInThisLogin(tab.model()));
        Map<?, ?> record = approvalRecord(tab);
        assertEquals(challenge.id(), record.get("approval_id"));
        assertEquals(challenge.contextHash(), record.get("context_hash"));
        assertEquals(alice.id(), record.get("user_id"));
        assertEquals("code-2", record.get("verification"));
        assertNotNull(record.get("device_jkt"));

        assertEquals(
                Verdict.INVALID, engine.conclude(tab, challenge.id(), Purpose.SIGN_IN), "a replay");
        assertEquals(
                List.of("challenge_sent", "challenge_approved"),
                keycloak.events().approvalGuardEvents());
        assertEquals(List.of(ChallengeStatus.APPROVED), decisions());
    }

    @Test
    void aDenialEndsTheChallengeDeniedAndCountsAsAFailedLogin() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        assertEquals(
                ChallengeStatus.DENIED,
                engine.answer(phone, challenge.id(), denial(challenge)).status());

        assertEquals(Verdict.DENIED, engine.conclude(tab, challenge.id(), Purpose.SIGN_IN));
        AnswerRefused late =
                assertThrows(
                        AnswerRefused.class,
                        () ->
                                engine.answer(
                                        phone,
                                        challenge.id(),
                                        approval(challenge, opening.code())));
        assertEquals(AnswerRefused.Reason.NOT_PENDING, late.reason());
        assertEquals(ChallengeStatus.DENIED, late.status());
        assertEquals(
                List.of(alice.id()),
                keycloak.failedLogins(),
                "a denial counts for brute-force protection");
        assertEquals(ChallengeStatus.DENIED, engine.stored(challenge.id()).orElseThrow().status());
    }

    @Test
    void anApproversDenialOfSomeoneElsesChangeIsNoFailedLoginOfTheirOwn() {
        Opening opening = engine.open(tab, Purpose.CHANGE_APPROVAL);
        Challenge challenge = opening.challenge();
        assertEquals(
                ChallengeStatus.DENIED,
                engine.answer(phone, challenge.id(), denial(challenge)).status());
        assertEquals(
                List.of(),
                keycloak.failedLogins(),
                "denying a change request must not lock the approver out");
        Opening next = engine.open(tab, Purpose.CHANGE_APPROVAL);
        assertTrue(next.isOpened(), "and sets no back-off for their next prompt");
    }

    @Test
    void aWrongCodeFailsTheChallengeForGood() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();

        AnswerRefused wrong =
                assertThrows(
                        AnswerRefused.class,
                        () ->
                                engine.answer(
                                        phone,
                                        challenge.id(),
                                        approval(challenge, wrongCode(opening.code()))));
        assertEquals(AnswerRefused.Reason.WRONG_CODE, wrong.reason());
        assertEquals(
                ChallengeStatus.FAILED,
                engine.stored(challenge.id()).orElseThrow().status(),
                "decided before the refusal is thrown; the device API's error response commits it");

        AnswerRefused right =
                assertThrows(
                        AnswerRefused.class,
                        () ->
                                engine.answer(
                                        phone,
                                        challenge.id(),
                                        approval(challenge, opening.code())));
        assertEquals(
                AnswerRefused.Reason.NOT_PENDING,
                right.reason(),
                "the right code after a wrong one");
        assertEquals(Verdict.FAILED, engine.conclude(tab, challenge.id(), Purpose.SIGN_IN));
        assertEquals(
                List.of("challenge_sent", "challenge_wrong_code"),
                keycloak.events().approvalGuardEvents());
    }

    @Test
    void anApprovalWithoutTheCodeIsRefusedAndDecidesNothing() {
        Challenge challenge = engine.open(tab, Purpose.SIGN_IN).challenge();
        AnswerRefused refused =
                assertThrows(
                        AnswerRefused.class,
                        () -> engine.answer(phone, challenge.id(), approval(challenge, null)));
        assertEquals(AnswerRefused.Reason.CODE_REQUIRED, refused.reason());
        assertEquals(ChallengeStatus.PENDING, engine.stored(challenge.id()).orElseThrow().status());
    }

    @Test
    void anExpiredChallengeCannotBeApproved() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        Time.setOffset(EngineDriver.LIFETIME_SECONDS + 1);

        assertEquals(List.of(), engine.pendingFor(phone), "an expired challenge is not listed");
        AnswerRefused late =
                assertThrows(
                        AnswerRefused.class,
                        () ->
                                engine.answer(
                                        phone,
                                        challenge.id(),
                                        approval(challenge, opening.code())));
        assertEquals(AnswerRefused.Reason.EXPIRED, late.reason());
        assertEquals(ChallengeStatus.EXPIRED, engine.stored(challenge.id()).orElseThrow().status());
        assertEquals(Verdict.EXPIRED, engine.conclude(tab, challenge.id(), Purpose.SIGN_IN));
        assertEquals(
                List.of("challenge_sent", "challenge_expired"),
                keycloak.events().approvalGuardEvents());
    }

    @Test
    void anApprovalNotSpentInTimeExpiresUnspent() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        engine.answer(phone, challenge.id(), approval(challenge, opening.code()));
        Time.setOffset(EngineDriver.LIFETIME_SECONDS + 1);

        assertEquals(Verdict.EXPIRED, engine.conclude(tab, challenge.id(), Purpose.SIGN_IN));
        assertEquals(
                ChallengeStatus.APPROVED,
                engine.stored(challenge.id()).orElseThrow().status(),
                "nothing spent");
    }

    @Test
    void aSecondOpeningSupersedesTheFirst() {
        Opening first = engine.open(tab, Purpose.SIGN_IN);
        FakeAuthSession otherTab = keycloak.newTab("root-2", "tab-1");
        Opening second = engine.open(otherTab, Purpose.SIGN_IN);

        assertEquals(
                ChallengeStatus.SUPERSEDED,
                engine.stored(first.challenge().id()).orElseThrow().status());
        assertEquals(
                List.of(second.challenge().id()),
                engine.pendingFor(phone).stream().map(Challenge::id).toList());
        AnswerRefused late =
                assertThrows(
                        AnswerRefused.class,
                        () ->
                                engine.answer(
                                        phone,
                                        first.challenge().id(),
                                        approval(first.challenge(), first.code())));
        assertEquals(AnswerRefused.Reason.NOT_PENDING, late.reason());
        assertEquals(ChallengeStatus.SUPERSEDED, late.status());
        assertEquals(
                Verdict.SUPERSEDED, engine.conclude(tab, first.challenge().id(), Purpose.SIGN_IN));
        assertTrue(Verdict.SUPERSEDED.allowsResend());
    }

    @Test
    void pushSuspendedAfterTheApprovalSpendsNothing() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        engine.answer(phone, challenge.id(), approval(challenge, opening.code()));
        engine.suspendPush();

        assertEquals(Verdict.SUSPENDED, engine.conclude(tab, challenge.id(), Purpose.SIGN_IN));
        assertEquals(
                ChallengeStatus.APPROVED,
                engine.stored(challenge.id()).orElseThrow().status(),
                "nothing spent");
        assertFalse(LoginApproval.passedInThisLogin(tab.model()));
    }

    @Test
    void whilePushIsSuspendedNothingIsPromptedListedOrAnswered() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        engine.suspendPush();

        assertEquals(List.of(), engine.pendingFor(phone));
        AnswerRefused refused =
                assertThrows(
                        AnswerRefused.class,
                        () ->
                                engine.answer(
                                        phone,
                                        challenge.id(),
                                        approval(challenge, opening.code())));
        assertEquals(AnswerRefused.Reason.PUSH_SUSPENDED, refused.reason());
        assertEquals(
                ApprovalGates.Closed.PUSH_SUSPENDED, engine.open(tab, Purpose.SIGN_IN).closed());
        assertEquals(
                ChallengeStatus.PENDING,
                engine.stored(challenge.id()).orElseThrow().status(),
                "a refused prompt leaves the earlier challenge as it was");
    }

    @Test
    void aDeviceRemovedOrSuspendedAfterItsApprovalCannotCompleteTheLogin() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        engine.answer(phone, challenge.id(), approval(challenge, opening.code()));
        engine.suspendDevices(true);
        assertEquals(
                Verdict.INVALID,
                engine.conclude(tab, challenge.id(), Purpose.SIGN_IN),
                "device suspended");
        engine.suspendDevices(false);
        assertTrue(engine.removeDevice(phone));
        assertEquals(
                Verdict.INVALID,
                engine.conclude(tab, challenge.id(), Purpose.SIGN_IN),
                "device removed");
        assertEquals(
                ChallengeStatus.APPROVED,
                engine.stored(challenge.id()).orElseThrow().status(),
                "nothing spent");
    }

    @Test
    void aUserLockedOutOrDisabledAfterTheApprovalCannotCompleteTheLogin() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        engine.answer(phone, challenge.id(), approval(challenge, opening.code()));

        keycloak.setLockedOut(alice, true);
        assertEquals(
                Verdict.LOCKED,
                engine.conclude(tab, challenge.id(), Purpose.SIGN_IN),
                "locked by brute-force protection");
        keycloak.setLockedOut(alice, false);
        alice.setEnabled(false);
        assertEquals(
                Verdict.LOCKED, engine.conclude(tab, challenge.id(), Purpose.SIGN_IN), "disabled");
        assertEquals(
                ChallengeStatus.APPROVED,
                engine.stored(challenge.id()).orElseThrow().status(),
                "nothing spent");
    }

    @Test
    void aUserWhoMayNotSignInIsNotPrompted() {
        keycloak.setLockedOut(alice, true);
        assertEquals(ApprovalGates.Closed.USER_LOCKED, engine.open(tab, Purpose.SIGN_IN).closed());
        keycloak.setLockedOut(alice, false);
        alice.setEnabled(false);
        assertEquals(
                ApprovalGates.Closed.USER_DISABLED, engine.open(tab, Purpose.SIGN_IN).closed());
        alice.setEnabled(true);
        engine.removeDevice(phone);
        assertEquals(
                ApprovalGates.Closed.NO_ACTIVE_DEVICE, engine.open(tab, Purpose.SIGN_IN).closed());
        assertEquals(List.of(), keycloak.backgroundJobs(), "nobody was notified");
        assertEquals(List.of(), keycloak.events().approvalGuardEvents());
    }

    @Test
    void aDeviceEnrolledAfterTheChallengeCanNeitherSeeNorAnswerIt() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        String tablet = engine.enrolDevice("tablet");

        assertEquals(List.of(), engine.pendingFor(tablet));
        AnswerRefused refused =
                assertThrows(
                        AnswerRefused.class,
                        () ->
                                engine.answer(
                                        tablet,
                                        challenge.id(),
                                        approval(challenge, opening.code())));
        assertEquals(AnswerRefused.Reason.DEVICE_NOT_ELIGIBLE, refused.reason());
        assertEquals(ChallengeStatus.PENDING, engine.stored(challenge.id()).orElseThrow().status());
        assertEquals(
                ChallengeStatus.APPROVED,
                engine.answer(phone, challenge.id(), approval(challenge, opening.code())).status(),
                "the device that was there before may");
    }

    @Test
    void aDeviceEnrolledDuringThisLoginCannotCompleteIt() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        engine.answer(phone, challenge.id(), approval(challenge, opening.code()));

        assertEquals(
                Verdict.INVALID,
                engine.conclude(tab, challenge.id(), Purpose.SIGN_IN, Set.of(phone)));
        assertEquals(
                ChallengeStatus.APPROVED,
                engine.stored(challenge.id()).orElseThrow().status(),
                "nothing spent");
    }

    @Test
    void anAnswerForAnotherContextIsRefusedAndDecidesNothing() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        Map<String, Object> shownElsewhere = engine.contextFor(Purpose.SIGN_IN);
        DeviceAnswer forAnotherContext =
                new DeviceAnswer(
                        ChallengeStatus.APPROVED,
                        CanonicalJson.hash(shownElsewhere),
                        opening.code());

        AnswerRefused refused =
                assertThrows(
                        AnswerRefused.class,
                        () -> engine.answer(phone, challenge.id(), forAnotherContext));
        assertEquals(AnswerRefused.Reason.CONTEXT_MISMATCH, refused.reason());
        assertEquals(ChallengeStatus.PENDING, engine.stored(challenge.id()).orElseThrow().status());
        assertEquals(List.of(), decisions());
        assertEquals(
                ChallengeStatus.APPROVED,
                engine.answer(phone, challenge.id(), approval(challenge, opening.code())).status());
    }

    @Test
    void anApprovalIsSpentOnlyForThePurposeItWasAskedFor() {
        Opening addDevice = engine.open(tab, Purpose.ADD_DEVICE);
        engine.answer(
                phone,
                addDevice.challenge().id(),
                approval(addDevice.challenge(), addDevice.code()));
        assertEquals(
                Verdict.INVALID, engine.conclude(tab, addDevice.challenge().id(), Purpose.SIGN_IN));
        assertEquals(
                Verdict.APPROVED,
                engine.conclude(tab, addDevice.challenge().id(), Purpose.ADD_DEVICE));
        assertTrue(LoginApproval.passedInThisLogin(tab.model()));
        assertEquals(Map.of(), tab.clientNotes(), "an add-device approval is no sign-in record");

        FakeAuthSession signIn = keycloak.newTab("root-2", "tab-1");
        Opening opening = engine.open(signIn, Purpose.SIGN_IN);
        engine.answer(
                phone, opening.challenge().id(), approval(opening.challenge(), opening.code()));
        assertEquals(
                Verdict.INVALID,
                engine.conclude(signIn, opening.challenge().id(), Purpose.ADD_DEVICE));
        assertEquals(
                Verdict.INVALID,
                engine.conclude(signIn, opening.challenge().id(), Purpose.PASSWORD_RESET));
        assertEquals(
                Verdict.APPROVED,
                engine.conclude(signIn, opening.challenge().id(), Purpose.SIGN_IN));
    }

    @Test
    void aChallengeBoundToAnotherTabCannotBeSpent() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        engine.answer(phone, challenge.id(), approval(challenge, opening.code()));

        assertEquals(
                Verdict.INVALID,
                engine.conclude(
                        keycloak.newTab("root-1", "tab-2"), challenge.id(), Purpose.SIGN_IN),
                "another tab of the same login");
        assertEquals(
                Verdict.INVALID,
                engine.conclude(
                        keycloak.newTab("root-2", "tab-1"), challenge.id(), Purpose.SIGN_IN),
                "another login");
        assertEquals(
                Verdict.APPROVED,
                engine.conclude(tab, challenge.id(), Purpose.SIGN_IN),
                "its own tab");
    }

    @Test
    void anotherUsersChallengeIsNotFound() {
        FakeUser bob = keycloak.addUser("bob");
        EngineDriver bobs = new EngineDriver(keycloak, bob);
        String bobsPhone = bobs.enrolDevice("bob's phone");
        Opening opening = engine.open(tab, Purpose.SIGN_IN);

        AnswerRefused refused =
                assertThrows(
                        AnswerRefused.class,
                        () ->
                                bobs.answer(
                                        bobsPhone,
                                        opening.challenge().id(),
                                        approval(opening.challenge(), opening.code())));
        assertEquals(AnswerRefused.Reason.NOT_FOUND, refused.reason());
        assertEquals(List.of(), bobs.pendingFor(bobsPhone));
    }

    @Test
    void ofTwoAnswersRacingExactlyOneDecides() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        FakeRequest approving = keycloak.request();
        FakeRequest denying = keycloak.request();

        assertEquals(
                ChallengeStatus.APPROVED,
                engine.answer(approving, phone, challenge.id(), approval(challenge, opening.code()))
                        .status());
        AnswerRefused lost =
                assertThrows(
                        AnswerRefused.class,
                        () -> engine.answer(denying, phone, challenge.id(), denial(challenge)));
        assertEquals(
                AnswerRefused.Reason.NOT_PENDING,
                lost.reason(),
                "the other answer's claim is taken, though not committed");
        denying.commit(); // the device API answers the refusal as an error response: its request
        // commits
        approving.commit();

        assertEquals(
                ChallengeStatus.APPROVED, engine.stored(challenge.id()).orElseThrow().status());
        assertEquals(List.of(ChallengeStatus.APPROVED), decisions());
        assertEquals(Verdict.APPROVED, engine.conclude(tab, challenge.id(), Purpose.SIGN_IN));
    }

    @Test
    void aRolledBackAnswerReleasesItsClaim() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        FakeRequest failing = keycloak.request();
        engine.answer(failing, phone, challenge.id(), approval(challenge, opening.code()));
        failing.rollback();

        assertEquals(ChallengeStatus.PENDING, engine.stored(challenge.id()).orElseThrow().status());
        assertEquals(Verdict.PENDING, engine.conclude(tab, challenge.id(), Purpose.SIGN_IN));
        assertEquals(
                ChallengeStatus.DENIED,
                engine.answer(phone, challenge.id(), denial(challenge)).status(),
                "the challenge can still be decided");
    }

    @Test
    void ofTwoSpendsRacingExactlyOneCompletesTheLogin() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        engine.answer(phone, challenge.id(), approval(challenge, opening.code()));
        FakeRequest first = keycloak.request();
        FakeRequest second = keycloak.request();

        // Both read the approval before either has written it as consumed.
        assertEquals(
                Verdict.APPROVED,
                engine.conclude(first, tab, challenge.id(), Purpose.SIGN_IN, Set.of()));
        assertEquals(
                Verdict.INVALID,
                engine.conclude(second, tab, challenge.id(), Purpose.SIGN_IN, Set.of()));
        second.commit();
        first.commit();
        assertEquals(
                ChallengeStatus.CONSUMED, engine.stored(challenge.id()).orElseThrow().status());
    }

    @Test
    void aRolledBackOpeningLeavesNoChallengeAndNotifiesNobody() {
        FakeRequest failing = keycloak.request();
        Challenge challenge = engine.open(failing, tab, Purpose.SIGN_IN).challenge();
        failing.rollback();

        assertTrue(engine.stored(challenge.id()).isEmpty());
        assertEquals(List.of(), engine.pendingFor(phone));
        assertEquals(List.of(), keycloak.backgroundJobs());
        assertTrue(
                engine.open(tab, Purpose.SIGN_IN).isOpened(),
                "the prompt lock went with the transaction");
    }

    @Test
    void aCancelledChallengeCannotBeApprovedOrSpent() {
        Opening opening = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = opening.challenge();
        engine.cancel(tab, challenge.id());

        assertEquals(
                ChallengeStatus.CANCELLED, engine.stored(challenge.id()).orElseThrow().status());
        AnswerRefused refused =
                assertThrows(
                        AnswerRefused.class,
                        () ->
                                engine.answer(
                                        phone,
                                        challenge.id(),
                                        approval(challenge, opening.code())));
        assertEquals(AnswerRefused.Reason.CANCELLED, refused.reason());
        assertEquals(Verdict.INVALID, engine.conclude(tab, challenge.id(), Purpose.SIGN_IN));
    }

    @Test
    void aBackchannelApprovalIsSpentOnceAndOnlyForCiba() {
        Opening ciba =
                keycloak.call(
                        request ->
                                new ApprovalEngine(request.session())
                                        .open(
                                                Binding.backchannel("auth-result-1"),
                                                keycloak.client(),
                                                alice.model(),
                                                null,
                                                engine.contextFor(Purpose.CIBA),
                                                Purpose.CIBA,
                                                EngineDriver.POLICY,
                                                request.event()));
        Challenge approved =
                engine.answer(
                        phone, ciba.challenge().id(), approval(ciba.challenge(), ciba.code()));

        assertEquals(
                Verdict.APPROVED,
                keycloak.call(r -> new ApprovalEngine(r.session()).concludeBackchannel(approved)));
        assertEquals(
                Verdict.INVALID,
                keycloak.call(r -> new ApprovalEngine(r.session()).concludeBackchannel(approved)),
                "a second completion of the same request");

        Opening signIn = engine.open(tab, Purpose.SIGN_IN);
        Challenge signInApproval =
                engine.answer(
                        phone,
                        signIn.challenge().id(),
                        approval(signIn.challenge(), signIn.code()));
        assertEquals(
                Verdict.INVALID,
                keycloak.call(
                        r -> new ApprovalEngine(r.session()).concludeBackchannel(signInApproval)));
    }

    private List<ChallengeStatus> decisions() {
        return keycloak.published(ChallengeDecided.class).stream()
                .map(d -> d.challenge().status())
                .toList();
    }

    private static Map<?, ?> approvalRecord(FakeAuthSession tab) throws IOException {
        assertEquals(1, tab.clientNotes().size(), "one client note: the approval record");
        return JsonSerialization.readValue(tab.clientNotes().values().iterator().next(), Map.class);
    }
}
