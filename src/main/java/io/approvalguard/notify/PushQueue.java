package io.approvalguard.notify;

import io.approvalguard.device.PushAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * One push provider's sending on this node: at most {@code max-concurrent-sends} attempts at once,
 * at most {@code queue-capacity} waiting (beyond it a notification is dropped, never the caller
 * held), each attempt under the provider's hard deadline, and retries with doubling back-off that
 * honour Retry-After and stop when the challenge ends. Each notification ends as one outcome,
 * recorded by {@link PushRecords}: an event and a counter, and for a gone address its removal.
 */
public final class PushQueue implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PushQueue.class);

    private final String provider;
    private final PushQueueSettings settings;
    private final PushCounts counts;
    private final Sender sender;
    private final Recorder recorder;
    private final ThreadPoolExecutor senders;
    private final ScheduledThreadPoolExecutor timers;

    /** Makes one attempt. */
    interface Sender {
        PushOutcome send(PushMessage message, PushAddress address);
    }

    /** Records how a notification ended. */
    interface Recorder {
        void record(Delivery delivery, PushOutcome outcome);
    }

    /** One notification on its way, and how many attempts it has had. */
    record Delivery(PushMessage message, PushAddress address, int attempt) {
        Delivery next() {
            return new Delivery(message, address, attempt + 1);
        }
    }

    /**
     * Sends with the provider's {@link Notifier}, each attempt in a Keycloak session of its own.
     */
    public PushQueue(
            String provider,
            KeycloakSessionFactory sessions,
            PushQueueSettings settings,
            PushCounts counts) {
        this(
                provider,
                settings,
                counts,
                (message, address) -> sendInSession(sessions, provider, message, address),
                (delivery, outcome) -> PushRecords.record(sessions, provider, delivery, outcome));
    }

    PushQueue(
            String provider,
            PushQueueSettings settings,
            PushCounts counts,
            Sender sender,
            Recorder recorder) {
        this.provider = provider;
        this.settings = settings;
        this.counts = counts;
        this.sender = sender;
        this.recorder = recorder;
        AtomicInteger number = new AtomicInteger();
        this.senders =
                new ThreadPoolExecutor(
                        settings.maxConcurrentSends(),
                        settings.maxConcurrentSends(),
                        60,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(settings.queueCapacity()),
                        task ->
                                daemon(
                                        task,
                                        "approval-guard-push-"
                                                + provider
                                                + "-"
                                                + number.incrementAndGet()));
        senders.allowCoreThreadTimeOut(true);
        this.timers =
                new ScheduledThreadPoolExecutor(
                        1, task -> daemon(task, "approval-guard-push-" + provider + "-timer"));
        timers.setRemoveOnCancelPolicy(true);
    }

    public PushQueueSettings settings() {
        return settings;
    }

    /** Runs the timers that abort a request at its deadline (for {@code BoundedHttp}). */
    public ScheduledExecutorService timers() {
        return timers;
    }

    /** Queues the first attempt; never blocks. */
    public void offer(PushMessage message, PushAddress address) {
        submit(new Delivery(message, address, 1));
    }

    private void submit(Delivery delivery) {
        try {
            senders.execute(() -> attempt(delivery));
        } catch (RejectedExecutionException e) {
            PushOutcome dropped =
                    PushOutcome.failed(
                            senders.isShutdown()
                                    ? "not sent: the server is stopping"
                                    : "not sent: "
                                            + provider
                                            + "'s queue is full (queue-capacity="
                                            + settings.queueCapacity()
                                            + ")");
            counts.counted(provider, PushCounts.DROPPED);
            // recorded on the timer, never on the caller's thread (a login's after-commit)
            try {
                timers.execute(() -> recorder.record(delivery, dropped));
            } catch (RejectedExecutionException stopping) {
                LOG.warnf(
                        "Approval Guard: %s notification for challenge %s dropped: %s",
                        provider, delivery.message().challengeId(), dropped.error());
            }
        }
    }

    private void attempt(Delivery delivery) {
        PushMessage message = delivery.message();
        PushOutcome outcome =
                Time.currentTime() >= message.expiresAt()
                        ? PushOutcome.failed("not sent: the challenge ended first")
                        : sendOnce(delivery);
        if (outcome.kind() == PushOutcome.Kind.RETRY && retryLater(delivery, outcome)) {
            return;
        }
        counts.counted(provider, PushCounts.outcomeOf(outcome));
        recorder.record(delivery, outcome);
    }

    /** One attempt, in a session of its own whose realm is the challenge's. */
    private static PushOutcome sendInSession(
            KeycloakSessionFactory sessions,
            String provider,
            PushMessage message,
            PushAddress address) {
        return KeycloakModelUtils.runJobInTransactionWithResult(
                sessions,
                session -> {
                    RealmModel realm = session.realms().getRealm(message.realmId());
                    if (realm == null) {
                        return PushOutcome.failed("not sent: the realm no longer exists");
                    }
                    session.getContext().setRealm(realm);
                    return session.getProvider(Notifier.class, provider).send(message, address);
                });
    }

    private PushOutcome sendOnce(Delivery delivery) {
        try {
            return sender.send(delivery.message(), delivery.address());
        } catch (RuntimeException e) {
            LOG.debugf(e, "Approval Guard: the %s notifier failed", provider);
            return PushOutcome.failed(
                    "the " + provider + " notifier failed: " + e.getClass().getSimpleName());
        }
    }

    /** Schedules the next attempt when there is one to make before the challenge ends. */
    private boolean retryLater(Delivery delivery, PushOutcome outcome) {
        if (delivery.attempt() >= settings.maxAttempts()) {
            return false;
        }
        long delayMs =
                Math.max(
                        settings.backoffMillis(
                                delivery.attempt(), ThreadLocalRandom.current().nextDouble()),
                        outcome.retryAfterSeconds() * 1000);
        if (Time.currentTimeMillis() + delayMs >= delivery.message().expiresAt() * 1000L) {
            return false;
        }
        try {
            timers.schedule(() -> submit(delivery.next()), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            return false;
        }
        counts.retried(provider);
        LOG.debugf(
                "Approval Guard: %s notification for challenge %s, attempt %d: %s; again in %d ms",
                provider,
                delivery.message().challengeId(),
                delivery.attempt(),
                outcome.error(),
                delayMs);
        return true;
    }

    @Override
    public void close() {
        senders.shutdownNow();
        timers.shutdownNow();
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
