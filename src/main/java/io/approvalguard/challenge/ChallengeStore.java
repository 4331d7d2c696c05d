package io.approvalguard.challenge;

import io.approvalguard.support.json.CanonicalJson;
import io.approvalguard.support.tx.AfterTransaction;
import io.approvalguard.waiting.Wakes;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Challenges in Keycloak's single-use object store, which is replicated across a cluster and
 * expires entries by itself.
 *
 * <p>Every move out of PENDING first wins an atomic {@code putIfAbsent} on a per-challenge
 * "decided" key, so exactly one answer, expiry or replacement takes effect, on any node. The same
 * is done once more for consumption. The record itself is then rewritten with {@code put} (never
 * {@code replace}, which would drop the entry's lifespan). Waiting pages and devices are woken
 * after the change commits; {@link ChallengeDecided} tells the packages that react to decisions.
 */
public final class ChallengeStore {

    /** Challenges outlive their expiry a little so that "expired" can be told from "unknown". */
    static final long RETENTION_AFTER_EXPIRY_SECONDS = 300;

    private static final String PREFIX = "ag:ch:";
    private static final String DECIDED = "ag:ch-decided:";
    private static final String CONSUMED = "ag:ch-consumed:";
    private static final String USER_PENDING = "ag:user-pending:";

    private final KeycloakSession session;
    private final SingleUseObjectProvider store;

    public ChallengeStore(KeycloakSession session) {
        this.session = session;
        this.store = session.singleUseObjects();
    }

    /** Stores a new pending challenge and makes it the user's only pending one. */
    public Challenge create(NewChallenge spec) {
        long nowMillis = Time.currentTimeMillis();
        long now = nowMillis / 1000;
        String id = KeycloakModelUtils.generateId();
        String codeHash = spec.code() == null ? null : VerificationCodes.hash(id, spec.code());
        Challenge challenge =
                new Challenge(
                        id,
                        spec.realmId(),
                        spec.userId(),
                        spec.rootSessionId(),
                        spec.tabId(),
                        spec.clientId(),
                        ChallengeStatus.PENDING,
                        nowMillis,
                        now + spec.lifetimeSeconds(),
                        spec.context(),
                        CanonicalJson.hash(spec.context()),
                        codeHash,
                        spec.code() == null ? 0 : spec.code().length(),
                        null,
                        0);
        supersedePendingOf(spec.realmId(), spec.userId());
        store.put(PREFIX + id, retention(challenge), challenge.toNotes());
        store.put(
                userKey(spec.realmId(), spec.userId()),
                retention(challenge),
                Map.of("challenge", id));
        Wakes.afterCommit(session, Wakes.user(spec.realmId(), spec.userId()), "pending");
        return challenge;
    }

    public Optional<Challenge> find(String id) {
        if (id == null || id.isEmpty() || id.length() > 64) {
            return Optional.empty();
        }
        Map<String, String> notes = store.get(PREFIX + id);
        return notes == null ? Optional.empty() : Optional.of(Challenge.fromNotes(notes));
    }

    /** The user's current pending challenge, if there is one and it has not expired. */
    public Optional<Challenge> findPendingFor(String realmId, String userId) {
        Map<String, String> pointer = store.get(userKey(realmId, userId));
        if (pointer == null) {
            return Optional.empty();
        }
        long now = Time.currentTime();
        return find(pointer.get("challenge"))
                .filter(
                        c ->
                                c.status().isPending()
                                        && !c.isExpiredAt(now)
                                        && c.userId().equals(userId));
    }

    /** The user's most recent challenge, whatever its state. */
    public Optional<Challenge> findLatestFor(String realmId, String userId) {
        Map<String, String> pointer = store.get(userKey(realmId, userId));
        return pointer == null
                ? Optional.empty()
                : find(pointer.get("challenge")).filter(c -> c.userId().equals(userId));
    }

    /**
     * Moves a pending challenge to {@code outcome}. Returns the decided challenge, or empty when
     * another answer, expiry or replacement got there first.
     */
    public Optional<Challenge> decide(
            Challenge challenge, ChallengeStatus outcome, String deviceId) {
        if (outcome == ChallengeStatus.PENDING || outcome == ChallengeStatus.CONSUMED) {
            throw new IllegalArgumentException("not a decision: " + outcome);
        }
        if (!store.putIfAbsent(DECIDED + challenge.id(), retention(challenge))) {
            return Optional.empty();
        }
        releaseIfRolledBack(DECIDED + challenge.id());
        Challenge decided = challenge.withDecision(outcome, deviceId, Time.currentTime());
        store.put(PREFIX + challenge.id(), retention(challenge), decided.toNotes());
        Wakes.afterCommit(
                session, Wakes.challenge(challenge.id()), outcome.name().toLowerCase(Locale.ROOT));
        session.getKeycloakSessionFactory().publish(new ChallengeDecided(session, decided));
        return Optional.of(decided);
    }

    /** Spends an approved challenge. True for exactly one caller, cluster-wide. */
    public boolean consume(Challenge challenge) {
        if (challenge.status() != ChallengeStatus.APPROVED) {
            return false;
        }
        if (!store.putIfAbsent(CONSUMED + challenge.id(), retention(challenge))) {
            return false;
        }
        releaseIfRolledBack(CONSUMED + challenge.id());
        Challenge consumed =
                challenge.withDecision(
                        ChallengeStatus.CONSUMED,
                        challenge.deciderDeviceId(),
                        challenge.decidedAt());
        store.put(PREFIX + challenge.id(), retention(challenge), consumed.toNotes());
        return true;
    }

    /**
     * Spends an approved challenge at the very end of a transaction, where nothing more can be
     * enlisted: the claim alone, with no release on rollback (an approval lost to a failed commit
     * stays spent: closed, not open). The record keeps its decision; the claim is what every spend
     * asks. True for exactly one caller, cluster-wide.
     */
    public boolean consumeAtPrepare(Challenge challenge) {
        return challenge.status() == ChallengeStatus.APPROVED
                && store.putIfAbsent(CONSUMED + challenge.id(), retention(challenge));
    }

    /**
     * Spends an approved challenge in the very transaction that decided it (a change approval is
     * counted there): the claim alone, released if the transaction rolls back. The record keeps its
     * decision, written once by that transaction; the store takes one write per key and
     * transaction. True for exactly one caller, cluster-wide.
     */
    public boolean consumeWhileDeciding(Challenge challenge) {
        if (challenge.status() != ChallengeStatus.APPROVED
                || !store.putIfAbsent(CONSUMED + challenge.id(), retention(challenge))) {
            return false;
        }
        releaseIfRolledBack(CONSUMED + challenge.id());
        return true;
    }

    /**
     * The claim is immediate, the record it guards is written at commit: when the transaction rolls
     * back instead, the claim goes too, so the challenge can still be decided (or spent).
     */
    private void releaseIfRolledBack(String claim) {
        AfterTransaction.onRollback(session, () -> store.remove(claim));
    }

    private void supersedePendingOf(String realmId, String userId) {
        Map<String, String> pointer = store.get(userKey(realmId, userId));
        if (pointer != null) {
            find(pointer.get("challenge"))
                    .filter(old -> old.status().isPending())
                    .ifPresent(old -> decide(old, ChallengeStatus.SUPERSEDED, null));
        }
    }

    private static long retention(Challenge challenge) {
        long remaining = challenge.expiresAt() - Time.currentTime();
        return Math.max(1, remaining) + RETENTION_AFTER_EXPIRY_SECONDS;
    }

    private static String userKey(String realmId, String userId) {
        return USER_PENDING + realmId + ":" + userId;
    }
}
