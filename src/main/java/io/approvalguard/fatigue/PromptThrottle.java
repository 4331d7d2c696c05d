package io.approvalguard.fatigue;

import java.util.HashMap;
import java.util.Map;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.BruteForceProtector;

/**
 * Decides whether a user may be prompted, from cluster-wide state in the single-use object store.
 *
 * <p>Per user: a lock serialises prompt creation (a parallel burst gets one prompt, the rest are
 * refused as busy), and under it a ledger counts prompts since the last successful sign-in and
 * when the last one was sent. A second record keeps the outcomes (denials, timeouts, wrong codes,
 * "this wasn't me") that drive the doubling back-off; it is written by whoever decides a
 * challenge, which happens once per challenge. Per source IP: one atomic slot per prompt in a
 * fixed window, so addresses prompting many users run out.
 */
public final class PromptThrottle {

    /** Ledgers forget a user after a day without prompts. */
    static final long MEMORY_SECONDS = 24 * 3600;
    private static final long LOCK_SECONDS = 10;

    private static final String LOCK = "ag:prompt-lock:";
    private static final String PROMPTS = "ag:prompts:";
    private static final String OUTCOMES = "ag:outcomes:";
    private static final String IP_SLOT = "ag:ip-prompt:";

    private final KeycloakSession session;
    private final SingleUseObjectProvider store;

    public PromptThrottle(KeycloakSession session) {
        this.session = session;
        this.store = session.singleUseObjects();
    }

    /** Admits or refuses one prompt. Close the admission once the challenge exists. */
    public Admission admit(RealmModel realm, UserModel user, String ipAddress, ThrottleSettings settings) {
        String lockKey = LOCK + userKey(realm, user);
        if (!store.putIfAbsent(lockKey, LOCK_SECONDS)) {
            return Admission.refused(Admission.Refusal.BUSY, 1, () -> { });
        }
        Runnable release = () -> store.remove(lockKey);
        try {
            long now = Time.currentTime();
            Ledger prompts = Ledger.read(store, PROMPTS + userKey(realm, user));
            Ledger outcomes = Ledger.read(store, OUTCOMES + userKey(realm, user));
            boolean suspicious = outcomes.total() + prompts.get("throttled") > 0;

            long backoffEnds = outcomes.get("lastAt") + settings.backoffSeconds((int) outcomes.get("streak"));
            Admission refusal = null;
            if (now < backoffEnds) {
                refusal = Admission.refused(Admission.Refusal.BACKING_OFF, backoffEnds - now, release);
            } else if (prompts.get("count") >= settings.promptQuota()) {
                refusal = Admission.refused(Admission.Refusal.QUOTA_SPENT, 0, release);
            } else if (prompts.get("count") > 0 && now < prompts.get("lastAt") + settings.minSpacingSeconds()) {
                refusal = Admission.refused(Admission.Refusal.TOO_SOON, prompts.get("lastAt") + settings.minSpacingSeconds() - now, release);
            }
            int ipSlot = refusal == null ? claimIpSlot(realm, ipAddress, settings, now) : 0;
            if (refusal == null && ipSlot < 0) {
                refusal = Admission.refused(Admission.Refusal.IP_LIMIT,
                        settings.ipWindowSeconds() - now % settings.ipWindowSeconds(), release);
            }
            if (refusal != null) {
                prompts.increment("throttled");
                prompts.write(store, PROMPTS + userKey(realm, user));
                return refusal;
            }
            prompts.increment("count");
            prompts.set("lastAt", now);
            prompts.write(store, PROMPTS + userKey(realm, user));

            boolean looksLikeAttack = prompts.get("count") >= settings.promptQuota() - 1
                    || outcomes.get("streak") >= 2
                    || (settings.ipLimit() > 0 && ipSlot >= settings.ipLimit() / 2);
            return Admission.admitted(settings.quietMode() && looksLikeAttack, suspicious, release);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
    }

    /** Records a prompt that ended badly: extends the back-off and, except timeouts, counts for brute-force protection. */
    public void recordOutcome(RealmModel realm, UserModel user, PromptOutcome outcome) {
        String key = OUTCOMES + userKey(realm, user);
        Ledger outcomes = Ledger.read(store, key);
        outcomes.increment("streak");
        outcomes.increment(outcome.name());
        outcomes.set("lastAt", Time.currentTime());
        outcomes.write(store, key);
        if (outcome != PromptOutcome.TIMED_OUT && realm.isBruteForceProtected()) {
            // No category on purpose: Keycloak counts only password, OTP and recovery-code failures
            // when a category is named, and a denied or wrong-code push must count as well.
            session.getProvider(BruteForceProtector.class).failedLogin(realm, user, session.getContext().getConnection(),
                    session.getContext().getUri(), null);
        }
    }

    /** A successful sign-in: the quota, the back-off and the suspicion start afresh. */
    public void recordSuccess(RealmModel realm, UserModel user) {
        store.remove(PROMPTS + userKey(realm, user));
        store.remove(OUTCOMES + userKey(realm, user));
    }

    /** Claims one of the IP's slots in the current window; returns its index, or -1 when all are taken. */
    private int claimIpSlot(RealmModel realm, String ipAddress, ThrottleSettings settings, long now) {
        if (settings.ipLimit() == 0 || ipAddress == null) {
            return 0;
        }
        long window = now / settings.ipWindowSeconds();
        String prefix = IP_SLOT + realm.getId() + ":" + ipAddress + ":" + window + ":";
        for (int slot = 0; slot < settings.ipLimit(); slot++) {
            if (store.putIfAbsent(prefix + slot, settings.ipWindowSeconds())) {
                return slot;
            }
        }
        return -1;
    }

    private static String userKey(RealmModel realm, UserModel user) {
        return realm.getId() + ":" + user.getId();
    }

    /** A small map of counters and times stored under one key. */
    private static final class Ledger {

        private final Map<String, String> values;

        private Ledger(Map<String, String> values) {
            this.values = values;
        }

        static Ledger read(SingleUseObjectProvider store, String key) {
            Map<String, String> stored = store.get(key);
            return new Ledger(stored == null ? new HashMap<>() : new HashMap<>(stored));
        }

        long get(String name) {
            String value = values.get(name);
            return value == null ? 0 : Long.parseLong(value);
        }

        void set(String name, long value) {
            values.put(name, Long.toString(value));
        }

        void increment(String name) {
            set(name, get(name) + 1);
        }

        long total() {
            long sum = 0;
            for (PromptOutcome outcome : PromptOutcome.values()) {
                sum += get(outcome.name());
            }
            return sum;
        }

        void write(SingleUseObjectProvider store, String key) {
            store.put(key, MEMORY_SECONDS, values);
        }
    }
}
