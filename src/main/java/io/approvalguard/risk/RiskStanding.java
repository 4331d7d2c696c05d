package io.approvalguard.risk;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * A user's risk as a sign-in sees it now: the decayed score's level, and whether push is suspended.
 * One primary-key read; a user the scorer never saw is normal.
 */
public record RiskStanding(double score, RiskLevel level, long pushSuspendedUntil) {

    public static final RiskStanding NORMAL = new RiskStanding(0, RiskLevel.NORMAL, 0);

    public static RiskStanding of(KeycloakSession session, RealmModel realm, UserModel user) {
        RiskStates.Standing state =
                new RiskStates(session)
                        .standing(realm.getId(), RiskStates.userSubject(user.getId()));
        if (state == null) {
            return NORMAL;
        }
        RiskSettings settings = RiskSettings.of(realm);
        long now = Time.currentTimeMillis();
        double score =
                RiskProfile.decayed(
                        state.score(), state.scoredAt(), now, settings.halfLifeSeconds());
        return new RiskStanding(score, settings.levelOf(score), state.pushSuspendedUntil());
    }

    public boolean isPushSuspended() {
        return pushSuspendedUntil > Time.currentTimeMillis();
    }

    /** Longer codes and prompts only in the app. */
    public boolean isElevated() {
        return level.isAtLeast(RiskLevel.ELEVATED);
    }
}
