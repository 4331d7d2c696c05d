package io.approvalguard.stream;

import io.approvalguard.stream.sink.StreamEvent;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.Event;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Bounds what anonymous callers cost the stream. A failure event without a user (an unknown user
 * name, say) can be raised by anyone as fast as they can send requests; one outbox row per sink for
 * each would let an anonymous password sprayer grow the database without limit. So per realm,
 * source address and time window the first {@code perAddress} such failures (on each node) are
 * streamed as usual and the rest are only counted; when the window is over its count becomes one
 * record ({@code io.approvalguard.}{@value #EVENT_NAME}) for every sink: the SIEM still learns that
 * a flood happened, from where and how big it was. Addresses beyond {@code addresses} per realm and
 * window share one count, so neither the counts nor the records grow with the number of attempts.
 *
 * <p>The request itself touches no database and takes no lock beyond a map entry's: counting is in
 * memory, and this node's timer adds what it counted to the window's row every poll interval (about
 * a second), where every node's counts meet. A node that crashes loses at most the counts of that
 * last interval, never an event that was streamed on its own.
 */
public final class AnonymousFailures {

    public static final String EVENT_NAME = "stream.anonymous_failures";

    private static final Logger LOG = Logger.getLogger(AnonymousFailures.class);

    /**
     * Time a count that started just before its window ended has to reach its row before the window
     * is turned into a record.
     */
    private static final long FLUSH_GRACE_MILLIS = 5_000;

    private static final int FLUSH_BATCH = 500;
    private static final int MAX_ADDRESS_LENGTH = 64;
    private static final String NO_ADDRESS = "unknown";

    private final AnonymousFailureSettings settings;

    /**
     * This node's counts per realm, window and address (null: the shared count), not yet all in
     * their rows.
     */
    private final ConcurrentHashMap<Key, Count> counts = new ConcurrentHashMap<>();

    /** How many addresses this node counts on their own per realm and window. */
    private final ConcurrentHashMap<String, AtomicInteger> addressesCounted =
            new ConcurrentHashMap<>();

    AnonymousFailures(AnonymousFailureSettings settings) {
        this.settings = settings;
    }

    private record Key(String realmId, long windowStart, String address) {}

    /** A window's counts on this node: totals, and how much of them its row already has. */
    private static final class Count {
        final String source;
        long attempts;
        int streamed;
        long attemptsInRow;
        int streamedInRow;

        Count(String source) {
            this.source = source;
        }
    }

    /**
     * A failure event that names no user: anyone can raise it, without knowing a user name or a
     * password.
     */
    static boolean isAnonymousFailure(Event event) {
        return event.getUserId() == null
                && event.getRealmId() != null
                && event.getType().name().endsWith("_ERROR");
    }

    /**
     * Counts the failure on this node; answers whether it is still to be streamed as a record of
     * its own.
     */
    boolean countAndAdmit(Event event, String source) {
        long windowStart =
                event.getTime() - Math.floorMod(event.getTime(), settings.windowMillis());
        Key key = new Key(event.getRealmId(), windowStart, address(event.getIpAddress()));
        if (!counts.containsKey(key)
                && addressesCounted
                                .computeIfAbsent(
                                        event.getRealmId() + "\n" + windowStart,
                                        k -> new AtomicInteger())
                                .getAndIncrement()
                        >= settings.addresses()) {
            key = new Key(event.getRealmId(), windowStart, null);
        }
        boolean[] admitted = new boolean[1];
        Key counted = key;
        counts.compute(
                key,
                (k, count) -> {
                    Count c =
                            count == null
                                    ? new Count(
                                            source.length() <= 255
                                                    ? source
                                                    : source.substring(0, 255))
                                    : count;
                    c.attempts++;
                    admitted[0] = counted.address() != null && c.streamed < settings.perAddress();
                    if (admitted[0]) {
                        c.streamed++;
                    }
                    return c;
                });
        return admitted[0];
    }

    /**
     * This node's part of the timer's work: adds what it counted since the last time to the rows of
     * their windows (creating them), and forgets windows that are over and fully written.
     */
    void writeCounts(KeycloakSession session) {
        EntityManager em = em(session);
        long over = Time.currentTimeMillis() - settings.windowMillis();
        for (Key key : List.copyOf(counts.keySet())) {
            long[] delta = new long[2];
            String[] source = new String[1];
            counts.computeIfPresent(
                    key,
                    (k, c) -> {
                        delta[0] = c.attempts - c.attemptsInRow;
                        delta[1] = c.streamed - c.streamedInRow;
                        source[0] = c.source;
                        c.attemptsInRow = c.attempts;
                        c.streamedInRow = c.streamed;
                        return k.windowStart() <= over
                                ? null
                                : c; // a window that is over takes no more counts
                    });
            if (delta[0] > 0) {
                add(em, key, source[0], delta[0], (int) delta[1]);
            }
        }
        addressesCounted
                .keySet()
                .removeIf(k -> Long.parseLong(k.substring(k.indexOf('\n') + 1)) <= over);
    }

    private void add(EntityManager em, Key key, String source, long attempts, int streamed) {
        String id = id(key.realmId(), key.windowStart(), key.address());
        AnonymousFailureEntity row =
                em.find(AnonymousFailureEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (row == null) {
            row = new AnonymousFailureEntity();
            row.setId(id);
            row.setRealmId(key.realmId());
            row.setIpAddress(key.address());
            row.setWindowStart(key.windowStart());
            row.setWindowEnd(key.windowStart() + settings.windowMillis());
            row.setSource(source);
            em.persist(row);
        }
        row.setAttempts((int) Math.min(Integer.MAX_VALUE, row.getAttempts() + attempts));
        row.setStreamed(row.getStreamed() + streamed);
    }

    /**
     * Turns the counts of windows that are over into stream records, each exactly once across the
     * cluster (the count is locked and removed in the transaction that writes its record); a window
     * whose failures were all streamed on their own needs none. Answers how many records it wrote.
     */
    int flush(KeycloakSession session, Outbox outbox) {
        EntityManager em = em(session);
        List<String> due =
                em.createQuery(
                                "select r.id from AnonymousFailureEntity r where r.windowEnd <= :due"
                                        + " order by r.windowEnd, r.id",
                                String.class)
                        .setParameter("due", Time.currentTimeMillis() - FLUSH_GRACE_MILLIS)
                        .setMaxResults(FLUSH_BATCH)
                        .getResultList();
        int written = 0;
        for (String id : due) {
            AnonymousFailureEntity count =
                    em.find(AnonymousFailureEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (count == null) {
                continue; // another node took it
            }
            em.remove(count);
            if (count.getAttempts() > count.getStreamed()) {
                RealmModel realm = session.realms().getRealm(count.getRealmId());
                outbox.append(session, record(count, realm == null ? null : realm.getName()));
                written++;
            }
        }
        if (written > 0) {
            LOG.debugf("Approval Guard: %d anonymous failure count(s) streamed", written);
        }
        return written;
    }

    /**
     * The record of one window's count: where from, when, how many in all, how many were streamed
     * on their own.
     */
    static StreamEvent record(AnonymousFailureEntity count, String realmName) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("realm_id", count.getRealmId());
        if (realmName != null) {
            data.put("realm_name", realmName);
        }
        if (count.getIpAddress() != null) {
            data.put("ip_address", count.getIpAddress());
        } else {
            data.put("other_addresses", true);
        }
        data.put("window_start", Instant.ofEpochMilli(count.getWindowStart()).toString());
        data.put("window_end", Instant.ofEpochMilli(count.getWindowEnd()).toString());
        data.put("attempts", count.getAttempts());
        data.put("streamed", count.getStreamed());
        data.put("coalesced", count.getAttempts() - count.getStreamed());
        // a new id each time: a count written again for the same window (a late straggler) is
        // another record
        return CloudEvents.own(
                UUID.randomUUID().toString(),
                EVENT_NAME,
                count.getSource(),
                count.getRealmId(),
                null,
                count.getWindowEnd(),
                data);
    }

    private static String address(String ipAddress) {
        if (ipAddress == null || ipAddress.isBlank()) {
            return NO_ADDRESS;
        }
        return ipAddress.length() <= MAX_ADDRESS_LENGTH
                ? ipAddress
                : ipAddress.substring(0, MAX_ADDRESS_LENGTH);
    }

    /** One row per realm, window and address (null: the shared count), whichever node counts. */
    static String id(String realmId, long windowStart, String address) {
        String key = realmId + "\n" + windowStart + "\n" + (address == null ? "" : "@" + address);
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
