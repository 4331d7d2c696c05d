package io.approvalguard.challenge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.approvalguard.challenge.EngineModel.AnswerKind;
import io.approvalguard.challenge.EngineModel.AnswerOutcome;
import io.approvalguard.challenge.EngineModel.ChallengeModel;
import io.approvalguard.challenge.EngineModel.DeviceModel;
import io.approvalguard.challenge.EngineModel.SpendOutcome;
import io.approvalguard.support.json.CanonicalJson;
import io.approvalguard.testkit.fakes.FakeAuthSession;
import io.approvalguard.testkit.fakes.FakeKeycloak;
import io.approvalguard.testkit.fakes.FakeRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.statistics.Statistics;
import org.keycloak.common.util.Time;

/**
 * One run of the property test: the engine over a fake Keycloak, one user with two logins (tabs A
 * and B) and their devices, next to the {@link EngineModel} that predicts every outcome. Each step
 * acts on both, asserts the engine did what the model says, and keeps what the invariants need: the
 * approving answers the devices sent and the logins that completed.
 */
final class EngineWorld {

    /**
     * Past every challenge's lifetime with room to spare, so the real clock moving on never
     * matters.
     */
    static final int JUMP_SECONDS = EngineDriver.LIFETIME_SECONDS + 40;

    /**
     * Few enough jumps that no record outlives its retention (300 s after its expiry) during a run.
     */
    static final int MAX_JUMPS = 3;

    static final List<String> TABS = List.of("A", "B");

    /**
     * Statistics labels: what the runs covered, so that the property can insist they covered
     * enough.
     */
    static final String VERDICTS = "verdicts of spends";

    static final String ANSWERS = "answers taken (the kind) or refused (the reason)";
    static final String RACING_SPENDS = "verdicts of two racing spends";
    static final String RACING_ANSWERS = "refusals of two racing answers (null: taken)";

    /** An approving answer a device sent, with the right code, and the engine took. */
    record Approval(String deviceId, String contextHash, String code, int atJump) {}

    /** A login that completed, with the facts as they stood when it did. */
    record Completion(
            Challenge spent,
            String tab,
            Purpose purpose,
            int atJump,
            boolean userMayApprove,
            boolean deciderStood,
            boolean deciderExcluded) {}

    private final FakeKeycloak keycloak = new FakeKeycloak();
    private final EngineDriver driver = new EngineDriver(keycloak, keycloak.addUser("alice"));
    private final Map<String, FakeAuthSession> tabs = new LinkedHashMap<>();
    private final EngineModel model = new EngineModel();
    private final Map<String, Approval> approvals = new HashMap<>();
    private final List<Completion> completions = new ArrayList<>();
    private final Map<String, ChallengeStatus> lastSeen = new HashMap<>();

    EngineWorld() {
        Time.setOffset(0);
        tabs.put("A", keycloak.newTab("root-A", "tab-1"));
        tabs.put("B", keycloak.newTab("root-B", "tab-1"));
        enrol();
    }

    EngineModel model() {
        return model;
    }

    /** Devices that can call the device API: enrolled, not removed, not suspended. */
    List<DeviceModel> answeringDevices() {
        return model.devices.stream().filter(d -> d.present && d.active).toList();
    }

    List<DeviceModel> presentDevices() {
        return model.devices.stream().filter(d -> d.present).toList();
    }

    /** The tabs that have opened a challenge. */
    List<String> tabsWithChallenge() {
        return TABS.stream().filter(model.latestOfTab::containsKey).toList();
    }

    // ---- facts the test sets ----

    void enrol() {
        String id = driver.enrolDevice("device " + (model.devices.size() + 1));
        model.devices.add(new DeviceModel(id, model.nextSeq()));
    }

    void revoke(DeviceModel device) {
        assertTrue(driver.removeDevice(device.id));
        device.present = false;
    }

    void suspendDevices(boolean suspended) {
        driver.suspendDevices(suspended);
        model.devices.stream().filter(d -> d.present).forEach(d -> d.active = !suspended);
    }

    void suspendPush(boolean suspended) {
        if (suspended) {
            driver.suspendPush();
        } else {
            driver.liftPushSuspension();
        }
        model.pushSuspended = suspended;
    }

    void lockOut(boolean byBruteForce) {
        if (byBruteForce) {
            keycloak.setLockedOut(driver.user(), true);
            model.lockedOut = true;
        } else {
            driver.user().setEnabled(false);
            model.enabled = false;
        }
    }

    void letBackIn() {
        keycloak.setLockedOut(driver.user(), false);
        driver.user().setEnabled(true);
        model.lockedOut = false;
        model.enabled = true;
    }

    void expire() {
        Time.setOffset(Time.getOffset() + JUMP_SECONDS);
        model.jumps++;
    }

    // ---- the engine's callers ----

    void open(String tab, Purpose purpose) {
        Opening opening = driver.open(tabs.get(tab), purpose);
        var closed = model.promptGate();
        if (closed.isPresent()) {
            assertEquals(closed.get(), opening.closed(), "the gate that refuses the prompt");
            return;
        }
        assertTrue(opening.isOpened(), "opened");
        assertNotNull(opening.code(), "every challenge asks for a code");
        model.opened(
                new ChallengeModel(
                        opening.challenge().id(),
                        model.nextSeq(),
                        tab,
                        purpose,
                        model.jumps,
                        opening.code(),
                        opening.challenge().contextHash()));
    }

    void answer(DeviceModel device, ChallengeModel challenge, AnswerKind kind) {
        AnswerOutcome expected = model.answer(challenge.status, challenge, device, kind, false);
        AnswerRefused.Reason refusal = send(null, device, challenge, kind);
        Statistics.label(ANSWERS).collect(refusal == null ? kind : refusal);
        assertEquals(
                expected.refusal(), refusal, "refusal of " + kind + " by a device to " + challenge);
        apply(challenge, device, kind, expected);
    }

    /** Two answers in transactions that overlap: both read the challenge before either commits. */
    void raceAnswers(
            DeviceModel firstDevice,
            AnswerKind firstKind,
            DeviceModel secondDevice,
            AnswerKind secondKind,
            ChallengeModel challenge) {
        ChallengeStatus before = challenge.status;
        AnswerOutcome first = model.answer(before, challenge, firstDevice, firstKind, false);
        AnswerOutcome second =
                model.answer(before, challenge, secondDevice, secondKind, first.claims());
        FakeRequest firstRequest = keycloak.request();
        FakeRequest secondRequest = keycloak.request();
        AnswerRefused.Reason firstRefusal = send(firstRequest, firstDevice, challenge, firstKind);
        AnswerRefused.Reason secondRefusal =
                send(secondRequest, secondDevice, challenge, secondKind);
        secondRequest.commit();
        firstRequest.commit();
        Statistics.label(RACING_ANSWERS)
                .collect(String.valueOf(firstRefusal), String.valueOf(secondRefusal));
        assertEquals(first.refusal(), firstRefusal, "the first of two racing answers");
        assertEquals(second.refusal(), secondRefusal, "the second of two racing answers");
        assertTrue(!(first.claims() && second.claims()), "the model lets one answer decide");
        apply(challenge, firstDevice, firstKind, first);
        apply(challenge, secondDevice, secondKind, second);
    }

    void pendingFor(DeviceModel device) {
        assertEquals(
                model.pendingFor(device),
                driver.pendingFor(device.id).stream().map(Challenge::id).toList(),
                "what the device may answer");
    }

    void conclude(String tab, Purpose purpose, boolean stolenId, boolean excludeDecider) {
        ChallengeModel own = model.latestOfTab.get(tab);
        ChallengeModel used = stolenId ? model.latestOfTab.get(otherTab(tab)) : own;
        Set<String> excluded =
                excludeDecider && used != null && used.decider != null
                        ? Set.of(used.decider.id)
                        : Set.of();
        // a challenge id taken from another tab finds nothing bound to this one
        SpendOutcome expected =
                stolenId
                        ? new SpendOutcome(Verdict.INVALID, null)
                        : model.spend(
                                own == null ? null : own.status,
                                own,
                                purpose,
                                !excluded.isEmpty(),
                                false);
        Verdict verdict =
                driver.conclude(tabs.get(tab), used == null ? null : used.id, purpose, excluded);
        Statistics.label(VERDICTS).collect(verdict);
        assertEquals(
                expected.verdict(),
                verdict,
                "tab "
                        + tab
                        + " spends "
                        + used
                        + " for "
                        + purpose.wireName()
                        + (stolenId ? " (another tab's)" : "")
                        + (excluded.isEmpty() ? "" : " (its device enrolled during the login)"));
        spent(tab, purpose, own, expected, verdict, excluded);
    }

    /** Two spends of the tab's challenge in transactions that overlap (a replayed request). */
    void raceConcludes(String tab, Purpose purpose) {
        ChallengeModel own = model.latestOfTab.get(tab);
        ChallengeStatus before = own.status;
        SpendOutcome first = model.spend(before, own, purpose, false, false);
        SpendOutcome second = model.spend(before, own, purpose, false, first.claims());
        FakeRequest firstRequest = keycloak.request();
        FakeRequest secondRequest = keycloak.request();
        Verdict firstVerdict =
                driver.conclude(firstRequest, tabs.get(tab), own.id, purpose, Set.of());
        Verdict secondVerdict =
                driver.conclude(secondRequest, tabs.get(tab), own.id, purpose, Set.of());
        secondRequest.commit();
        firstRequest.commit();
        Statistics.label(RACING_SPENDS).collect(firstVerdict, secondVerdict);
        assertEquals(first.verdict(), firstVerdict, "the first of two racing spends of " + own);
        assertEquals(second.verdict(), secondVerdict, "the second of two racing spends of " + own);
        spent(tab, purpose, own, first, firstVerdict, Set.of());
        spent(tab, purpose, own, second, secondVerdict, Set.of());
    }

    /**
     * A request that does its work and then fails (a later step throws, the commit fails): nothing
     * it did may remain, and the claims it took must not block the challenge. The model does not
     * change.
     */
    void openThenFail(String tab, Purpose purpose) {
        FakeRequest request = keycloak.request();
        driver.open(request, tabs.get(tab), purpose);
        request.rollback();
    }

    void answerThenFail(DeviceModel device, ChallengeModel challenge, AnswerKind kind) {
        FakeRequest request = keycloak.request();
        send(request, device, challenge, kind);
        request.rollback();
    }

    void concludeThenFail(String tab, Purpose purpose) {
        ChallengeModel own = model.latestOfTab.get(tab);
        FakeRequest request = keycloak.request();
        driver.conclude(request, tabs.get(tab), own == null ? null : own.id, purpose, Set.of());
        request.rollback();
    }

    void cancel(String tab) {
        ChallengeModel own = model.latestOfTab.get(tab);
        driver.cancel(tabs.get(tab), own == null ? null : own.id);
        model.cancel(own);
    }

    // ---- invariants, after every step ----

    /**
     * A login completes only with one approval that a device gave with the right code and context,
     * unexpired then and when spent, bound to this tab and purpose, its device and user still
     * standing; at most once per challenge. No challenge is consumed but by a completed login, and
     * none decided ever goes back to pending. The store holds what the model says.
     */
    void checkInvariants() {
        Map<String, Integer> completed = new HashMap<>();
        for (Completion completion : completions) {
            Challenge spent = completion.spent();
            ChallengeModel opened = challenge(spent.id());
            Approval approval = approvals.get(spent.id());
            assertNotNull(approval, "a completed login needs a device's approval: " + opened);
            assertEquals(
                    opened.contextHash,
                    spent.contextHash(),
                    "the challenge is for the context its tab asked about");
            assertEquals(
                    spent.contextHash(),
                    approval.contextHash(),
                    "the approval is for the context shown");
            assertEquals(
                    opened.code, approval.code(), "the approval carries the code shown on the tab");
            assertEquals(
                    approval.deviceId(),
                    spent.deciderDeviceId(),
                    "the approving device decided it");
            assertEquals(opened.openedAtJump, approval.atJump(), "approved before it expired");
            assertEquals(opened.openedAtJump, completion.atJump(), "spent before it expired");
            FakeAuthSession tab = tabs.get(completion.tab());
            assertTrue(
                    spent.isBoundTo(
                            FakeKeycloak.REALM_ID,
                            tab.binding().rootSessionId(),
                            tab.binding().tabId()),
                    "spent by the tab it is bound to");
            assertEquals(
                    java.util.Optional.of(completion.purpose()),
                    spent.purpose(),
                    "spent for the purpose it was asked for");
            assertTrue(
                    completion.userMayApprove(),
                    "the user was enabled, not locked out, push not suspended");
            assertTrue(
                    completion.deciderStood(),
                    "the approving device was still there, active, older than the challenge");
            assertTrue(
                    !completion.deciderExcluded(),
                    "the approving device was not enrolled during the login");
            completed.merge(spent.id(), 1, Integer::sum);
        }
        completed.forEach(
                (id, times) -> assertEquals(1, times, "one login per challenge: " + challenge(id)));

        int pendingInTime = 0;
        for (ChallengeModel challenge : model.challenges) {
            Challenge stored =
                    driver.stored(challenge.id)
                            .orElseThrow(() -> new AssertionError("lost " + challenge));
            ChallengeStatus previous = lastSeen.put(challenge.id, stored.status());
            if (previous != null
                    && previous != ChallengeStatus.PENDING
                    && previous != stored.status()
                    && !(previous == ChallengeStatus.APPROVED
                            && stored.status() == ChallengeStatus.CONSUMED)) {
                fail(challenge + " went from " + previous + " to " + stored.status());
            }
            assertEquals(
                    stored.status() == ChallengeStatus.CONSUMED,
                    completed.containsKey(challenge.id),
                    "consumed exactly when a login completed with it: " + challenge);
            assertEquals(
                    challenge.status,
                    stored.status(),
                    "the store holds what the model says of " + challenge);
            if (stored.status() == ChallengeStatus.PENDING && !model.isExpired(challenge)) {
                pendingInTime++;
            }
        }
        assertTrue(pendingInTime <= 1, "one pending challenge per user, found " + pendingInTime);
    }

    @Override
    public String toString() {
        return "time jumps "
                + model.jumps
                + ", user "
                + (model.enabled ? "enabled" : "disabled")
                + (model.lockedOut ? ", locked out" : "")
                + (model.pushSuspended ? ", push suspended" : "")
                + "; devices "
                + model.devices.stream()
                        .map(d -> d.seq + (d.present ? d.active ? "" : " suspended" : " removed"))
                        .toList()
                + "; challenges "
                + model.challenges;
    }

    // ----

    /**
     * Sends one answer (in {@code request}, or in a request of its own when null); returns the
     * refusal, if any.
     */
    private AnswerRefused.Reason send(
            FakeRequest request, DeviceModel device, ChallengeModel challenge, AnswerKind kind) {
        DeviceAnswer answer =
                switch (kind) {
                    case APPROVE ->
                            new DeviceAnswer(
                                    ChallengeStatus.APPROVED,
                                    challenge.contextHash,
                                    challenge.code);
                    case WRONG_CODE ->
                            new DeviceAnswer(
                                    ChallengeStatus.APPROVED,
                                    challenge.contextHash,
                                    EngineDriver.wrongCode(challenge.code));
                    case NO_CODE ->
                            new DeviceAnswer(ChallengeStatus.APPROVED, challenge.contextHash, null);
                    case DENY ->
                            new DeviceAnswer(ChallengeStatus.DENIED, challenge.contextHash, null);
                    case FRAUD ->
                            new DeviceAnswer(ChallengeStatus.FRAUD, challenge.contextHash, null);
                    case OTHER_CONTEXT ->
                            new DeviceAnswer(
                                    ChallengeStatus.APPROVED,
                                    CanonicalJson.hash(
                                            Map.of(
                                                    "reason",
                                                    challenge.purpose.wireName(),
                                                    "shown",
                                                    "something else")),
                                    challenge.code);
                };
        try {
            Challenge decided =
                    request == null
                            ? driver.answer(device.id, challenge.id, answer)
                            : driver.answer(request, device.id, challenge.id, answer);
            assertEquals(answer.decision(), decided.status(), "the decision taken");
            assertEquals(device.id, decided.deciderDeviceId(), "the deciding device");
            return null;
        } catch (AnswerRefused refused) {
            return refused.reason();
        }
    }

    private void apply(
            ChallengeModel challenge, DeviceModel device, AnswerKind kind, AnswerOutcome outcome) {
        if (!outcome.claims()) {
            return;
        }
        challenge.status = outcome.newStatus();
        if (outcome.newStatus() != ChallengeStatus.EXPIRED) {
            challenge.decider = device;
        }
        if (outcome.newStatus() == ChallengeStatus.APPROVED && kind == AnswerKind.APPROVE) {
            approvals.put(
                    challenge.id,
                    new Approval(device.id, challenge.contextHash, challenge.code, model.jumps));
        }
    }

    private void spent(
            String tab,
            Purpose purpose,
            ChallengeModel own,
            SpendOutcome expected,
            Verdict verdict,
            Set<String> excluded) {
        if (expected.claims()) {
            own.status = expected.newStatus();
        }
        if (verdict == Verdict.APPROVED) {
            // the facts as the test set them, about the device the store names as the decider
            Challenge stored = driver.stored(own.id).orElseThrow();
            DeviceModel decider =
                    model.devices.stream()
                            .filter(d -> d.id.equals(stored.deciderDeviceId()))
                            .findFirst()
                            .orElse(null);
            completions.add(
                    new Completion(
                            stored,
                            tab,
                            purpose,
                            model.jumps,
                            model.userGate().isEmpty(),
                            decider != null
                                    && decider.present
                                    && decider.active
                                    && decider.olderThan(own),
                            excluded.contains(stored.deciderDeviceId())));
        }
    }

    private ChallengeModel challenge(String id) {
        return model.challenges.stream().filter(c -> c.id.equals(id)).findFirst().orElseThrow();
    }

    static String otherTab(String tab) {
        return "A".equals(tab) ? "B" : "A";
    }
}
