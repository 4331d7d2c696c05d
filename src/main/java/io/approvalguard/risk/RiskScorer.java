package io.approvalguard.risk;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The scoring rules, free of Keycloak: a profile and one input give the signals raised, the new
 * score and the level. Everything durable that follows from a level is {@link RiskResponder}'s job.
 */
public final class RiskScorer {

    /** The outcome of scoring one input. */
    public record Assessment(
            List<RiskSignal> signals, double score, RiskLevel level, RiskLevel previousLevel) {

        public boolean raisedAnything() {
            return !signals.isEmpty();
        }
    }

    private RiskScorer() {}

    /**
     * Scores one input against a user's profile, updating the profile.
     *
     * @param ipSpraying whether the input's IP address has prompted many users (see {@link
     *     #recordPrompt})
     */
    public static Assessment assess(
            RiskProfile user, RiskInput input, RiskSettings settings, boolean ipSpraying) {
        long now = input.timeMillis();
        int halfLife = settings.halfLifeSeconds();
        RiskLevel previous = settings.levelOf(user.scoreAt(now, halfLife));
        List<RiskSignal> signals = new ArrayList<>(2);
        switch (input.kind()) {
            case DENIED -> {
                signals.add(RiskSignal.DENIAL);
                user.recordFailure(now);
            }
            case TIMED_OUT -> {
                signals.add(RiskSignal.TIMEOUT);
                user.recordFailure(now);
            }
            case WRONG_CODE -> {
                signals.add(RiskSignal.WRONG_CODE);
                user.recordFailure(now);
            }
            case FRAUD_REPORTED -> signals.add(RiskSignal.FRAUD_REPORT);
            case THROTTLED -> signals.add(RiskSignal.PROMPT_FLOOD);
            case APPROVED -> {
                if (recentFailures(user, now, settings.fatigueWindowSeconds())
                        >= settings.fatigueStreak()) {
                    signals.add(RiskSignal.FATIGUE_APPROVAL);
                }
                // the streak is spent: the next approval is judged on what follows this one
                user.failures.clear();
                if (input.backchannel()) {
                    user.backchannelApprovedAt = now;
                }
                if (RiskProfile.remember(user.countries, input.country())) {
                    signals.add(RiskSignal.NEW_COUNTRY);
                }
                if (RiskProfile.remember(user.networks, input.network())) {
                    signals.add(RiskSignal.NEW_NETWORK);
                }
            }
            case DEVICE_ENROLLED -> {
                if (user.lastPasswordReset > 0
                        && now - user.lastPasswordReset
                                <= settings.enrolAfterResetSeconds() * 1000L) {
                    signals.add(RiskSignal.ENROL_AFTER_RESET);
                }
            }
            case PASSWORD_RESET -> user.lastPasswordReset = now;
            case PROMPT_SENT -> {
                if (ipSpraying) {
                    signals.add(RiskSignal.IP_MANY_USERS);
                }
            }
            case LOGIN -> {
                // scored by what preceded it; the responder looks at logins for sessions to end
            }
        }
        int points = 0;
        for (RiskSignal signal : signals) {
            points += settings.weight(signal);
        }
        if (points > 0) {
            user.add(points, now, halfLife);
        }
        double score = user.scoreAt(now, halfLife);
        return new Assessment(signals, score, settings.levelOf(score), previous);
    }

    /**
     * Records that an IP address prompted a user; answers whether it has now prompted at least the
     * threshold of distinct users within the window.
     */
    public static boolean recordPrompt(
            RiskProfile ip, String userId, long now, RiskSettings settings) {
        long windowStart = now - settings.ipWindowSeconds() * 1000L;
        Iterator<Map.Entry<String, Long>> entries = ip.promptedUsers.entrySet().iterator();
        while (entries.hasNext()) {
            if (entries.next().getValue() < windowStart) {
                entries.remove();
            }
        }
        ip.promptedUsers.remove(userId);
        ip.promptedUsers.put(userId, now);
        while (ip.promptedUsers.size() > RiskProfile.MAX_IP_USERS) {
            entries = ip.promptedUsers.entrySet().iterator();
            entries.next();
            entries.remove();
        }
        return ip.promptedUsers.size() >= settings.ipUsersThreshold();
    }

    private static int recentFailures(RiskProfile user, long now, int windowSeconds) {
        long windowStart = now - windowSeconds * 1000L;
        int count = 0;
        for (Long at : user.failures) {
            if (at >= windowStart) {
                count++;
            }
        }
        return count;
    }
}
