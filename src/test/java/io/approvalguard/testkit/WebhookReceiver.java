package io.approvalguard.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A webhook endpoint for tests: the JDK's HTTP server on 127.0.0.1, recording every request
 * (headers, raw body, arrival time) and answering as scripted, 200 by default.
 *
 * <pre>{@code
 * try (WebhookReceiver receiver = new WebhookReceiver(8099).start()) {
 *     // --spi-approval-guard-sink--webhook--url=receiver.url("/hook")
 *     receiver.respondNext(503, "1");                   // the first request fails, then 200 again
 *     Map<String, WebhookReceiver.Delivery> got = receiver.awaitIds(Set.of(eventId), Duration.ofSeconds(20));
 *     Map<String, Object> cloudEvent = verifier.verify(got.get(eventId));
 * }
 * }</pre>
 *
 * {@link #stop()} really closes the port (a client gets "connection refused"), and {@link #start()}
 * opens it again on the same port, keeping what was recorded. Thread-safe.
 */
public final class WebhookReceiver implements AutoCloseable {

    /**
     * One recorded request. {@code headers} are looked up in any case; {@code body} is the raw
     * bytes.
     */
    public record Delivery(
            String method,
            String path,
            Map<String, List<String>> headers,
            byte[] body,
            Instant receivedAt,
            int answeredStatus) {

        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** The {@code webhook-id} header. */
        public String id() {
            return header("webhook-id");
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private record Script(int status, Map<String, String> headers, Mode mode) {}

    private enum Mode {
        ANSWER,
        NEVER_ANSWER,
        TRICKLE_BODY
    }

    private static final Script OK = new Script(200, Map.of(), Mode.ANSWER);

    private final Object lock = new Object();
    private final List<Delivery> deliveries = new ArrayList<>();
    private final Deque<Script> next = new ArrayDeque<>();
    private Script script = OK;
    private int port;
    private LoopbackHttp http;
    private CountDownLatch released = new CountDownLatch(0);

    /**
     * @param port the port to listen on, 0 for any free one (see {@link #port()} after start)
     */
    public WebhookReceiver(int port) {
        this.port = port;
    }

    /** Listens (again); fails naming the port when something else holds it. */
    public WebhookReceiver start() {
        synchronized (lock) {
            if (http != null) {
                return this;
            }
            http =
                    LoopbackHttp.listen(
                            port,
                            "the test webhook receiver",
                            "another test run's webhook receiver",
                            "webhook-receiver",
                            Map.of("/", this::handle));
            port = http.port();
            released = http.released();
            return this;
        }
    }

    /**
     * Closes the port and every open connection; requests held by {@link #neverAnswer()} end
     * unanswered.
     */
    public void stop() {
        LoopbackHttp stopping;
        synchronized (lock) {
            stopping = http;
            http = null;
        }
        if (stopping != null) {
            stopping.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        synchronized (lock) {
            return port;
        }
    }

    /** {@code http://127.0.0.1:<port><pathAndQuery>} */
    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + port() + pathAndQuery;
    }

    /** Answers every request from now on with this status (and {@code Retry-After} unless null). */
    public void respondWith(int status, String retryAfterOrNull) {
        respondWithHeaders(
                status,
                retryAfterOrNull == null ? Map.of() : Map.of("Retry-After", retryAfterOrNull));
    }

    /** Answers every request from now on with this status and these headers. */
    public void respondWithHeaders(int status, Map<String, String> headers) {
        synchronized (lock) {
            script = new Script(status, Map.copyOf(headers), Mode.ANSWER);
        }
    }

    /** Answers the next request (after any queued before) like this, then as before. */
    public void respondNext(int status, String retryAfterOrNull) {
        synchronized (lock) {
            next.add(
                    new Script(
                            status,
                            retryAfterOrNull == null
                                    ? Map.of()
                                    : Map.of("Retry-After", retryAfterOrNull),
                            Mode.ANSWER));
        }
    }

    /** Reads each request and then holds it without answering until {@link #stop()}. */
    public void neverAnswer() {
        synchronized (lock) {
            script = new Script(0, Map.of(), Mode.NEVER_ANSWER);
        }
    }

    /**
     * Answers 200 and then sends the body one byte every 100 ms, without end, until the client
     * leaves.
     */
    public void trickleBody() {
        synchronized (lock) {
            script = new Script(200, Map.of(), Mode.TRICKLE_BODY);
        }
    }

    /** Back to answering 200 right away; queued answers are dropped. Recorded deliveries stay. */
    public void reset() {
        synchronized (lock) {
            script = OK;
            next.clear();
        }
    }

    /** Everything recorded so far, in arrival order. */
    public List<Delivery> deliveries() {
        synchronized (lock) {
            return List.copyOf(deliveries);
        }
    }

    public void clear() {
        synchronized (lock) {
            deliveries.clear();
        }
    }

    /**
     * Waits until a request with each of these {@code webhook-id}s has arrived.
     *
     * @return the first delivery of each id
     * @throws AssertionError naming the missing ids when the time is up
     */
    public Map<String, Delivery> awaitIds(Set<String> ids, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                Map<String, Delivery> found = new LinkedHashMap<>();
                for (Delivery delivery : deliveries) {
                    if (ids.contains(delivery.id())) {
                        found.putIfAbsent(delivery.id(), delivery);
                    }
                }
                if (found.size() == ids.size()) {
                    return found;
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    Set<String> missing = new TreeSet<>(ids);
                    missing.removeAll(found.keySet());
                    throw new AssertionError(
                            "no webhook delivery within "
                                    + timeout
                                    + " for ids "
                                    + missing
                                    + " ("
                                    + deliveries.size()
                                    + " request(s) recorded)");
                }
                waitOn(left);
            }
        }
    }

    /** Waits until at least {@code count} requests have arrived; returns all recorded. */
    public List<Delivery> awaitCount(int count, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (deliveries.size() < count) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(
                            "expected "
                                    + count
                                    + " webhook request(s) within "
                                    + timeout
                                    + ", got "
                                    + deliveries.size());
                }
                waitOn(left);
            }
            return List.copyOf(deliveries);
        }
    }

    private void waitOn(long nanos) {
        try {
            TimeUnit.NANOSECONDS.timedWait(lock, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Instant arrived = Instant.now();
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name, List.copyOf(values)));
            Script answer;
            CountDownLatch held;
            synchronized (lock) {
                answer = next.isEmpty() ? script : next.poll();
                held = released;
                deliveries.add(
                        new Delivery(
                                exchange.getRequestMethod(),
                                exchange.getRequestURI().toString(),
                                Collections.unmodifiableMap(headers),
                                body,
                                arrived,
                                answer.status()));
                lock.notifyAll();
            }
            switch (answer.mode()) {
                case NEVER_ANSWER -> awaitQuietly(held, Duration.ofHours(1));
                case TRICKLE_BODY -> {
                    exchange.sendResponseHeaders(200, 0);
                    OutputStream out = exchange.getResponseBody();
                    while (!awaitQuietly(held, Duration.ofMillis(100))) {
                        out.write('.');
                        out.flush();
                    }
                }
                case ANSWER -> {
                    answer.headers()
                            .forEach(
                                    (name, value) ->
                                            exchange.getResponseHeaders().set(name, value));
                    exchange.sendResponseHeaders(answer.status(), -1);
                }
            }
        } catch (IOException e) {
            // the client went away (a sink's deadline) or the receiver stopped
        }
    }

    /**
     * @return true once the latch is open (the receiver stopped)
     */
    private static boolean awaitQuietly(CountDownLatch latch, Duration time) {
        try {
            return latch.await(time.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
