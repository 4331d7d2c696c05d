package io.approvalguard.waiting;

import io.approvalguard.support.http.ApiError;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The node's waiting machinery, one per node (held by the realm resource factory): the registry of
 * held requests, the cluster listener that wakes them, the gauge that shows them, and two threads
 * for answers that must read Keycloak state (each in a transaction of its own).
 */
public final class WaitingRequests {

    private static final Logger LOG = Logger.getLogger(WaitingRequests.class);
    static final String GAUGE = "approval_guard_waiters";
    private static final int ANSWER_THREADS = 2;
    private static final int TOO_MANY_REQUESTS = 429;
    private static final int RETRY_AFTER_SECONDS = 2;
    private static final String WAIT = "wait";

    private final Waiters waiters;
    private final ThreadPoolExecutor answering;
    private Meter gauge;
    private KeycloakSessionFactory sessionFactory;

    public WaitingRequests(WaitSettings settings) {
        this.waiters = new Waiters(settings);
        AtomicInteger count = new AtomicInteger();
        this.answering =
                new ThreadPoolExecutor(
                        ANSWER_THREADS,
                        ANSWER_THREADS,
                        60,
                        TimeUnit.SECONDS,
                        new ArrayBlockingQueue<>(Math.max(1, settings.maxWaiters())),
                        runnable -> {
                            Thread thread =
                                    new Thread(
                                            runnable,
                                            "approval-guard-wait-" + count.incrementAndGet());
                            thread.setDaemon(true);
                            return thread;
                        });
    }

    public Waiters waiters() {
        return waiters;
    }

    public WaitSettings settings() {
        return waiters.settings();
    }

    /**
     * How long to hold a request that asked {@code ?wait=<seconds>}: 0 (answer at once) when it did
     * not ask or waiting is off, else within the node's bound. A {@code wait} without a number
     * ({@code ?wait=} or {@code ?wait}) is refused like any other bad value.
     */
    public int holdSeconds(String rawWait) {
        if (rawWait == null) {
            return 0;
        }
        if (rawWait.isEmpty()
                || rawWait.length() > 4
                || !rawWait.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiError.invalidRequest("wait must be a whole number of seconds from 0 to 9999");
        }
        return settings().holdSeconds(Integer.parseInt(rawWait));
    }

    /**
     * {@link #holdSeconds(String)} for the {@code wait} in the request's own query. JAX-RS hands an
     * empty {@code ?wait=} to a {@code @QueryParam} as if it were absent, so the raw query is read
     * here; {@code wait} given twice is refused too.
     */
    public int holdSecondsOf(URI requestUri) {
        String rawQuery = requestUri.getRawQuery();
        String wait = null;
        for (String parameter : rawQuery == null ? new String[0] : rawQuery.split("&")) {
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            if (!WAIT.equals(decode(name))) {
                continue;
            }
            if (wait != null) {
                throw ApiError.invalidRequest("give wait once");
            }
            wait = equals < 0 ? "" : decode(parameter.substring(equals + 1));
        }
        return holdSeconds(wait);
    }

    private static String decode(String queryPart) {
        try {
            return URLDecoder.decode(queryPart, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidRequest("the query is not percent-encoded correctly");
        }
    }

    /**
     * Holds {@code waiter} for {@code seconds}; null when held, else the "retry later" answer.
     * Admit before reading the state waited on, so that a change in between is not missed.
     */
    public Response hold(Waiter<Response> waiter, int seconds) {
        Waiters.Refusal refusal = waiters.admit(waiter, seconds);
        if (refusal == null) {
            return null;
        }
        String description =
                refusal == Waiters.Refusal.NODE_FULL
                        ? "this server holds as many waiting requests as it may; ask again shortly"
                        : "this browser or device already has as many waiting requests as it may; ask again shortly";
        return Response.fromResponse(
                        new ApiError(TOO_MANY_REQUESTS, "too_many_waiters", description)
                                .toResponse())
                .header("Retry-After", RETRY_AFTER_SECONDS)
                .build();
    }

    /** Listens for wakes from every node and shows the number of held requests as a metric. */
    public void start(KeycloakSessionFactory factory) {
        this.sessionFactory = factory;
        KeycloakModelUtils.runJobInTransaction(
                factory,
                session ->
                        session.getProvider(ClusterProvider.class)
                                .registerListener(
                                        Wakes.TASK_KEY,
                                        event -> {
                                            if (event instanceof WakeEvent wake) {
                                                waiters.wake(wake);
                                            }
                                        }));
        gauge =
                Gauge.builder(GAUGE, waiters, Waiters::size)
                        .description(
                                "Sign-in pages and devices Approval Guard holds open on this node, waiting for a decision")
                        .register(Metrics.globalRegistry);
    }

    /**
     * Answers {@code waiter} with what {@code work} computes in a new session and transaction, off
     * the thread that delivered the wake. When the node is too busy, the waiter answers "still
     * pending" and its client asks again.
     */
    public void answerInTransaction(
            Waiter<Response> waiter, Function<KeycloakSession, Response> work) {
        try {
            answering.execute(
                    () -> {
                        Response answer;
                        try {
                            answer =
                                    KeycloakModelUtils.runJobInTransactionWithResult(
                                            sessionFactory, work::apply);
                        } catch (RuntimeException e) {
                            LOG.warnf(
                                    "Approval Guard: answering a woken request failed: %s",
                                    e.toString());
                            waiter.answerPending();
                            return;
                        }
                        waiter.answer(answer);
                    });
        } catch (RejectedExecutionException e) {
            waiter.answerPending();
        }
    }

    public void stop() {
        waiters.releaseAll();
        answering.shutdownNow();
        if (gauge != null) {
            Metrics.globalRegistry.remove(gauge);
        }
    }
}
