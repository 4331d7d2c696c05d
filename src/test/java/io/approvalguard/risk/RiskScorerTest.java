package io.approvalguard.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scoring rules, one test per rule: each fails when its rule is removed. */
class RiskScorerTest {

    private static final RiskSettings SETTINGS = RiskSettings.DEFAULTS;
    private static final long T0 = 1_800_000_000_000L;
    private static final long MINUTE = 60_000;

    private final RiskProfile user = new RiskProfile();

    private RiskScorer.Assessment at(long time, RiskInput.Kind kind) {
        return RiskScorer.assess(user, RiskInput.of(kind, time), SETTINGS, false);
    }

    private RiskScorer.Assessment approvedFrom(long time, String country, String network) {
        return RiskScorer.assess(
                user,
                new RiskInput(RiskInput.Kind.APPROVED, time, country, network, null),
                SETTINGS,
                false);
    }

    @Test
    void eachOutcomeRaisesItsSignal() {
        assertEquals(List.of(RiskSignal.DENIAL), at(T0, RiskInput.Kind.DENIED).signals());
        assertEquals(List.of(RiskSignal.TIMEOUT), at(T0, RiskInput.Kind.TIMED_OUT).signals());
        assertEquals(List.of(RiskSignal.WRONG_CODE), at(T0, RiskInput.Kind.WRONG_CODE).signals());
        assertEquals(List.of(RiskSignal.PROMPT_FLOOD), at(T0, RiskInput.Kind.THROTTLED).signals());
        assertEquals(10 + 5 + 25 + 15, user.scoreAt(T0, SETTINGS.halfLifeSeconds()), 1e-9);
    }

    @Test
    void thisWasntMeIsCriticalOnItsOwn() {
        assertEquals(RiskLevel.CRITICAL, at(T0, RiskInput.Kind.FRAUD_REPORTED).level());
        assertEquals(
                RiskLevel.CRITICAL,
                SETTINGS.levelOf(user.scoreAt(T0 + 3 * 3_600_000, SETTINGS.halfLifeSeconds())),
                "and stays critical for hours");
    }

    @Test
    void anApprovalRightAfterAStreakOfDenialsIsAFatigueWin() {
        at(T0, RiskInput.Kind.DENIED);
        at(T0 + MINUTE, RiskInput.Kind.TIMED_OUT);
        at(T0 + 2 * MINUTE, RiskInput.Kind.DENIED);
        RiskScorer.Assessment approval = at(T0 + 3 * MINUTE, RiskInput.Kind.APPROVED);
        assertEquals(List.of(RiskSignal.FATIGUE_APPROVAL), approval.signals());
        assertEquals(RiskLevel.CRITICAL, approval.level());
        assertFalse(
                at(T0 + 4 * MINUTE, RiskInput.Kind.APPROVED).raisedAnything(),
                "the approval spent the streak");
    }

    @Test
    void aStreakOutsideTheWindowOrTooShortIsNoFatigueWin() {
        at(T0, RiskInput.Kind.DENIED);
        at(T0 + MINUTE, RiskInput.Kind.DENIED);
        assertFalse(
                at(T0 + 2 * MINUTE, RiskInput.Kind.APPROVED)
                        .signals()
                        .contains(RiskSignal.FATIGUE_APPROVAL),
                "two is not a streak");
        at(T0, RiskInput.Kind.DENIED);
        at(T0 + MINUTE, RiskInput.Kind.DENIED);
        at(T0 + 2 * MINUTE, RiskInput.Kind.DENIED);
        assertFalse(
                at(T0 + 10 * MINUTE, RiskInput.Kind.APPROVED)
                        .signals()
                        .contains(RiskSignal.FATIGUE_APPROVAL),
                "five minutes after the streak");
    }

    @Test
    void aNewCountryOrNetworkIsASignalOnceTheUserHasAHistory() {
        assertFalse(
                approvedFrom(T0, "DE", "AS3320").raisedAnything(), "the first place is learned");
        assertFalse(approvedFrom(T0 + MINUTE, "DE", "AS3320").raisedAnything());
        assertEquals(
                List.of(RiskSignal.NEW_COUNTRY, RiskSignal.NEW_NETWORK),
                approvedFrom(T0 + 2 * MINUTE, "BR", "AS28573").signals());
        assertEquals(
                List.of(RiskSignal.NEW_NETWORK),
                approvedFrom(T0 + 3 * MINUTE, "DE", "AS6805").signals());
    }

    @Test
    void aDeviceEnrolledSoonAfterAPasswordResetIsASignal() {
        assertFalse(at(T0, RiskInput.Kind.DEVICE_ENROLLED).raisedAnything(), "no reset before");
        at(T0, RiskInput.Kind.PASSWORD_RESET);
        assertEquals(
                List.of(RiskSignal.ENROL_AFTER_RESET),
                at(T0 + 60 * MINUTE, RiskInput.Kind.DEVICE_ENROLLED).signals());
        assertFalse(
                at(T0 + 25 * 60 * MINUTE, RiskInput.Kind.DEVICE_ENROLLED).raisedAnything(),
                "a day later");
    }

    @Test
    void anIpPromptingManyUsersIsSpraying() {
        RiskProfile ip = new RiskProfile();
        for (int i = 1; i < SETTINGS.ipUsersThreshold(); i++) {
            assertFalse(RiskScorer.recordPrompt(ip, "user-" + i, T0 + i, SETTINGS));
        }
        assertFalse(
                RiskScorer.recordPrompt(ip, "user-1", T0 + 10, SETTINGS),
                "the same user again is not another user");
        assertTrue(RiskScorer.recordPrompt(ip, "user-x", T0 + 20, SETTINGS));
        assertFalse(
                RiskScorer.recordPrompt(ip, "user-y", T0 + 11 * MINUTE, SETTINGS),
                "the window has moved on");
        assertEquals(
                List.of(RiskSignal.IP_MANY_USERS),
                RiskScorer.assess(
                                user,
                                new RiskInput(
                                        RiskInput.Kind.PROMPT_SENT, T0, null, null, "192.0.2.1"),
                                SETTINGS,
                                true)
                        .signals());
    }

    @Test
    void theScoreHalvesEveryHalfLifeAndTheLevelFollows() {
        at(T0, RiskInput.Kind.WRONG_CODE);
        at(T0, RiskInput.Kind.WRONG_CODE);
        at(T0, RiskInput.Kind.DENIED);
        assertEquals(60, user.scoreAt(T0, SETTINGS.halfLifeSeconds()), 1e-9);
        assertEquals(
                30,
                user.scoreAt(T0 + SETTINGS.halfLifeSeconds() * 1000L, SETTINGS.halfLifeSeconds()),
                1e-9);
        assertEquals(
                RiskLevel.HIGH, SETTINGS.levelOf(user.scoreAt(T0, SETTINGS.halfLifeSeconds())));
        assertEquals(
                RiskLevel.ELEVATED,
                SETTINGS.levelOf(
                        user.scoreAt(
                                T0 + SETTINGS.halfLifeSeconds() * 1000L,
                                SETTINGS.halfLifeSeconds())));
    }

    @Test
    void realmSettingsOverrideWeightsAndThresholdsAndBadValuesFallBack() {
        RiskSettings custom =
                RiskSettings.from(
                        Map.of("weight.denial", "50", "elevatedAt", "40", "highAt", "nonsense"));
        assertEquals(50, custom.weight(RiskSignal.DENIAL));
        assertEquals(RiskLevel.ELEVATED, custom.levelOf(45));
        assertEquals(60, custom.highAt(), "an unreadable value falls back to the default");
        RiskSettings inverted =
                RiskSettings.from(Map.of("elevatedAt", "90", "highAt", "50", "criticalAt", "20"));
        assertTrue(
                inverted.elevatedAt() <= inverted.highAt()
                        && inverted.highAt() <= inverted.criticalAt(),
                "levels never invert");
    }
}
