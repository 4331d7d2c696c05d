package io.approvalguard.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.device.PushAddress;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;

/**
 * The queue's rules without Keycloak: bounded concurrency, a full queue drops and says so, retries
 * stop at max-attempts and at the challenge's end, and each notification ends as one outcome.
 */
class PushQueueTest {

    static final PushAddress ADDRESS = PushAddress.token("test", "tok", 1);
    static final Duration WAIT = Duration.ofSeconds(10);

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final LinkedBlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
    PushQueue queue;

    record Ended(PushQueue.Delivery delivery, PushOutcome outcome) {}

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close();
        }
    }

    PushQueue queue(int concurrent, int capacity, int attempts, PushQueue.Sender sender) {
        queue =
                new PushQueue(
                        "test",
                        new PushQueueSettings(concurrent, capacity, 100, 100, attempts, 10),
                        new PushCounts(meters),
                        sender,
                        (delivery, outcome) -> ended.add(new Ended(delivery, outcome)));
        return queue;
    }

    static PushMessage message(String challengeId, long secondsLeft) {
        return new PushMessage(
                "r", "realm", "u", "d", challengeId, Time.currentTime() + secondsLeft);
    }

    Ended next() throws InterruptedException {
        Ended one = ended.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(one != null, "an outcome within " + WAIT);
        return one;
    }

    double count(String outcome) {
        var counter =
                meters.find(PushCounts.METER)
                        .tags("provider", "test", "outcome", outcome)
                        .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aDeliveryEndsOnceAndIsCounted() throws InterruptedException {
        queue(2, 10, 3, (m, a) -> PushOutcome.delivered()).offer(message("c1", 60), ADDRESS);
        Ended one = next();
        assertEquals(PushOutcome.Kind.DELIVERED, one.outcome().kind());
        assertEquals(1, one.delivery().attempt());
        assertEquals(1, count(PushCounts.SENT));
    }

    @Test
    void retriesStopAtMaxAttemptsAndEndAsAFailure() throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        queue(
                        1,
                        10,
                        3,
                        (m, a) -> {
                            attempts.incrementAndGet();
                            return PushOutcome.retry("no answer");
                        })
                .offer(message("c2", 60), ADDRESS);
        Ended one = next();
        assertEquals(3, one.delivery().attempt());
        assertEquals(3, attempts.get());
        assertEquals(1, count(PushCounts.FAILED));
        assertEquals(2, meters.find(PushCounts.RETRIES_METER).counter().count());
    }

    @Test
    void aRetryThatWouldComeAfterTheChallengeEndsIsNotMade() throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        queue(
                        1,
                        10,
                        5,
                        (m, a) -> {
                            attempts.incrementAndGet();
                            return PushOutcome.retryAfter(120, "busy");
                        })
                .offer(message("c3", 30), ADDRESS);
        assertEquals(1, next().delivery().attempt());
        assertEquals(1, attempts.get(), "a Retry-After past the challenge's end is not waited for");
    }

    @Test
    void nothingIsSentForAChallengeThatHasEnded() throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        queue(
                        1,
                        10,
                        3,
                        (m, a) -> {
                            attempts.incrementAndGet();
                            return PushOutcome.delivered();
                        })
                .offer(message("c4", -1), ADDRESS);
        Ended one = next();
        assertEquals(PushOutcome.Kind.FAILED, one.outcome().kind());
        assertTrue(one.outcome().error().contains("ended"), one.outcome().error());
        assertEquals(0, attempts.get());
    }

    @Test
    void aFullQueueDropsTheNotificationAndSaysSo() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        PushQueue full =
                queue(
                        1,
                        1,
                        1,
                        (m, a) -> {
                            started.countDown();
                            await(release);
                            return PushOutcome.delivered();
                        });
        full.offer(message("in-flight", 60), ADDRESS);
        assertTrue(started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        full.offer(message("waiting", 60), ADDRESS);
        long before = System.nanoTime();
        full.offer(message("dropped", 60), ADDRESS);
        assertTrue(
                System.nanoTime() - before < TimeUnit.SECONDS.toNanos(1),
                "offering never waits for the sender");
        Ended dropped = next();
        assertEquals("dropped", dropped.delivery().message().challengeId());
        assertTrue(
                dropped.outcome().error().contains("queue-capacity=1"), dropped.outcome().error());
        assertEquals(1, count(PushCounts.DROPPED));
        release.countDown();
        List<String> rest = new ArrayList<>(List.of(next().delivery().message().challengeId()));
        rest.add(next().delivery().message().challengeId());
        assertEquals(List.of("in-flight", "waiting"), rest);
    }

    @Test
    void noMoreThanMaxConcurrentSendsAreInFlight() throws InterruptedException {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        PushQueue two =
                queue(
                        2,
                        100,
                        1,
                        (m, a) -> {
                            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                            sleep(20);
                            inFlight.decrementAndGet();
                            return PushOutcome.delivered();
                        });
        for (int i = 0; i < 12; i++) {
            two.offer(message("c" + i, 60), ADDRESS);
        }
        for (int i = 0; i < 12; i++) {
            next();
        }
        assertEquals(2, most.get());
    }

    @Test
    void aSenderThatThrowsEndsAsAFailureWithoutItsMessage() throws InterruptedException {
        queue(
                        1,
                        10,
                        3,
                        (m, a) -> {
                            throw new IllegalStateException("token=secret");
                        })
                .offer(message("c5", 60), ADDRESS);
        Ended one = next();
        assertEquals(PushOutcome.Kind.FAILED, one.outcome().kind());
        assertTrue(!one.outcome().error().contains("secret"), one.outcome().error());
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
