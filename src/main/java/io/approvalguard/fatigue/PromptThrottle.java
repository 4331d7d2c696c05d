package io.approvalguard.fatigue;

import io.approvalguard.support.tx.AfterTransaction;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.managers.BruteForceProtector;

/**
 * Decides whether a user may be prompted, from cluster-wide state in the single-use object store.
 *
 * <p>Every limit is an atomic claim that is visible on every node the moment it is made, and that
 * ages by itself: one key per prompt of the quota (freed 24 h after that prompt, or all at once by
 * a successful sign-in, which starts a new generation of keys), a spacing key that lives exactly
 * the minimum spacing, and one key per prompt of a source IP address (a sliding window). A refused
 * attempt writes nothing that extends any limit. The per-user prompt lock, which keeps "one pending
 * challenge per user", is held until the creating transaction has ended, so the next holder sees
 * everything the last one wrote.
 *
 * <p>The outcomes of earlier prompts (denials, timeouts, wrong codes, "this wasn't me") drive the
 * doubling back-off; they are written by whoever decides a challenge, which happens once per
 * challenge, and forgotten a day after the last one.
 */
public final class PromptThrottle {

    /** How long a prompt counts against the quota, and how long outcomes are remembered. */
    static final long MEMORY_SECONDS = 24 * 3600;

    /** Longest a prompt lock can outlive a transaction that never ended (a crashed node). */
    private static final long LOCK_SECONDS = 30;

    private static final String LOCK = "ag:prompt-lock:";
    private static final String GENERATION = "ag:prompt-gen:";
    private static final String QUOTA_SLOT = "ag:prompt-slot:";
    private static final String SPACING = "ag:prompt-spacing:";
    private static final String LAST_PROMPT = "ag:prompt-last:";
    private static final String THROTTLED = "ag:prompt-throttled:";
    private static final String OUTCOMES = "ag:outcomes:";
    private static final String IP_SLOT = "ag:ip-prompt:";
    private static final String IP_FULL = "ag:ip-full:";

    private final KeycloakSession session;
    private final SingleUseObjectProvider store;
    private final Consumer<Runnable> afterTransaction;

    public PromptThrottle(KeycloakSession session) {
        this(
                session,
                session.singleUseObjects(),
                task -> AfterTransaction.whenEnded(session, task));
    }

    /** For tests: a store and a way to run work once the caller's transaction has ended. */
    PromptThrottle(
            KeycloakSession session,
            SingleUseObjectProvider store,
            Consumer<Runnable> afterTransaction) {
        this.session = session;
        this.store = store;
        this.afterTransaction = afterTransaction;
    }

    /**
     * Admits or refuses one prompt. An admitted prompt has taken its claims; the caller creates the
     * challenge in the same transaction.
     */
    public Admission admit(
            RealmModel realm, UserModel user, String ipAddress, ThrottleSettings settings) {
        String subject = userKey(realm, user);
        String lockKey = LOCK + subject;
        if (!store.putIfAbsent(lockKey, LOCK_SECONDS)) {
            return Admission.refused(Admission.Refusal.BUSY, 1);
        }
        afterTransaction.accept(() -> store.remove(lockKey));

        long now = Time.currentTime();
        Outcomes outcomes = Outcomes.read(store, OUTCOMES + subject, now);
        boolean suspicious = outcomes.total() > 0 || store.contains(THROTTLED + subject);
        long backoffEnds = outcomes.lastAt + settings.backoffSeconds(outcomes.streak);
        if (now < backoffEnds) {
            return refuse(subject, Admission.Refusal.BACKING_OFF, backoffEnds - now);
        }
        boolean spaced = settings.minSpacingSeconds() > 0;
        if (spaced && !store.putIfAbsent(SPACING + subject, settings.minSpacingSeconds())) {
            return refuse(
                    subject,
                    Admission.Refusal.TOO_SOON,
                    secondsUntilSpaced(subject, settings, now));
        }
        SlotPool quota =
                new SlotPool(
                        store,
                        QUOTA_SLOT + subject + ":" + generation(subject) + ":",
                        settings.promptQuota(),
                        MEMORY_SECONDS);
        int quotaSlot = quota.take();
        if (quotaSlot < 0) {
            if (spaced) {
                store.remove(SPACING + subject);
            }
            return refuse(subject, Admission.Refusal.QUOTA_SPENT, quota.secondsUntilOneFrees(now));
        }
        IpClaim ip = claimIp(realm, ipAddress, settings, now);
        if (ip.refusedForSeconds > 0) {
            quota.giveBack(quotaSlot);
            if (spaced) {
                store.remove(SPACING + subject);
            }
            return refuse(subject, Admission.Refusal.IP_LIMIT, ip.refusedForSeconds);
        }
        quota.keep(quotaSlot, now);
        ip.keep(now);
        store.put(LAST_PROMPT + subject, MEMORY_SECONDS, Map.of("at", Long.toString(now)));
        // counted, not read off the slot's index: freed slots are taken again from the lowest
        int promptsSinceSuccess = quota.taken();
        boolean looksLikeAttack =
                promptsSinceSuccess >= settings.promptQuota() - 1
                        || outcomes.streak >= 2
                        || (settings.ipLimit() > 0 && ip.slot >= settings.ipLimit() / 2);
        return Admission.admitted(settings.quietMode() && looksLikeAttack, suspicious);
    }

    /**
     * Records a prompt that ended badly: extends the back-off and, except timeouts, counts for
     * brute-force protection.
     */
    public void recordOutcome(RealmModel realm, UserModel user, PromptOutcome outcome) {
        String key = OUTCOMES + userKey(realm, user);
        long now = Time.currentTime();
        Outcomes outcomes = Outcomes.read(store, key, now);
        outcomes.add(outcome, now);
        outcomes.write(store, key);
        if (outcome != PromptOutcome.TIMED_OUT && realm.isBruteForceProtected()) {
            // No category on purpose: Keycloak counts only password, OTP and recovery-code failures
            // when a category is named, and a denied or wrong-code push must count as well.
            session.getProvider(BruteForceProtector.class)
                    .failedLogin(
                            realm,
                            user,
                            session.getContext().getConnection(),
                            session.getContext().getUri(),
                            null);
        }
    }

    /**
     * A successful sign-in: the quota, the spacing, the back-off and the suspicion start afresh
     * (the user was there to approve; signing out and in again is not a flood).
     */
    public void recordSuccess(RealmModel realm, UserModel user) {
        startAfresh(userKey(realm, user));
    }

    /**
     * An administrator's or the risk scorer's reset: as after a successful sign-in. The per-IP
     * limit is not the user's and stays.
     */
    public void reset(RealmModel realm, UserModel user) {
        startAfresh(userKey(realm, user));
    }

    private void startAfresh(String subject) {
        store.put(
                GENERATION + subject,
                2 * MEMORY_SECONDS,
                Map.of("id", KeycloakModelUtils.generateId()));
        store.remove(OUTCOMES + subject);
        store.remove(THROTTLED + subject);
        store.remove(SPACING + subject);
    }

    /** A refused prompt makes the next ones suspicious for a day; the marker is never extended. */
    private Admission refuse(String subject, Admission.Refusal refusal, long retryAfterSeconds) {
        store.putIfAbsent(THROTTLED + subject, MEMORY_SECONDS);
        return Admission.refused(refusal, retryAfterSeconds);
    }

    private long secondsUntilSpaced(String subject, ThrottleSettings settings, long now) {
        Map<String, String> last = store.get(LAST_PROMPT + subject);
        if (last == null || last.get("at") == null) {
            return settings.minSpacingSeconds();
        }
        // "at" is whole seconds; the key was taken up to a second later and lives exactly the
        // spacing
        return Math.max(1, Long.parseLong(last.get("at")) + settings.minSpacingSeconds() + 1 - now);
    }

    /** The current generation of the user's quota keys: a new one is a fresh quota. */
    private String generation(String subject) {
        Map<String, String> stored = store.get(GENERATION + subject);
        return stored == null || stored.get("id") == null ? "0" : stored.get("id");
    }

    /**
     * The IP address's slot for this prompt (none when there is no limit), or how long the address
     * must wait.
     */
    private record IpClaim(SlotPool slots, int slot, long refusedForSeconds) {

        void keep(long now) {
            if (slots != null && slot >= 0) {
                slots.keep(slot, now);
            }
        }
    }

    private IpClaim claimIp(
            RealmModel realm, String ipAddress, ThrottleSettings settings, long now) {
        if (settings.ipLimit() == 0 || ipAddress == null) {
            return new IpClaim(null, 0, 0);
        }
        String address = realm.getId() + ":" + ipAddress;
        // While every slot is known to be taken, refuse without scanning them: a flooding address
        // costs one lookup per attempt, not one per slot. The marker is for this limit only.
        String fullKey = IP_FULL + address + ":" + settings.ipLimit();
        Map<String, String> full = store.get(fullKey);
        if (full != null && full.get("until") != null && Long.parseLong(full.get("until")) > now) {
            return new IpClaim(null, -1, Long.parseLong(full.get("until")) - now);
        }
        SlotPool slots =
                new SlotPool(
                        store,
                        IP_SLOT + address + ":",
                        settings.ipLimit(),
                        settings.ipWindowSeconds());
        int slot = slots.take();
        if (slot >= 0) {
            return new IpClaim(slots, slot, 0);
        }
        long wait = slots.secondsUntilOneFrees(now);
        store.put(fullKey, wait, Map.of("until", Long.toString(now + wait)));
        return new IpClaim(slots, -1, wait);
    }

    private static String userKey(RealmModel realm, UserModel user) {
        return realm.getId() + ":" + user.getId();
    }

    /** The outcomes since the last successful sign-in, forgotten a day after the last one. */
    private static final class Outcomes {

        private final Map<String, String> counts;
        private int streak;
        private long lastAt;

        private Outcomes(Map<String, String> counts) {
            this.counts = counts;
            this.streak = (int) get("streak");
            this.lastAt = get("lastAt");
        }

        static Outcomes read(SingleUseObjectProvider store, String key, long now) {
            Map<String, String> stored = store.get(key);
            Outcomes outcomes =
                    new Outcomes(stored == null ? new HashMap<>() : new HashMap<>(stored));
            return now - outcomes.lastAt > MEMORY_SECONDS
                    ? new Outcomes(new HashMap<>())
                    : outcomes;
        }

        void add(PromptOutcome outcome, long now) {
            streak++;
            lastAt = now;
            counts.put(outcome.name(), Long.toString(get(outcome.name()) + 1));
        }

        long total() {
            long sum = 0;
            for (PromptOutcome outcome : PromptOutcome.values()) {
                sum += get(outcome.name());
            }
            return sum;
        }

        void write(SingleUseObjectProvider store, String key) {
            counts.put("streak", Integer.toString(streak));
            counts.put("lastAt", Long.toString(lastAt));
            store.put(key, MEMORY_SECONDS, counts);
        }

        private long get(String name) {
            String value = counts.get(name);
            return value == null ? 0 : Long.parseLong(value);
        }
    }
}
