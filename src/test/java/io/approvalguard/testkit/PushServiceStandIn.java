package io.approvalguard.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.keycloak.util.JsonSerialization;

/**
 * A Web Push service for tests (RFC 8030): the JDK's HTTP server on 127.0.0.1. It hands out
 * subscriptions whose private keys it keeps, and for each push checks VAPID (RFC 8292: signature
 * with {@code k}, {@code aud} its own origin, {@code exp} ahead and within 24 h, {@code sub}) and
 * decrypts the body (RFC 8291), recording what it found. Answers: 404 for an unknown subscription,
 * 410 for a removed one, 403 when VAPID does not hold or names another key than the subscription's,
 * 400 when the body does not decrypt; otherwise as scripted, 201 by default.
 *
 * <pre>{@code
 * try (PushServiceStandIn push = new PushServiceStandIn(8097).start()) {
 *     PushServiceStandIn.Subscription s = push.newSubscription();   // endpoint, p256dh, auth
 *     // ... the server sends ...
 *     PushServiceStandIn.Push got = push.awaitCount(1, Duration.ofSeconds(10)).get(0);
 *     assertNull(got.problem()); assertEquals(expected, got.plaintextText());
 * }
 * }</pre>
 */
public final class PushServiceStandIn implements AutoCloseable {

    /**
     * What a browser's {@code PushSubscription.toJSON()} gives, base64url; {@code
     * applicationServerKey} null: any VAPID key is accepted.
     */
    public record Subscription(
            String id, String endpoint, String p256dh, String auth, String applicationServerKey) {

        /** The device API's registration body: {@code {"subscription":{...}}}. */
        public Map<String, Object> registration() {
            return Map.of(
                    "subscription",
                    Map.of("endpoint", endpoint, "keys", Map.of("p256dh", p256dh, "auth", auth)));
        }
    }

    /**
     * One push as received. {@code problem} is null when VAPID held and the body decrypted, else
     * what was wrong; {@code plaintext} is null when it did not decrypt.
     */
    public record Push(
            String subscriptionId,
            Map<String, List<String>> headers,
            byte[] body,
            byte[] plaintext,
            Map<String, Object> vapidClaims,
            String problem,
            Instant receivedAt,
            int answeredStatus) {

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String plaintextText() {
            return plaintext == null ? null : new String(plaintext, StandardCharsets.UTF_8);
        }
    }

    private record Keys(KeyPair pair, byte[] auth, Subscription subscription) {}

    private record Script(int status, String retryAfter, boolean answer) {}

    private static final Script CREATED = new Script(201, null, true);
    private static final Pattern VAPID =
            Pattern.compile("vapid\\s+t=([A-Za-z0-9_.-]+)\\s*,\\s*k=([A-Za-z0-9_-]+)");

    private final Object lock = new Object();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Keys> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Boolean> removed = new ConcurrentHashMap<>();
    private final List<Push> pushes = new ArrayList<>();
    private final Deque<Script> next = new ArrayDeque<>();
    private Script script = CREATED;
    private final int port;
    private LoopbackHttp http;
    private CountDownLatch released = new CountDownLatch(0);

    /**
     * @param port where it listens; must be free
     */
    public PushServiceStandIn(int port) {
        this.port = port;
    }

    public PushServiceStandIn start() {
        synchronized (lock) {
            if (http != null) {
                return this;
            }
            http =
                    LoopbackHttp.listen(
                            port,
                            "the test Web Push service stand-in",
                            "another test run's push service stand-in",
                            "push-service-stand-in",
                            Map.of("/", this::handle));
            released = http.released();
            return this;
        }
    }

    /** Closes the port; pushes held by {@link #neverAnswer()} end unanswered. */
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

    /**
     * {@code http://127.0.0.1:<port>}: what {@code allowed-endpoints} must hold, and VAPID's aud.
     */
    public String origin() {
        return "http://" + Ports.HOST + ":" + port;
    }

    /** A subscription that accepts any VAPID key. */
    public Subscription newSubscription() {
        return newSubscription(null);
    }

    /**
     * A subscription made for this application server key (a browser's {@code
     * applicationServerKey}): pushes signed with another key are answered 403, as a real service
     * does after the server's key changed.
     */
    public Subscription newSubscription(String applicationServerKey) {
        KeyPair pair = WebPushDecryption.newKeyPair();
        byte[] auth = new byte[16];
        random.nextBytes(auth);
        String id = UUID.randomUUID().toString();
        Subscription subscription =
                new Subscription(
                        id,
                        origin() + "/push/" + id,
                        WebPushDecryption.b64(WebPushDecryption.point(pair.getPublic())),
                        WebPushDecryption.b64(auth),
                        applicationServerKey);
        subscriptions.put(id, new Keys(pair, auth, subscription));
        return subscription;
    }

    /** The user left: further pushes to it are answered 410 Gone. */
    public void unsubscribe(Subscription subscription) {
        subscriptions.remove(subscription.id());
        removed.put(subscription.id(), true);
    }

    /** Answers every valid push from now on with this status (and Retry-After unless null). */
    public void respondWith(int status, String retryAfterOrNull) {
        synchronized (lock) {
            script = new Script(status, retryAfterOrNull, true);
        }
    }

    /** Answers the next valid push like this, then as before. */
    public void respondNext(int status, String retryAfterOrNull) {
        synchronized (lock) {
            next.add(new Script(status, retryAfterOrNull, true));
        }
    }

    /** Reads each push and never answers it (until {@link #stop()}). */
    public void neverAnswer() {
        synchronized (lock) {
            script = new Script(0, null, false);
        }
    }

    /** Back to 201 for every valid push; recorded pushes stay. */
    public void reset() {
        synchronized (lock) {
            script = CREATED;
            next.clear();
        }
    }

    public List<Push> pushes() {
        synchronized (lock) {
            return List.copyOf(pushes);
        }
    }

    /** Waits until at least {@code count} pushes arrived; returns all recorded. */
    public List<Push> awaitCount(int count, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (pushes.size() < count) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(
                            "expected "
                                    + count
                                    + " push(es) within "
                                    + timeout
                                    + ", got "
                                    + pushes.size());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            return List.copyOf(pushes);
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
            exchange.getRequestHeaders().forEach((n, v) -> headers.put(n, List.copyOf(v)));
            String path = exchange.getRequestURI().getPath();
            String id = path.startsWith("/push/") ? path.substring("/push/".length()) : "";
            Keys keys = subscriptions.get(id);

            Map<String, Object> claims = null;
            byte[] plaintext = null;
            String problem;
            Script answer;
            if (keys == null) {
                problem = "unknown subscription";
                answer = new Script(removed.containsKey(id) ? 410 : 404, null, true);
            } else {
                VapidCheck vapid = checkVapid(first(headers, "Authorization"), keys);
                claims = vapid.claims();
                problem = vapid.problem();
                if (problem == null) {
                    problem = checkHeaders(headers, exchange.getRequestMethod());
                }
                try {
                    plaintext =
                            WebPushDecryption.decrypt(
                                    body,
                                    keys.pair().getPrivate(),
                                    WebPushDecryption.point(keys.pair().getPublic()),
                                    keys.auth());
                } catch (WebPushDecryption.NotDecryptable e) {
                    problem = problem == null ? "body " + e.getMessage() : problem;
                }
                if (vapid.problem() != null) {
                    answer = new Script(403, null, true);
                } else if (problem != null) {
                    answer = new Script(400, null, true);
                } else {
                    synchronized (lock) {
                        answer = next.isEmpty() ? script : next.poll();
                    }
                }
            }
            CountDownLatch held;
            synchronized (lock) {
                held = released;
                pushes.add(
                        new Push(
                                id,
                                Collections.unmodifiableMap(headers),
                                body,
                                plaintext,
                                claims,
                                problem,
                                arrived,
                                answer.answer() ? answer.status() : -1));
                lock.notifyAll();
            }
            if (!answer.answer()) {
                awaitQuietly(held);
                return;
            }
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
            }
            if (answer.status() == 201) {
                exchange.getResponseHeaders()
                        .set("Location", origin() + "/message/" + UUID.randomUUID());
            }
            exchange.sendResponseHeaders(answer.status(), -1);
        } catch (IOException e) {
            // the sender's deadline aborted it, or the stand-in stopped
        }
    }

    private record VapidCheck(Map<String, Object> claims, String problem) {}

    private VapidCheck checkVapid(String authorization, Keys keys) {
        if (authorization == null) {
            return new VapidCheck(null, "no Authorization header");
        }
        Matcher m = VAPID.matcher(authorization.trim());
        if (!m.matches()) {
            return new VapidCheck(null, "Authorization is not 'vapid t=<jwt>, k=<key>'");
        }
        String[] parts = m.group(1).split("\\.");
        String k = m.group(2);
        if (parts.length != 3) {
            return new VapidCheck(null, "t is not a JWS compact serialization");
        }
        try {
            Map<?, ?> header =
                    JsonSerialization.readValue(WebPushDecryption.b64(parts[0]), Map.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> claims =
                    JsonSerialization.readValue(WebPushDecryption.b64(parts[1]), Map.class);
            if (!"ES256".equals(header.get("alg"))) {
                return new VapidCheck(claims, "alg is not ES256");
            }
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(WebPushDecryption.publicKey(WebPushDecryption.b64(k)));
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(WebPushDecryption.b64(parts[2]))) {
                return new VapidCheck(claims, "signature does not verify with k");
            }
            String expected = keys.subscription().applicationServerKey();
            if (expected != null && !expected.equals(k)) {
                return new VapidCheck(claims, "k is not the key the subscription was made for");
            }
            if (!origin().equals(claims.get("aud"))) {
                return new VapidCheck(claims, "aud is not " + origin());
            }
            long now = Instant.now().getEpochSecond();
            if (!(claims.get("exp") instanceof Number exp)
                    || exp.longValue() <= now
                    || exp.longValue() > now + 86_400) {
                return new VapidCheck(claims, "exp is not within the next 24 hours");
            }
            if (!(claims.get("sub") instanceof String sub) || sub.isBlank()) {
                return new VapidCheck(claims, "no sub");
            }
            return new VapidCheck(claims, null);
        } catch (Exception e) {
            return new VapidCheck(null, "VAPID unreadable: " + e.getClass().getSimpleName());
        }
    }

    private static String checkHeaders(Map<String, List<String>> headers, String method) {
        if (!"POST".equals(method)) {
            return "method " + method + ", not POST";
        }
        if (!"aes128gcm".equals(first(headers, "Content-Encoding"))) {
            return "Content-Encoding is not aes128gcm";
        }
        String ttl = first(headers, "TTL");
        if (ttl == null || !ttl.matches("\\d+")) {
            return "no TTL";
        }
        return null;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.HOURS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
