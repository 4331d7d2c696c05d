package io.approvalguard.risk;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the scorer remembers of a user (or, for spraying, of an IP address): the decaying score and
 * the short history the signals need. Bounded, so a busy user or an attacker cannot grow it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class RiskProfile {

    static final int MAX_OUTCOMES = 32;
    static final int MAX_PLACES = 32;
    static final int MAX_IP_USERS = 256;

    /**
     * The score at {@link #scoredAt}; it decays from there. Kept in the state row's own columns,
     * not in the JSON.
     */
    @JsonIgnore public double score;

    @JsonIgnore public long scoredAt;

    /** Recent denial and timeout times, oldest first. */
    public List<Long> failures = new ArrayList<>();

    public Set<String> countries = new LinkedHashSet<>();
    public Set<String> networks = new LinkedHashSet<>();
    public long lastPasswordReset;

    /**
     * When the user's sessions were last revoked, and push last suspended: for sessions that race
     * them.
     */
    public long revokedAt;

    public long suspendedSince;

    /** When a CIBA request was last approved: its session appears only when the client polls. */
    public long backchannelApprovedAt;

    /** For an IP profile: users prompted from it, with the last time. */
    public Map<String, Long> promptedUsers = new LinkedHashMap<>();

    /** The score now, after decay. */
    public double scoreAt(long now, int halfLifeSeconds) {
        return decayed(score, scoredAt, now, halfLifeSeconds);
    }

    /** A score set at {@code scoredAt}, as it stands at {@code now}. */
    static double decayed(double score, long scoredAt, long now, int halfLifeSeconds) {
        if (score <= 0 || now <= scoredAt) {
            return Math.max(score, 0);
        }
        double halfLives = (now - scoredAt) / (halfLifeSeconds * 1000.0);
        return score * Math.pow(0.5, halfLives);
    }

    void add(double points, long now, int halfLifeSeconds) {
        score = scoreAt(now, halfLifeSeconds) + points;
        scoredAt = Math.max(now, scoredAt);
    }

    void reset(long now) {
        score = 0;
        scoredAt = now;
        failures.clear();
    }

    void recordFailure(long now) {
        failures.add(now);
        while (failures.size() > MAX_OUTCOMES) {
            failures.remove(0);
        }
    }

    /**
     * Remembers a place; answers whether it was new (and the user had any history to compare with).
     */
    static boolean remember(Set<String> places, String place) {
        if (place == null) {
            return false;
        }
        boolean hadHistory = !places.isEmpty();
        boolean added = places.add(place);
        if (places.size() > MAX_PLACES) {
            places.remove(places.iterator().next());
        }
        return added && hadHistory;
    }
}
