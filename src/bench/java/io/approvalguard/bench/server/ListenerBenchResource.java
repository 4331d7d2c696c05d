package io.approvalguard.bench.server;

import io.approvalguard.stream.CloudEvents;
import io.approvalguard.stream.StreamEventListenerFactory;
import io.approvalguard.stream.sink.StreamEvent;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.util.JsonSerialization;
import org.keycloak.utils.KeycloakSessionUtil;

/**
 * BENCHMARK ONLY: {@code POST /realms/{realm}/approval-guard-bench/listener}. Measures, inside the
 * server, what the {@code approval-guard} event listener adds to the transaction of a login.
 *
 * <p>Each round runs five transactions, in a shuffled order, each as {@link
 * KeycloakModelUtils#runJobInTransaction} runs one (a new session, begin, the realm in the context,
 * the work, commit, close), timed from before the session is created to after it is closed, with
 * the commit also timed on its own:
 *
 * <ul>
 *   <li>{@code empty}: nothing: the floor of a transaction;
 *   <li>{@code listener}: only the listener's work for a {@code LOGIN} event: an upper bound, since
 *       this transaction opens the entity manager and writes to the database for the listener
 *       alone;
 *   <li>{@code login}: what a login writes: look the user and the client up, create the user
 *       session and the client session (persistent, so written to the database at commit);
 *   <li>{@code login+listener}: the same, then a {@code LOGIN} event built as Keycloak's {@code
 *       EventBuilder} builds it, passed to the listener as {@code EventBuilder.success()} does for
 *       a login: in the request's session and transaction. The listener writes one outbox row per
 *       active sink; the rows are flushed and committed with the login's own writes;
 *   <li>{@code listener steps}: what the listener does for that event, done step by step through
 *       the product's public API ({@code CloudEvents.source}, {@code CloudEvents.of}, opening the
 *       entity manager, {@code Outbox.append}), each step timed: where the listener's time goes.
 * </ul>
 *
 * The added latency is {@code login+listener} minus {@code login}; {@code listener} minus {@code
 * empty} bounds it from above. The time spent inside {@code onEvent} (building the CloudEvent,
 * {@code persist}, before the flush) is reported too. Rounds cycle over the realm's first {@code
 * users} users (created by the benchmark script); each round's user sessions are removed after it,
 * untimed, so the server stays in a steady state. The first {@code warmup} rounds are discarded.
 * Runs on the request's thread, so the listener sees the request as on a real login (its CloudEvent
 * source is the realm's URL).
 *
 * <p>Unauthenticated, so it only answers loopback callers. Blocks the calling worker thread for the
 * whole run, after committing the request's own transaction (see {@link #listener}).
 */
public final class ListenerBenchResource {

    static final String LISTENER = "approval-guard";
    private static final int MAX_ROUNDS = 200_000;
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String[] VARIANTS = {
        "empty", "listener", "login", "login+listener", "listener steps"
    };
    private static final int EMPTY = 0;
    private static final int LISTENER_ONLY = 1;
    private static final int LOGIN = 2;
    private static final int LOGIN_LISTENER = 3;
    private static final int LISTENER_STEPS = 4;

    private final KeycloakSession session;

    ListenerBenchResource(KeycloakSession session) {
        this.session = session;
    }

    private record BenchUser(String id, String username) {}

    /**
     * What a variant does inside its transaction; it puts the times of its steps into {@code
     * steps}.
     */
    private interface Work {
        void run(KeycloakSession s, long[] steps);
    }

    /**
     * Steps timed inside the work: the listener's {@code onEvent}, and the parts of the same work
     * done step by step.
     */
    private static final String[] STEPS = {
        "onEvent",
        "CloudEvents.source",
        "CloudEvents.of (JSON envelope)",
        "open the entity manager",
        "Outbox.append (persist, after-commit hook)"
    };

    @POST
    @Path("listener")
    @Produces(MediaType.APPLICATION_JSON)
    public Response listener(
            @QueryParam("n") Integer n,
            @QueryParam("warmup") Integer warmup,
            @QueryParam("users") Integer users,
            @QueryParam("client") String clientId)
            throws IOException {
        if (!fromLoopback()) {
            return error(Response.Status.FORBIDDEN, "only loopback callers may run the benchmark");
        }
        int rounds = n == null ? 5_000 : n;
        int warmupRounds = warmup == null ? 2_000 : warmup;
        int userCount = users == null ? 50 : users;
        if (rounds < 100
                || warmupRounds < 0
                || rounds + warmupRounds > MAX_ROUNDS
                || userCount < 1
                || userCount > 10_000) {
            return error(
                    Response.Status.BAD_REQUEST,
                    "need 100 <= n, 0 <= warmup, n + warmup <= "
                            + MAX_ROUNDS
                            + ", 1 <= users <= 10000");
        }
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        if (factory.getProviderFactory(EventListenerProvider.class, LISTENER) == null) {
            return error(
                    Response.Status.CONFLICT,
                    "the " + LISTENER + " event listener is not deployed");
        }
        RealmModel realm = session.getContext().getRealm();
        ClientModel client = realm.getClientByClientId(clientId == null ? "bench-app" : clientId);
        if (client == null) {
            return error(
                    Response.Status.BAD_REQUEST,
                    "no client " + clientId + " in realm " + realm.getName());
        }
        List<BenchUser> benchUsers =
                session.users()
                        .searchForUserStream(realm, Map.of(UserModel.SEARCH, "*"), 0, userCount)
                        .map(u -> new BenchUser(u.getId(), u.getUsername()))
                        .toList();
        if (benchUsers.isEmpty()) {
            return error(Response.Status.BAD_REQUEST, "realm " + realm.getName() + " has no users");
        }
        String realmId = realm.getId();
        String realmName = realm.getName();
        String clientUuid = client.getId();
        String clientName = client.getClientId();
        // End this request's own transaction now: a run can outlast the transaction timeout (300
        // s), and
        // no outer transaction is then suspended and resumed around each measured one (a login has
        // none).
        session.getTransactionManager().commit();

        long rowsBefore = outboxRows(factory, realmId);
        int variants = VARIANTS.length;
        long[][] total = new long[variants][rounds];
        long[][] commit = new long[variants][rounds];
        long[][][] steps = new long[variants][STEPS.length][rounds];
        long[] stepNow = new long[STEPS.length];
        int[] order = new int[variants];
        for (int v = 0; v < variants; v++) {
            order[v] = v;
        }
        Random shuffle = new Random(20260522L);
        long gcCountBefore = 0;
        long gcMillisBefore = 0;
        long started = 0;
        List<String> createdSessions = new ArrayList<>();
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
                boolean login = variant == LOGIN || variant == LOGIN_LISTENER;
                boolean listener = variant == LISTENER_ONLY || variant == LOGIN_LISTENER;
                Arrays.fill(stepNow, 0);
                long[] phases =
                        timedTransaction(
                                factory,
                                realmId,
                                stepNow,
                                (s, step) -> {
                                    String sessionId = UUID.randomUUID().toString();
                                    if (login) {
                                        RealmModel rm = s.getContext().getRealm();
                                        UserModel um = s.users().getUserById(rm, user.id());
                                        ClientModel cm = s.clients().getClientById(rm, clientUuid);
                                        UserSessionModel userSession =
                                                s.sessions()
                                                        .createUserSession(
                                                                rm,
                                                                um,
                                                                user.username(),
                                                                ip,
                                                                "openid-connect",
                                                                false,
                                                                null,
                                                                null);
                                        s.sessions().createClientSession(rm, cm, userSession);
                                        sessionId = userSession.getId();
                                        createdSessions.add(sessionId);
                                    }
                                    Event event =
                                            loginEvent(
                                                    realmId,
                                                    realmName,
                                                    clientName,
                                                    user,
                                                    sessionId,
                                                    ip);
                                    if (listener) {
                                        long t = System.nanoTime();
                                        s.getProvider(EventListenerProvider.class, LISTENER)
                                                .onEvent(event);
                                        step[0] = System.nanoTime() - t;
                                    } else if (variant == LISTENER_STEPS) {
                                        // what StreamEventListener.onEvent does for a LOGIN, one
                                        // step at a time
                                        long t0 = System.nanoTime();
                                        String source =
                                                CloudEvents.source(
                                                        s,
                                                        event.getRealmName(),
                                                        event.getRealmId());
                                        long t1 = System.nanoTime();
                                        StreamEvent streamEvent = CloudEvents.of(event, source);
                                        long t2 = System.nanoTime();
                                        s.getProvider(JpaConnectionProvider.class)
                                                .getEntityManager();
                                        long t3 = System.nanoTime();
                                        StreamEventListenerFactory.outbox(s).append(s, streamEvent);
                                        long t4 = System.nanoTime();
                                        step[0] = t4 - t0;
                                        step[1] = t1 - t0;
                                        step[2] = t2 - t1;
                                        step[3] = t3 - t2;
                                        step[4] = t4 - t3;
                                    }
                                });
                if (r >= warmupRounds) {
                    total[variant][r - warmupRounds] = phases[0];
                    commit[variant][r - warmupRounds] = phases[1];
                    for (int k = 0; k < STEPS.length; k++) {
                        steps[variant][k][r - warmupRounds] = stepNow[k];
                    }
                }
            }
            // untimed: end the round's user sessions, so the server stays in a steady state
            if (!createdSessions.isEmpty()) {
                List<String> ids = List.copyOf(createdSessions);
                createdSessions.clear();
                KeycloakModelUtils.runJobInTransaction(
                        factory,
                        s -> {
                            RealmModel rm = s.realms().getRealm(realmId);
                            s.getContext().setRealm(rm);
                            for (String id : ids) {
                                UserSessionModel us = s.sessions().getUserSession(rm, id);
                                if (us != null) {
                                    s.sessions().removeUserSession(rm, us);
                                }
                            }
                        });
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
        config.put(
                "gc",
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName)
                        .toList());
        config.put(
                "java",
                System.getProperty("java.vm.name")
                        + " "
                        + System.getProperty("java.runtime.version"));
        result.put("config", config);

        Map<String, Object> transactions = new LinkedHashMap<>();
        for (int v = 0; v < variants; v++) {
            transactions.put(VARIANTS[v], stats(total[v]));
        }
        result.put("transactionMicros", transactions);
        Map<String, Object> parts = new LinkedHashMap<>();
        parts.put("onEvent (listener)", stats(steps[LISTENER_ONLY][0]));
        parts.put("onEvent (login+listener)", stats(steps[LOGIN_LISTENER][0]));
        parts.put("same work step by step (listener steps)", stats(steps[LISTENER_STEPS][0]));
        for (int k = 1; k < STEPS.length; k++) {
            parts.put("- " + STEPS[k], stats(steps[LISTENER_STEPS][k]));
        }
        for (int v = 0; v < variants; v++) {
            parts.put("commit (" + VARIANTS[v] + ")", stats(commit[v]));
        }
        result.put("partMicros", parts);

        Map<String, Object> added = new LinkedHashMap<>();
        added.put(
                "listener in a login (login+listener - login)",
                difference(total[LOGIN_LISTENER], total[LOGIN]));
        added.put(
                "listener alone (listener - empty)",
                difference(total[LISTENER_ONLY], total[EMPTY]));
        added.put(
                "commit in a login (login+listener - login)",
                difference(commit[LOGIN_LISTENER], commit[LOGIN]));
        result.put("addedMicros", added);

        Map<String, Object> run = new LinkedHashMap<>();
        run.put("measuredSeconds", Math.round(wallNanos / 1e7) / 100.0);
        run.put("gcDuringMeasurement", Map.of("collections", gcCount, "millis", gcMillis));
        List<String> sinks = StreamEventListenerFactory.outbox(session).sinkIds();
        run.put("activeSinks", sinks);
        run.put("outboxRowsWritten", rowsAfter - rowsBefore);
        run.put("outboxRowsExpected", 3L * (rounds + warmupRounds) * sinks.size());
        run.put("outboxByStatus", outboxByStatus(factory, realmId));
        run.put("sampleSource", sampleSource(factory, realmId));
        result.put("run", run);
        return Response.ok(
                        JsonSerialization.writeValueAsString(result),
                        MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .build();
    }

    /**
     * One transaction as {@link KeycloakModelUtils#runJobInTransaction} runs it (new session,
     * begin, the realm in the context, the work, commit, close), timed: answers the total and the
     * commit, in nanoseconds.
     */
    private static long[] timedTransaction(
            KeycloakSessionFactory factory, String realmId, long[] steps, Work work) {
        long start = System.nanoTime();
        long commitStart;
        long commitEnd;
        KeycloakSession s = factory.create();
        KeycloakSession previous = KeycloakSessionUtil.setKeycloakSession(s);
        try {
            s.getTransactionManager().begin();
            s.getContext().setRealm(s.realms().getRealm(realmId));
            work.run(s, steps);
            commitStart = System.nanoTime();
            s.getTransactionManager().commit();
            commitEnd = System.nanoTime();
        } finally {
            s.close();
            KeycloakSessionUtil.setKeycloakSession(previous);
        }
        return new long[] {System.nanoTime() - start, commitEnd - commitStart};
    }

    /**
     * How much larger {@code with} is than {@code without}: means (with a 95% interval) and
     * percentiles.
     */
    private static Map<String, Object> difference(long[] with, long[] without) {
        Map<String, Object> d = new LinkedHashMap<>();
        double se = Math.sqrt(variance(with) / with.length + variance(without) / without.length);
        d.put("mean", micros(mean(with) - mean(without)));
        d.put("meanCi95", micros(1.96 * se));
        long[] a = sorted(with);
        long[] b = sorted(without);
        for (double p : new double[] {50, 90, 99, 99.9}) {
            d.put("p" + label(p), micros(percentile(a, p) - percentile(b, p)));
        }
        return d;
    }

    /**
     * A LOGIN event as {@code EventBuilder} builds it at the end of a browser login with the code
     * flow.
     */
    private static Event loginEvent(
            String realmId,
            String realmName,
            String clientId,
            BenchUser user,
            String sessionId,
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
        return KeycloakModelUtils.runJobInTransactionWithResult(
                factory,
                s ->
                        em(s).createQuery(
                                        "select count(o) from OutboxRecordEntity o where o.realmId = :realm",
                                        Long.class)
                                .setParameter("realm", realmId)
                                .getSingleResult());
    }

    private static Map<String, Long> outboxByStatus(
            KeycloakSessionFactory factory, String realmId) {
        return KeycloakModelUtils.runJobInTransactionWithResult(
                factory,
                s -> {
                    Map<String, Long> counts = new LinkedHashMap<>();
                    for (Object[] row :
                            em(s).createQuery(
                                            "select o.sinkId, o.status, count(o) from OutboxRecordEntity o"
                                                    + " where o.realmId = :realm group by o.sinkId, o.status order by o.sinkId, o.status",
                                            Object[].class)
                                    .setParameter("realm", realmId)
                                    .getResultList()) {
                        counts.put(row[0] + "/" + row[1], (Long) row[2]);
                    }
                    return counts;
                });
    }

    /**
     * The CloudEvents source of a record written by the run: the realm's URL when the listener saw
     * the request.
     */
    private static String sampleSource(KeycloakSessionFactory factory, String realmId) {
        return KeycloakModelUtils.runJobInTransactionWithResult(
                factory,
                s -> {
                    List<String> payloads =
                            em(s).createQuery(
                                            "select o.payload from OutboxRecordEntity o where o.realmId = :realm",
                                            String.class)
                                    .setParameter("realm", realmId)
                                    .setMaxResults(1)
                                    .getResultList();
                    if (payloads.isEmpty()) {
                        return null;
                    }
                    try {
                        return String.valueOf(
                                JsonSerialization.readValue(payloads.get(0), Map.class)
                                        .get("source"));
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
        if (address == null
                || !(IPV4_LITERAL.matcher(address).matches() || address.contains(":"))) {
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
