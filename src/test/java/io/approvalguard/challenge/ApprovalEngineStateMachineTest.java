package io.approvalguard.challenge;

import io.approvalguard.challenge.EngineModel.AnswerKind;
import io.approvalguard.challenge.EngineModel.ChallengeModel;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.keycloak.common.util.Time;

/**
 * The engine as a state machine, driven by random sequences of what users, devices, attackers and
 * administrators do (open, approve, deny, "this wasn't me", a wrong or missing code, an answer for
 * another context, expiry, replays and races, suspension, revoked and suspended devices, lock-outs,
 * cancels). After every step the engine must have done what {@link EngineModel} predicts, and
 * {@link EngineWorld#checkInvariants} must hold: a login completes only with one valid, unexpired,
 * unspent approval bound to its tab, purpose and context, at most once per challenge.
 */
class ApprovalEngineStateMachineTest {

    // Coverage is checked, statistics are not printed: jqwik 1.9.3 fails formatting a label whose
    // values all came
    // from failed tries, which would hide the falsified sample. Switch to STANDARD to see what the
    // runs reach.
    @Property(tries = 200)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void aLoginCompletesOnlyWithOneValidUnspentApprovalBoundToIt(
            @ForAll("signIns") ActionChain<EngineWorld> chain) {
        chain.withInvariant(
                        "approvals are spent once, in time, by their own tab and purpose",
                        EngineWorld::checkInvariants)
                .run();
        // The runs must have reached the outcomes that matter, or the property proves little. Only
        // outcomes
        // that a run of 200 tries reaches dozens of times are required, so that the check never
        // flakes.
        Statistics.label(EngineWorld.VERDICTS)
                .coverage(
                        verdicts -> {
                            for (Verdict verdict :
                                    List.of(
                                            Verdict.APPROVED,
                                            Verdict.PENDING,
                                            Verdict.DENIED,
                                            Verdict.FAILED,
                                            Verdict.EXPIRED,
                                            Verdict.SUSPENDED,
                                            Verdict.LOCKED,
                                            Verdict.INVALID)) {
                                verdicts.check(verdict).count(n -> n > 0);
                            }
                        });
        Statistics.label(EngineWorld.ANSWERS)
                .coverage(
                        answers -> {
                            answers.check(AnswerKind.APPROVE).count(n -> n > 0);
                            for (AnswerRefused.Reason reason :
                                    List.of(
                                            AnswerRefused.Reason.WRONG_CODE,
                                            AnswerRefused.Reason.CONTEXT_MISMATCH,
                                            AnswerRefused.Reason.CODE_REQUIRED,
                                            AnswerRefused.Reason.DEVICE_NOT_ELIGIBLE,
                                            AnswerRefused.Reason.EXPIRED,
                                            AnswerRefused.Reason.NOT_PENDING,
                                            AnswerRefused.Reason.PUSH_SUSPENDED,
                                            AnswerRefused.Reason.USER_DISABLED)) {
                                answers.check(reason).count(n -> n > 0);
                            }
                        });
        Statistics.label(EngineWorld.RACING_SPENDS)
                .coverage(
                        races -> races.check(Verdict.APPROVED, Verdict.INVALID).count(n -> n > 0));
        Statistics.label(EngineWorld.RACING_ANSWERS)
                .coverage(races -> races.check("null", "NOT_PENDING").count(n -> n > 0));
    }

    @AfterTry
    void resetClock() {
        Time.setOffset(0);
    }

    @Provide
    Arbitrary<ActionChain<EngineWorld>> signIns() {
        return ActionChain.<EngineWorld>startWith(EngineWorld::new)
                .withAction(4, open())
                .withAction(2, supersede())
                .withAction(8, answerCurrent())
                .withAction(2, answerAny())
                .withAction(1, raceAnswers())
                .withAction(2, pendingFor())
                .withAction(6, conclude())
                .withAction(1, replay())
                .withAction(1, raceConcludes())
                .withAction(1, cancel())
                .withAction(1, failingRequest())
                .withAction(1, expire())
                // gates close now and then, and open again sooner, so that most prompts are sent
                .withAction(
                        1,
                        when(
                                w -> !w.model().pushSuspended,
                                w -> just("suspend push", x -> x.suspendPush(true))))
                .withAction(
                        3,
                        when(
                                w -> w.model().pushSuspended,
                                w -> just("lift the push suspension", x -> x.suspendPush(false))))
                .withAction(1, revokeDevice())
                .withAction(
                        2,
                        when(
                                w -> w.presentDevices().size() < 4,
                                w -> just("enrol a device", EngineWorld::enrol)))
                .withAction(
                        1,
                        when(
                                w -> !w.answeringDevices().isEmpty(),
                                w -> just("suspend the devices", x -> x.suspendDevices(true))))
                .withAction(
                        3,
                        when(
                                w -> w.answeringDevices().size() < w.presentDevices().size(),
                                w -> just("resume the devices", x -> x.suspendDevices(false))))
                .withAction(1, lockOut())
                .withAction(
                        3,
                        when(
                                w -> !w.model().enabled || w.model().lockedOut,
                                w -> just("let the user back in", EngineWorld::letBackIn)))
                .withMaxTransformations(30);
    }

    /** A tab opens a challenge while the user has none pending. */
    private static Action.Dependent<EngineWorld> open() {
        return when(
                w -> !hasPending(w),
                w ->
                        Combinators.combine(tab(), purpose())
                                .as(
                                        (tab, purpose) ->
                                                mutate(
                                                        "tab "
                                                                + tab
                                                                + " opens a "
                                                                + purpose.wireName()
                                                                + " challenge",
                                                        x -> x.open(tab, purpose))));
    }

    /** Open again while the user's challenge is pending: the first is replaced. */
    private static Action.Dependent<EngineWorld> supersede() {
        return when(
                ApprovalEngineStateMachineTest::hasPending,
                w ->
                        Combinators.combine(tab(), purpose())
                                .as(
                                        (tab, purpose) ->
                                                mutate(
                                                        "tab "
                                                                + tab
                                                                + " opens another "
                                                                + purpose.wireName()
                                                                + " challenge",
                                                        x -> x.open(tab, purpose))));
    }

    /** A device answers the challenge it is shown. */
    private static Action.Dependent<EngineWorld> answerCurrent() {
        return when(
                w -> !w.answeringDevices().isEmpty() && hasPending(w),
                w ->
                        Combinators.combine(index(w.answeringDevices()), answerKind())
                                .as(
                                        (device, kind) ->
                                                mutate(
                                                        "device "
                                                                + device
                                                                + " answers "
                                                                + kind
                                                                + " to the current challenge",
                                                        x ->
                                                                x.answer(
                                                                        x.answeringDevices()
                                                                                .get(device),
                                                                        x.model().latestOfUser,
                                                                        kind))));
    }

    /**
     * A device answers any challenge there has been, by its id: decided, superseded, expired or
     * current.
     */
    private static Action.Dependent<EngineWorld> answerAny() {
        return when(
                w -> !w.answeringDevices().isEmpty() && !w.model().challenges.isEmpty(),
                w ->
                        Combinators.combine(
                                        index(w.answeringDevices()),
                                        index(w.model().challenges),
                                        answerKind())
                                .as(
                                        (device, target, kind) ->
                                                mutate(
                                                        "device "
                                                                + device
                                                                + " answers "
                                                                + kind
                                                                + " to challenge #"
                                                                + target,
                                                        x ->
                                                                x.answer(
                                                                        x.answeringDevices()
                                                                                .get(device),
                                                                        x.model()
                                                                                .challenges
                                                                                .get(target),
                                                                        kind))));
    }

    /** Two answers racing for the challenge the devices are shown. */
    private static Action.Dependent<EngineWorld> raceAnswers() {
        return when(
                w -> !w.answeringDevices().isEmpty() && hasPending(w),
                w ->
                        Combinators.combine(
                                        index(w.answeringDevices()),
                                        answerKind(),
                                        index(w.answeringDevices()),
                                        answerKind())
                                .as(
                                        (d1, k1, d2, k2) ->
                                                mutate(
                                                        "devices "
                                                                + d1
                                                                + " and "
                                                                + d2
                                                                + " race to answer "
                                                                + k1
                                                                + " and "
                                                                + k2,
                                                        x ->
                                                                x.raceAnswers(
                                                                        x.answeringDevices()
                                                                                .get(d1),
                                                                        k1,
                                                                        x.answeringDevices()
                                                                                .get(d2),
                                                                        k2,
                                                                        x.model().latestOfUser))));
    }

    private static Action.Dependent<EngineWorld> pendingFor() {
        return when(
                w -> !w.answeringDevices().isEmpty(),
                w ->
                        index(w.answeringDevices())
                                .map(
                                        device ->
                                                mutate(
                                                        "device "
                                                                + device
                                                                + " lists its challenges",
                                                        x ->
                                                                x.pendingFor(
                                                                        x.answeringDevices()
                                                                                .get(device)))));
    }

    /**
     * A tab spends its challenge: mostly for the purpose it was asked for, sometimes for another,
     * with another tab's challenge id, or with the approving device enrolled during this very
     * login.
     */
    private static Action.Dependent<EngineWorld> conclude() {
        return when(
                w -> !w.tabsWithChallenge().isEmpty(),
                w ->
                        spendingTab(w)
                                .flatMap(
                                        tab ->
                                                Combinators.combine(
                                                                purposeOf(w, tab),
                                                                oneIn(6),
                                                                oneIn(6))
                                                        .as(
                                                                (purpose, stolen, excluded) ->
                                                                        mutate(
                                                                                "tab "
                                                                                        + tab
                                                                                        + " spends "
                                                                                        + (stolen
                                                                                                ? "the other tab's challenge"
                                                                                                : "its challenge")
                                                                                        + " for "
                                                                                        + purpose
                                                                                                .wireName()
                                                                                        + (excluded
                                                                                                ? ", its device enrolled during the login"
                                                                                                : ""),
                                                                                x ->
                                                                                        x.conclude(
                                                                                                tab,
                                                                                                purpose,
                                                                                                stolen,
                                                                                                excluded)))));
    }

    /** A tab spends again the challenge it has already spent. */
    private static Action.Dependent<EngineWorld> replay() {
        Predicate<EngineWorld> spentTab =
                w ->
                        w.tabsWithChallenge().stream()
                                .anyMatch(
                                        t ->
                                                w.model().latestOfTab.get(t).status
                                                        == ChallengeStatus.CONSUMED);
        return when(
                spentTab,
                w ->
                        Arbitraries.of(
                                        w.tabsWithChallenge().stream()
                                                .filter(
                                                        t ->
                                                                w.model().latestOfTab.get(t).status
                                                                        == ChallengeStatus.CONSUMED)
                                                .toList())
                                .map(
                                        tab ->
                                                mutate(
                                                        "tab "
                                                                + tab
                                                                + " replays its spent challenge",
                                                        x ->
                                                                x.conclude(
                                                                        tab,
                                                                        x.model()
                                                                                .latestOfTab
                                                                                .get(tab)
                                                                                .purpose,
                                                                        false,
                                                                        false))));
    }

    private static Action.Dependent<EngineWorld> raceConcludes() {
        return when(
                w -> !w.tabsWithChallenge().isEmpty(),
                w ->
                        spendingTab(w)
                                .filter(w.tabsWithChallenge()::contains)
                                .map(
                                        tab ->
                                                mutate(
                                                        "tab "
                                                                + tab
                                                                + " spends its challenge twice at once",
                                                        x ->
                                                                x.raceConcludes(
                                                                        tab,
                                                                        x.model()
                                                                                .latestOfTab
                                                                                .get(tab)
                                                                                .purpose))));
    }

    /**
     * An opening, an answer or a spend whose request fails after the engine did its part: it is all
     * undone.
     */
    private static Action.Dependent<EngineWorld> failingRequest() {
        return when(
                w -> true,
                w -> {
                    Arbitrary<Transformer<EngineWorld>> open =
                            Combinators.combine(tab(), purpose())
                                    .as(
                                            (tab, purpose) ->
                                                    mutate(
                                                            "tab "
                                                                    + tab
                                                                    + " opens a "
                                                                    + purpose.wireName()
                                                                    + " challenge, and the request fails",
                                                            x -> x.openThenFail(tab, purpose)));
                    Arbitrary<Transformer<EngineWorld>> answer =
                            w.answeringDevices().isEmpty() || !hasPending(w)
                                    ? open
                                    : Combinators.combine(index(w.answeringDevices()), answerKind())
                                            .as(
                                                    (device, kind) ->
                                                            mutate(
                                                                    "device "
                                                                            + device
                                                                            + " answers "
                                                                            + kind
                                                                            + " to the current challenge, and the request fails",
                                                                    x ->
                                                                            x.answerThenFail(
                                                                                    x.answeringDevices()
                                                                                            .get(
                                                                                                    device),
                                                                                    x.model()
                                                                                            .latestOfUser,
                                                                                    kind)));
                    Arbitrary<Transformer<EngineWorld>> spend =
                            w.tabsWithChallenge().isEmpty()
                                    ? open
                                    : spendingTab(w)
                                            .filter(w.tabsWithChallenge()::contains)
                                            .map(
                                                    tab ->
                                                            mutate(
                                                                    "tab "
                                                                            + tab
                                                                            + " spends its challenge, and the request fails",
                                                                    x ->
                                                                            x.concludeThenFail(
                                                                                    tab,
                                                                                    x.model()
                                                                                            .latestOfTab
                                                                                            .get(
                                                                                                    tab)
                                                                                            .purpose)));
                    return Arbitraries.oneOf(open, answer, spend);
                });
    }

    private static Action.Dependent<EngineWorld> cancel() {
        return when(
                w -> !w.tabsWithChallenge().isEmpty(),
                w ->
                        Arbitraries.of(w.tabsWithChallenge())
                                .map(tab -> mutate("tab " + tab + " cancels", x -> x.cancel(tab))));
    }

    private static Action.Dependent<EngineWorld> expire() {
        return when(
                w -> w.model().jumps < EngineWorld.MAX_JUMPS,
                w -> just("time passes beyond every challenge's lifetime", EngineWorld::expire));
    }

    private static Action.Dependent<EngineWorld> revokeDevice() {
        return when(
                w -> !w.presentDevices().isEmpty(),
                w ->
                        index(w.presentDevices())
                                .map(
                                        device ->
                                                mutate(
                                                        "device " + device + " is removed",
                                                        x ->
                                                                x.revoke(
                                                                        x.presentDevices()
                                                                                .get(device)))));
    }

    private static Action.Dependent<EngineWorld> lockOut() {
        return when(
                w -> w.model().enabled && !w.model().lockedOut,
                w ->
                        Arbitraries.of(true, false)
                                .map(
                                        bruteForce ->
                                                mutate(
                                                        bruteForce
                                                                ? "brute-force protection locks the user out"
                                                                : "an admin disables the user",
                                                        x -> x.lockOut(bruteForce))));
    }

    // ---- arbitraries ----

    private static Arbitrary<String> tab() {
        return Arbitraries.of(EngineWorld.TABS);
    }

    private static Arbitrary<Purpose> purpose() {
        return Arbitraries.frequency(
                Tuple.of(4, Purpose.SIGN_IN),
                Tuple.of(1, Purpose.ADD_DEVICE),
                Tuple.of(1, Purpose.PASSWORD_RESET));
    }

    /**
     * Mostly a tab whose challenge was approved: a login about to complete is where the rules
     * matter most.
     */
    private static Arbitrary<String> spendingTab(EngineWorld world) {
        List<String> approved =
                EngineWorld.TABS.stream()
                        .filter(
                                t ->
                                        world.model().latestOfTab.get(t) != null
                                                && world.model().latestOfTab.get(t).status
                                                        == ChallengeStatus.APPROVED)
                        .toList();
        List<String> withChallenge = world.tabsWithChallenge();
        return Arbitraries.frequencyOf(
                Tuple.of(
                        approved.isEmpty() ? 0 : 6,
                        approved.isEmpty() ? tab() : Arbitraries.of(approved)),
                Tuple.of(
                        withChallenge.isEmpty() ? 0 : 3,
                        withChallenge.isEmpty() ? tab() : Arbitraries.of(withChallenge)),
                Tuple.of(1, tab()));
    }

    /** Mostly the purpose the tab's challenge was asked for. */
    private static Arbitrary<Purpose> purposeOf(EngineWorld world, String tab) {
        ChallengeModel latest = world.model().latestOfTab.get(tab);
        return latest == null
                ? purpose()
                : Arbitraries.frequencyOf(
                        Tuple.of(4, Arbitraries.just(latest.purpose)), Tuple.of(1, purpose()));
    }

    private static Arbitrary<AnswerKind> answerKind() {
        return Arbitraries.frequency(
                Tuple.of(6, AnswerKind.APPROVE),
                Tuple.of(1, AnswerKind.NO_CODE),
                Tuple.of(1, AnswerKind.WRONG_CODE),
                Tuple.of(1, AnswerKind.DENY),
                Tuple.of(1, AnswerKind.FRAUD),
                Tuple.of(1, AnswerKind.OTHER_CONTEXT));
    }

    private static Arbitrary<Boolean> oneIn(int n) {
        return Arbitraries.integers().between(1, n).map(i -> i == 1);
    }

    private static Arbitrary<Integer> index(List<?> list) {
        return Arbitraries.integers().between(0, list.size() - 1);
    }

    private static boolean hasPending(EngineWorld world) {
        return world.model().latestOfUser != null
                && world.model().latestOfUser.status == ChallengeStatus.PENDING;
    }

    // ---- action plumbing ----

    private static Action.Dependent<EngineWorld> when(
            Predicate<EngineWorld> precondition,
            Function<EngineWorld, Arbitrary<Transformer<EngineWorld>>> transformers) {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(EngineWorld world) {
                return precondition.test(world);
            }

            @Override
            public Arbitrary<Transformer<EngineWorld>> transformer(EngineWorld world) {
                return transformers.apply(world);
            }
        };
    }

    private static Arbitrary<Transformer<EngineWorld>> just(
            String description, java.util.function.Consumer<EngineWorld> step) {
        return Arbitraries.just(mutate(description, step));
    }

    private static Transformer<EngineWorld> mutate(
            String description, java.util.function.Consumer<EngineWorld> step) {
        return Transformer.mutate(description, step);
    }
}
