package io.approvalguard.fatigue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.fakes.DeferringSingleUseStore;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The throttle against a store that, like Keycloak's, makes {@code put} visible only at commit:
 * every limit must hold however transactions interleave, and a refused attempt must never keep a
 * limit alive.
 */
class PromptThrottleTest {

    private static final RealmModel REALM =
            stub(
                    RealmModel.class,
                    name ->
                            switch (name) {
                                case "getId" -> "realm-1";
                                case "isBruteForceProtected" -> false;
                                default -> null;
                            });

    private final DeferringSingleUseStore.Shared shared = new DeferringSingleUseStore.Shared();

    @AfterEach
    void resetClock() {
        Time.setOffset(0);
    }

    @Test
    void theLockIsHeldUntilTheCreatingTransactionEnds() {
        ThrottleSettings settings = settings(5, 0, 0, 0);
        UserModel user = user("u1");
        DeferringSingleUseStore first = shared.begin();
        assertTrue(throttle(first).admit(REALM, user, "10.0.0.1", settings).isAdmitted());
        DeferringSingleUseStore second = shared.begin();
        Admission racing = throttle(second).admit(REALM, user, "10.0.0.1", settings);
        assertEquals(
                Admission.Refusal.BUSY,
                racing.refusal(),
                "a racing attempt before the first one committed");
        first.commit();
        second.commit();
        DeferringSingleUseStore third = shared.begin();
        assertTrue(
                throttle(third).admit(REALM, user, "10.0.0.1", settings).isAdmitted(),
                "after the commit");
    }

    @Test
    void theQuotaHoldsEvenWhenTransactionsOverlapWithoutTheLock() {
        ThrottleSettings settings = settings(5, 0, 0, 0);
        UserModel user = user("u2");
        List<DeferringSingleUseStore> open = new ArrayList<>();
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            DeferringSingleUseStore tx = shared.begin();
            open.add(tx);
            if (throttle(tx).admit(REALM, user, "10.0.0.1", settings).isAdmitted()) {
                admitted++;
            }
            shared.begin()
                    .remove("ag:prompt-lock:realm-1:u2"); // as if the lock had expired meanwhile
        }
        open.forEach(DeferringSingleUseStore::commit);
        assertEquals(
                5,
                admitted,
                "twenty overlapping attempts, none committed before the next: exactly the quota");
    }

    @Test
    void theSpacingHoldsEvenWhenTransactionsOverlapWithoutTheLock() {
        ThrottleSettings settings = settings(50, 10, 0, 0);
        UserModel user = user("u3");
        int admitted = 0;
        for (int i = 0; i < 8; i++) {
            DeferringSingleUseStore tx = shared.begin();
            if (throttle(tx).admit(REALM, user, "10.0.0.1", settings).isAdmitted()) {
                admitted++;
            }
            shared.begin().remove("ag:prompt-lock:realm-1:u3");
        }
        assertEquals(1, admitted, "one prompt per spacing interval");
        Time.setOffset(11);
        assertTrue(admitOnce(user, settings, "10.0.0.1").isAdmitted(), "after the spacing");
    }

    @Test
    void refusedAttemptsNeverKeepTheQuotaSpent() {
        ThrottleSettings settings = settings(3, 0, 0, 0);
        UserModel user = user("u4");
        for (int i = 0; i < 3; i++) {
            assertTrue(admitOnce(user, settings, "10.0.0.1").isAdmitted());
        }
        // Someone tries every hour for a day: each is refused, and none extends the quota.
        for (int hour = 1; hour <= 23; hour++) {
            Time.setOffset(hour * 3600);
            Admission refused = admitOnce(user, settings, "10.0.0.1");
            assertEquals(Admission.Refusal.QUOTA_SPENT, refused.refusal(), "hour " + hour);
            assertTrue(
                    refused.retryAfterSeconds() > 0
                            && refused.retryAfterSeconds() <= (24 - hour) * 3600L + 1,
                    "says when the first prompt stops counting: " + refused.retryAfterSeconds());
        }
        Time.setOffset(24 * 3600 + 1);
        assertTrue(
                admitOnce(user, settings, "10.0.0.1").isAdmitted(),
                "each prompt counts for 24 hours only");
    }

    @Test
    void aSuccessfulSignInAndAnAdministratorsResetStartTheQuotaAfresh() {
        ThrottleSettings settings = settings(2, 0, 0, 0);
        UserModel user = user("u5");
        admitOnce(user, settings, "10.0.0.1");
        admitOnce(user, settings, "10.0.0.1");
        assertEquals(
                Admission.Refusal.QUOTA_SPENT, admitOnce(user, settings, "10.0.0.1").refusal());
        inTransaction(throttle -> throttle.recordSuccess(REALM, user));
        assertTrue(admitOnce(user, settings, "10.0.0.1").isAdmitted());
        assertTrue(admitOnce(user, settings, "10.0.0.1").isAdmitted());
        assertEquals(
                Admission.Refusal.QUOTA_SPENT, admitOnce(user, settings, "10.0.0.1").refusal());
        inTransaction(throttle -> throttle.reset(REALM, user));
        assertTrue(admitOnce(user, settings, "10.0.0.1").isAdmitted());
    }

    @Test
    void theBackoffAgesByItsOwnTimestampAndAResetEndsIt() {
        ThrottleSettings settings = settings(50, 0, 30, 3600);
        UserModel user = user("u6");
        for (int i = 0; i < 12; i++) {
            inTransaction(throttle -> throttle.recordOutcome(REALM, user, PromptOutcome.DENIED));
        }
        Admission refused = admitOnce(user, settings, "10.0.0.1");
        assertEquals(Admission.Refusal.BACKING_OFF, refused.refusal());
        assertEquals(3600, refused.retryAfterSeconds());
        Time.setOffset(3601);
        assertTrue(
                admitOnce(user, settings, "10.0.0.1").isAdmitted(),
                "the back-off ends by its own time");
        inTransaction(throttle -> throttle.recordOutcome(REALM, user, PromptOutcome.DENIED));
        assertEquals(
                Admission.Refusal.BACKING_OFF, admitOnce(user, settings, "10.0.0.1").refusal());
        inTransaction(throttle -> throttle.reset(REALM, user));
        assertTrue(admitOnce(user, settings, "10.0.0.1").isAdmitted(), "a reset ends the back-off");
    }

    @Test
    void thePerIpLimitIsASlidingWindowNotOneAlignedToTheClock() {
        ThrottleSettings settings = ipSettings(50, 0, 20);
        // 20 prompts just before a multiple of the window, then 20 just after: the second 20 are
        // refused.
        long now = Time.currentTime();
        Time.setOffset((int) (600 - now % 600 - 5));
        for (int i = 0; i < 20; i++) {
            assertTrue(
                    admitOnce(user("ip-a" + i), settings, "192.0.2.7").isAdmitted(), "prompt " + i);
        }
        Time.setOffset((int) (600 - now % 600 + 5));
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            Admission admission = admitOnce(user("ip-b" + i), settings, "192.0.2.7");
            if (admission.isAdmitted()) {
                admitted++;
            } else {
                assertEquals(Admission.Refusal.IP_LIMIT, admission.refusal());
                assertTrue(
                        admission.retryAfterSeconds() > 0 && admission.retryAfterSeconds() <= 591,
                        "until the first prompt leaves the window: "
                                + admission.retryAfterSeconds());
            }
        }
        assertEquals(0, admitted, "at most 20 prompts from one address within any 600 s");
        assertTrue(
                admitOnce(user("ip-c"), settings, "198.51.100.1").isAdmitted(),
                "another address is not affected");
        Time.setOffset((int) (600 - now % 600 - 5 + 601));
        assertTrue(
                admitOnce(user("ip-d"), settings, "192.0.2.7").isAdmitted(),
                "once the first prompts left the window");
    }

    @Test
    void aRefusalByTheIpLimitSpendsNothingOfTheUsersQuotaOrSpacing() {
        ThrottleSettings settings = ipSettings(2, 10, 1);
        assertTrue(admitOnce(user("other"), settings, "203.0.113.9").isAdmitted());
        UserModel user = user("u7");
        assertEquals(
                Admission.Refusal.IP_LIMIT, admitOnce(user, settings, "203.0.113.9").refusal());
        assertTrue(
                admitOnce(user, settings, "203.0.113.10").isAdmitted(),
                "no spacing was claimed by the refusal");
        Time.setOffset(11);
        assertTrue(
                admitOnce(user, settings, "203.0.113.11").isAdmitted(),
                "no quota was spent by the refusal");
    }

    private Admission admitOnce(UserModel user, ThrottleSettings settings, String ip) {
        DeferringSingleUseStore tx = shared.begin();
        Admission admission = throttle(tx).admit(REALM, user, ip, settings);
        tx.commit();
        return admission;
    }

    private void inTransaction(java.util.function.Consumer<PromptThrottle> work) {
        DeferringSingleUseStore tx = shared.begin();
        work.accept(throttle(tx));
        tx.commit();
    }

    private static PromptThrottle throttle(DeferringSingleUseStore tx) {
        return new PromptThrottle(null, tx, tx::afterCompletion);
    }

    private static ThrottleSettings settings(
            int quota, int spacing, int backoffInitial, int backoffMax) {
        return new ThrottleSettings(quota, spacing, backoffInitial, backoffMax, 0, 600, true);
    }

    private static ThrottleSettings ipSettings(int quota, int spacing, int ipLimit) {
        return new ThrottleSettings(quota, spacing, 0, 0, ipLimit, 600, true);
    }

    private static UserModel user(String id) {
        return stub(UserModel.class, name -> "getId".equals(name) ? id : null);
    }

    private static <T> T stub(Class<T> type, Function<String, Object> answers) {
        return type.cast(
                Proxy.newProxyInstance(
                        type.getClassLoader(),
                        new Class<?>[] {type},
                        (proxy, method, args) -> answers.apply(method.getName())));
    }
}
