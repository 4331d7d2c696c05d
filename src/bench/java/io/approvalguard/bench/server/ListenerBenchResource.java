package io.approvalguard.bench.server;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.persistence.EntityManager;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.util.JsonSerialization;

/**
 * BENCHMARK ONLY: {@code POST /realms/{realm}/approval-guard-bench/listener}. Measures, inside the
 * server, what the {@code approval-guard} event listener adds to the transaction of a login.
 *
 * <p>Each round runs three transactions, in a shuffled order, each with
 * {@link KeycloakModelUtils#runJobInTransaction} (a new session, begin, the work, commit, close),
 * timed from before the session is created to after it is closed:
 * <ul>
 *   <li>{@code empty}: nothing: the floor of a transaction;</li>
 *   <li>{@code login}: what a login writes: look the user and the client up, create the user
 *       session and the client session (persistent, so written to the database at commit);</li>
 *   <li>{@code login+listener}: the same, then a {@code LOGIN} event built as Keycloak's
 *       {@code EventBuilder} builds it, passed to the listener exactly as {@code EventBuilder.success()}
 *       does for a login: in the request's session and transaction. The listener writes one outbox
 *       row per active sink; the rows are flushed and committed with the login's own writes.</li>
 * </ul>
 * The added latency is {@code login+listener} minus {@code login}. The time spent inside
 * {@code onEvent} (building the CloudEvent, {@code persist}, before the flush) is reported too.
 * Rounds cycle over the realm's first {@code users} users (created by the benchmark script).
 * The first {@code warmup} rounds are discarded.
 *
 * <p>Unauthenticated, so it only answers loopback callers. Blocks the calling worker thread for the
 * whole run.
 */
public final class ListenerBenchResource {

    static final String LISTENER = "approval-guard";
    private static final int MAX_ROUNDS = 200_000;
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String[] VARIANTS = {"empty", "login", "login+listener"};

    private final KeycloakSession session;

    ListenerBenchResource(KeycloakSession session) {
        this.session = session;
    }

    private record BenchUser(String id, String username) {
    }

    @POST
    @Path("listener")
    @Produces(MediaType.APPLICATION_JSON)
    public Response listener(@QueryParam("n") Integer n, @QueryParam("warmup") Integer warmup,
            @QueryParam("users") Integer users, @QueryParam("client") String clientId) throws IOException {
        if (!fromLoopback()) {
            return error(Response.Status.FORBIDDEN, "only loopback callers may run the benchmark");
        }
        int rounds = n == null ? 5_000 : n;
        int warmupRounds = warmup == null ? 2_000 : warmup;
        int userCount = users == null ? 50 : users;
        if (rounds < 100 || warmupRounds < 0 || rounds + warmupRounds > MAX_ROUNDS || userCount < 1 || userCount > 10_000) {
            return error(Response.Status.BAD_REQUEST, "need 100 <= n, 0 <= warmup, n + warmup <= " + MAX_ROUNDS
                    + ", 1 <= users <= 10000");
        }
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        if (factory.getProviderFactory(EventListenerProvider.class, LISTENER) == null) {
            return error(Response.Status.CONFLICT, "the " + LISTENER + " event listener is not deployed");
        }
        RealmModel realm = session.getContext().getRealm();
        ClientModel client = realm.getClientByClientId(clientId == null ? "bench-app" : clientId);
        if (client == null) {
            return error(Response.Status.BAD_REQUEST, "no client " + clientId + " in realm " + realm.getName());
        }
        List<BenchUser> benchUsers = session.users()
                .searchForUserStream(realm, Map.of(UserModel.SEARCH, "*"), 0, userCount)
                .map(u -> new BenchUser(u.getId(), u.getUsername())).toList();
        if (benchUsers.isEmpty()) {
            return error(Response.Status.BAD_REQUEST, "realm " + realm.getName() + " has no users");
        }
        KeycloakContext context = session.getContext();
        String realmId = realm.getId();
        String realmName = realm.getName();
        String clientUuid = client.getId();
        String clientName = client.getClientId();

        long rowsBefore = outboxRows(factory, realmId);
        long[][] nanos = new long[VARIANTS.length][rounds];
        long[] onEvent = new long[rounds];
        long[] onEventNow = new long[1];
        int[] order = {0, 1, 2};
        Random shuffle = new Random(20260522L);
        long gcCountBefore = 0;
        long gcMillisBefore = 0;
        long started = 0;
        for (int r = 0; r < warmupRounds + rounds; r++) {
            if (r == warmupRounds) {
                gcCountBefore = gcCount();
                gcMillisBefore = gcMillis();
                started = System.nanoTime();
            }
            BenchUser user = benchUsers.get(r % benchUsers.size());
            String ip = "10.1." + (r >> 8 & 0xff) + "." + (r & 0xff);
            for (int i = order.length - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int variant : order) {
                long start = System.nanoTime();
                KeycloakModelUtils.runJobInTransaction(factory, context, s -> {
                    if (variant == 0) {
                        return;
                    }
                    RealmModel rm = s.getContext().getRealm() != null ? s.getContext().getRealm() : s.realms().getRealm(realmId);
                    UserModel um = s.users().getUserById(rm, user.id());
                    ClientModel cm = s.clients().getClientById(rm, clientUuid);
                    UserSessionModel userSession = s.sessions().createUserSession(rm, um, user.username(), ip,
                            "openid-connect", false, null, null);
                    s.sessions().createClientSession(rm, cm, userSession);
                    if (variant == 2) {
                        Event event = loginEvent(realmId, realmName, clientName, user, userSession.getId(), ip);
                        long t = System.nanoTime();
                        s.getProvider(EventListenerProvider.class, LISTENER).onEvent(event);
                        onEventNow[0] = System.nanoTime() - t;
                    }
                });
                long elapsed = System.nanoTime() - start;
                if (r >= warmupRounds) {
                    nanos[variant][r - warmupRounds] = elapsed;
                    if (variant == 2) {
                        onEvent[r - warmupRounds] = onEventNow[0];
                    }
                }
            }
        }
        long wallNanos = System.nanoTime() - started;
        long gcCount = gcCount() - gcCountBefore;
        long gcMillis = gcMillis() - gcMillisBefore;
        long rowsAfter = outboxRows(factory, realmId);

        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("rounds", rounds);
        config.put("warmupRounds", warmupRounds);
        config.put("users", benchUsers.size());
        config.put("realm", realmName);
        config.put("client", clientName);
        config.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        config.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        config.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());
        config.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        result.put("config", config);

        Map<String, Object> variants = new LinkedHashMap<>();
        for (int v = 0; v < VARIANTS.length; v++) {
            variants.put(VARIANTS[v], stats(nanos[v]));
        }
        variants.put("onEvent", stats(onEvent));
        result.put("micros", variants);

        long[] paired = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            paired[i] = nanos[2][i] - nanos[1][i];
        }
        Map<String, Object> added = new LinkedHashMap<>();
        double meanDiff = mean(nanos[2]) - mean(nanos[1]);
        double se = Math.sqrt(variance(nanos[2]) / rounds + variance(nanos[1]) / rounds);
        added.put("meanMicros", micros(meanDiff));
        added.put("meanCi95Micros", micros(1.96 * se));
        Map<String, Object> percentileDifferences = new LinkedHashMap<>();
        long[] withListener = sorted(nanos[2]);
        long[] without = sorted(nanos[1]);
        for (double p : new double[] {50, 90, 99, 99.9}) {
            percentileDifferences.put("p" + label(p), micros(percentile(withListener, p) - percentile(without, p)));
        }
        added.put("percentileDifferencesMicros", percentileDifferences);
        added.put("pairedDifferenceMicros", stats(paired));
        result.put("added", added);

        Map<String, Object> run = new LinkedHashMap<>();
        run.put("measuredSeconds", Math.round(wallNanos / 1e7) / 100.0);
        run.put("gcDuringMeasurement", Map.of("collections", gcCount, "millis", gcMillis));
        run.put("outboxRowsWritten", rowsAfter - rowsBefore);
        run.put("outboxRowsExpected", (long) (rounds + warmupRounds) * io.approvalguard.stream.StreamEventListenerFactory
                .outbox(session).sinkIds().size());
        run.put("activeSinks", io.approvalguard.stream.StreamEventListenerFactory.outbox(session).sinkIds());
        run.put("outboxByStatus", outboxByStatus(factory, realmId));
        run.put("sampleSource", sampleSource(factory, realmId));
        result.put("run", run);
        return Response.ok(JsonSerialization.writeValueAsString(result), MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store").build();
    }

    /** A LOGIN event as {@code EventBuilder} builds it at the end of a browser login with the code flow. */
    private static Event loginEvent(String realmId, String realmName, String clientId, BenchUser user, String sessionId,
            String ip) {
        Event event = new Event();
        event.setId(UUID.randomUUID().toString());
        event.setTime(Time.currentTimeMillis());
        event.setType(EventType.LOGIN);
        event.setRealmId(realmId);
        event.setRealmName(realmName);
        event.setClientId(clientId);
        event.setUserId(user.id());
        event.setSessionId(sessionId);
        event.setIpAddress(ip);
        Map<String, String> details = new LinkedHashMap<>();
        details.put(Details.AUTH_METHOD, "openid-connect");
        details.put(Details.AUTH_TYPE, "code");
        details.put(Details.RESPONSE_TYPE, "code");
        details.put(Details.REDIRECT_URI, "http://127.0.0.1/bench/callback");
        details.put(Details.CONSENT, Details.CONSENT_VALUE_NO_CONSENT_REQUIRED);
        details.put(Details.CODE_ID, sessionId);
        details.put(Details.USERNAME, user.username());
        details.put("response_mode", "query");
        event.setDetails(details);
        return event;
    }

    private static long outboxRows(KeycloakSessionFactory factory, String realmId) {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> em(s)
                .createQuery("select count(o) from OutboxRecordEntity o where o.realmId = :realm", Long.class)
                .setParameter("realm", realmId).getSingleResult());
    }

    private static Map<String, Long> outboxByStatus(KeycloakSessionFactory factory, String realmId) {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (Object[] row : em(s).createQuery("select o.sinkId, o.status, count(o) from OutboxRecordEntity o"
                    + " where o.realmId = :realm group by o.sinkId, o.status order by o.sinkId, o.status", Object[].class)
                    .setParameter("realm", realmId).getResultList()) {
                counts.put(row[0] + "/" + row[1], (Long) row[2]);
            }
            return counts;
        });
    }

    /** The CloudEvents source of a record written by the run: the realm's URL when the listener saw the request. */
    private static String sampleSource(KeycloakSessionFactory factory, String realmId) {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            List<String> payloads = em(s).createQuery("select o.payload from OutboxRecordEntity o where o.realmId = :realm",
                    String.class).setParameter("realm", realmId).setMaxResults(1).getResultList();
            if (payloads.isEmpty()) {
                return null;
            }
            try {
                return String.valueOf(JsonSerialization.readValue(payloads.get(0), Map.class).get("source"));
            } catch (IOException e) {
                return "unreadable: " + e.getMessage();
            }
        });
    }

    private static EntityManager em(KeycloakSession s) {
        return s.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    private static Map<String, Object> stats(long[] nanos) {
        long[] sorted = sorted(nanos);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("mean", micros(mean(nanos)));
        stats.put("p50", micros(percentile(sorted, 50)));
        stats.put("p90", micros(percentile(sorted, 90)));
        stats.put("p99", micros(percentile(sorted, 99)));
        stats.put("p99.9", micros(percentile(sorted, 99.9)));
        stats.put("max", micros(sorted[sorted.length - 1]));
        return stats;
    }

    private static long[] sorted(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    /** Nearest-rank percentile of sorted values. */
    private static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double mean(long[] values) {
        double sum = 0;
        for (long v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double variance(long[] values) {
        double mean = mean(values);
        double sum = 0;
        for (long v : values) {
            sum += (v - mean) * (v - mean);
        }
        return sum / (values.length - 1);
    }

    private static double micros(double nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }

    private static String label(double p) {
        return p == Math.rint(p) ? Integer.toString((int) p) : Double.toString(p);
    }

    private static long gcCount() {
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }

    private static long gcMillis() {
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, gc.getCollectionTime());
        }
        return millis;
    }

    private boolean fromLoopback() {
        String address = session.getContext().getConnection().getRemoteAddr();
        if (address == null || !(IPV4_LITERAL.matcher(address).matches() || address.contains(":"))) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static Response error(Response.Status status, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", status.getReasonPhrase());
        body.put("error_description", description);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
