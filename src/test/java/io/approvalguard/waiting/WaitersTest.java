package io.approvalguard.waiting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.support.http.ApiError;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The node's registry of held requests: caps, exactly-once answers, and slots freed whatever ends a
 * request.
 */
class WaitersTest {

    private final Waiters waiters = new Waiters(new WaitSettings(3, 2, 25));

    @Test
    void aWakeAnswersEveryWaiterOfItsKeyOnceAndFreesTheirSlots() {
        Waiter<String> a = browser("challenge:1", "s1");
        Waiter<String> b = browser("challenge:1", "s2");
        Waiter<String> other = browser("challenge:2", "s3");
        assertNull(waiters.admit(a, 25));
        assertNull(waiters.admit(b, 25));
        assertNull(waiters.admit(other, 25));
        assertEquals(3, waiters.size());

        waiters.wake(new WakeEvent("challenge:1", "approved"));
        waiters.wake(new WakeEvent("challenge:1", "denied"));

        assertEquals("approved", answerOf(a));
        assertEquals("approved", answerOf(b));
        assertFalse(other.answer().toCompletableFuture().isDone());
        assertEquals(1, waiters.size());
    }

    @Test
    void theCapsRefuseWithoutTakingASlot() {
        assertNull(waiters.admit(browser("challenge:1", "s1"), 25));
        assertNull(waiters.admit(browser("challenge:1", "s1"), 25));
        assertEquals(
                Waiters.Refusal.TOO_MANY_FOR_SESSION,
                waiters.admit(browser("challenge:1", "s1"), 25));
        assertNull(waiters.admit(browser("challenge:2", "s2"), 25));
        assertEquals(Waiters.Refusal.NODE_FULL, waiters.admit(browser("challenge:3", "s3"), 25));
        assertEquals(3, waiters.size());
    }

    @Test
    void aDisconnectOrTimeoutFreesTheSlotAndALaterWakeDoesNothing() throws Exception {
        Waiter<String> gone = browser("challenge:1", "s1");
        Waiter<String> timedOut = browser("challenge:1", "s1");
        assertNull(waiters.admit(gone, 25));
        assertNull(waiters.admit(timedOut, 1));

        // What Keycloak's REST layer does when the client goes away.
        gone.answer().toCompletableFuture().cancel(true);
        assertEquals(1, waiters.size());
        assertEquals("pending", timedOut.answer().toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals(0, waiters.size());
        // The session's slots are free again.
        assertNull(waiters.admit(browser("challenge:1", "s1"), 25));
        assertNull(waiters.admit(browser("challenge:1", "s1"), 25));

        waiters.wake(new WakeEvent("challenge:1", "approved"));
        assertEquals("pending", answerOf(timedOut));
        assertTrue(gone.answer().toCompletableFuture().isCancelled());
        assertEquals(0, waiters.size());
    }

    @Test
    void theSlotIsFreeBeforeTheAnswerCompletesWhateverEndsTheRequest() throws Exception {
        Waiter<String> woken = browser("challenge:1", "s1");
        Waiter<String> timedOut = browser("challenge:2", "s2");
        Waiter<String> closing = browser("challenge:3", "s3");
        assertNull(waiters.admit(woken, 25));
        assertNull(waiters.admit(timedOut, 1));
        assertNull(waiters.admit(closing, 25));
        // Subscribed after admit, as Keycloak's REST layer subscribes to the returned answer: these
        // callbacks see the registry as the client does the moment its answer arrives.
        CompletableFuture<Integer> heldAtWake =
                woken.answer().toCompletableFuture().thenApply(answer -> waiters.size());
        CompletableFuture<Integer> heldAtTimeout =
                timedOut.answer().toCompletableFuture().thenApply(answer -> waiters.size());
        CompletableFuture<Integer> heldAtClose =
                closing.answer().toCompletableFuture().thenApply(answer -> waiters.size());

        waiters.wake(new WakeEvent("challenge:1", "approved"));
        assertEquals(
                2,
                heldAtWake.get(5, TimeUnit.SECONDS),
                "woken: its slot was still taken when it answered");
        assertEquals(
                1,
                heldAtTimeout.get(5, TimeUnit.SECONDS),
                "timed out: its slot was still taken when it answered");
        waiters.releaseAll();
        assertEquals(
                0,
                heldAtClose.get(5, TimeUnit.SECONDS),
                "node closing: its slot was still taken when it answered");
    }

    @Test
    void aBrowserThatAsksAgainTheMomentItsAnswerArrivesIsAdmitted() {
        Waiter<String> first = browser("challenge:1", "s1");
        assertNull(waiters.admit(first, 25));
        assertNull(waiters.admit(browser("challenge:1", "s1"), 25));
        // The session holds both its slots; the wait page asks again as soon as an answer arrives.
        CompletableFuture<Waiters.Refusal> again =
                first.answer()
                        .toCompletableFuture()
                        .thenApply(answer -> waiters.admit(browser("challenge:1", "s1"), 25));
        first.answer("pending");
        assertNull(again.join(), "the answered request's slot is free for the next one");
    }

    @Test
    void closingTheNodeAnswersEveryHeldRequestPending() {
        Waiter<String> a = browser("challenge:1", "s1");
        assertNull(waiters.admit(a, 25));
        waiters.releaseAll();
        assertEquals("pending", answerOf(a));
        assertEquals(0, waiters.size());
    }

    @Test
    void waitIsBoundedAndZeroTurnsWaitingOff() {
        WaitingRequests waiting = new WaitingRequests(new WaitSettings(10, 2, 25));
        assertEquals(0, waiting.holdSeconds(null));
        assertEquals(5, waiting.holdSeconds("5"));
        assertEquals(25, waiting.holdSeconds("600"));
        for (String bad : List.of("-1", "x", "1.5", "99999", " 5")) {
            assertThrows(ApiError.class, () -> waiting.holdSeconds(bad), bad);
        }
        assertEquals(0, new WaitingRequests(new WaitSettings(0, 2, 25)).holdSeconds("25"));
    }

    @Test
    void anEmptyOrRepeatedWaitIsRefusedNotReadAsAbsent() {
        WaitingRequests waiting = new WaitingRequests(new WaitSettings(10, 2, 25));
        assertThrows(ApiError.class, () -> waiting.holdSeconds(""));
        assertEquals(0, waiting.holdSecondsOf(URI.create("http://h/p")));
        assertEquals(0, waiting.holdSecondsOf(URI.create("http://h/p?client_id=a&tab_id=b")));
        assertEquals(
                5, waiting.holdSecondsOf(URI.create("http://h/p?client_id=a&wait=5&tab_id=b")));
        assertEquals(5, waiting.holdSecondsOf(URI.create("http://h/p?wait=%35")));
        for (String query :
                List.of("wait=", "wait", "a=1&wait=", "wait=5&wait=6", "wait=+5", "wait=%2D1")) {
            assertThrows(
                    ApiError.class,
                    () -> waiting.holdSecondsOf(URI.create("http://h/p?" + query)),
                    query);
        }
    }

    private static Waiter<String> browser(String key, String owner) {
        return new Waiter<>(key, owner, woken -> woken.answer(woken.wokenState()), () -> "pending");
    }

    private static String answerOf(Waiter<String> waiter) {
        return waiter.answer().toCompletableFuture().getNow("not answered");
    }
}
