package io.approvalguard.stream;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.Event;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Bounds what anonymous callers cost the stream. A failure event without a user (an unknown user
 * name, say) can be raised by anyone as fast as they can send requests; one outbox row per sink for
 * each would let an anonymous password sprayer grow the database without limit. So per realm,
 * source address and time window the first {@code perAddress} such failures are streamed as usual
 * and the rest are only counted; when the window is over its count becomes one record
 * ({@code io.approvalguard.}{@value #EVENT_NAME}) for every sink: the SIEM still learns that a flood
 * happened, from where and how big it was. Addresses beyond {@code addresses} per realm and window
 * share one count, so neither the counts nor the records grow with the number of attempts.
 */
public final class AnonymousFailures {

    public static final String EVENT_NAME = "stream.anonymous_failures";

    private static final Logger LOG = Logger.getLogger(AnonymousFailures.class);
    /** Time a count that started just before its window ended has to commit before the window is turned into a record. */
    private static final long FLUSH_GRACE_MILLIS = 5_000;
    private static final int FLUSH_BATCH = 500;
    private static final int MAX_ADDRESS_LENGTH = 64;
    private static final String NO_ADDRESS = "unknown";

    private final KeycloakSessionFactory factory;
    private final AnonymousFailureSettings settings;

    AnonymousFailures(KeycloakSessionFactory factory, AnonymousFailureSettings settings) {
        this.factory = factory;
        this.settings = settings;
    }

    /** A failure event that names no user: anyone can raise it, without knowing a user name or a password. */
    static boolean isAnonymousFailure(Event event) {
        return event.getUserId() == null && event.getRealmId() != null && event.getType().name().endsWith("_ERROR");
    }

    /**
     * Counts the failure, in a transaction of its own so that two nodes creating the same count
     * cannot fail the event's transaction; answers whether it is still to be streamed as a record of
     * its own. If counting fails, it is: an event is never lost for the sake of the bound.
     */
    boolean countAndAdmit(Event event, String source) {
        for (int attempt = 1; ; attempt++) {
            try {
                return KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> count(em(session), event, source));
            } catch (RuntimeException e) {
                if (attempt == 2) {
                    LOG.warnf("Approval Guard: an anonymous failure could not be counted (%s); it is streamed on its own",
                            e.getClass().getSimpleName());
                    return true;
                }
                // most likely another node created the same count at the same moment: the next try finds it
            }
        }
    }

    private boolean count(EntityManager em, Event event, String source) {
        long windowStart = event.getTime() - Math.floorMod(event.getTime(), settings.windowMillis());
        String address = address(event.getIpAddress());
        AnonymousFailureEntity count = em.find(AnonymousFailureEntity.class, id(event.getRealmId(), windowStart, address),
                LockModeType.PESSIMISTIC_WRITE);
        if (count == null && trackedAddresses(em, event.getRealmId(), windowStart) >= settings.addresses()) {
            address = null;
            count = em.find(AnonymousFailureEntity.class, id(event.getRealmId(), windowStart, null), LockModeType.PESSIMISTIC_WRITE);
        }
        if (count == null) {
            count = new AnonymousFailureEntity();
            count.setId(id(event.getRealmId(), windowStart, address));
            count.setRealmId(event.getRealmId());
            count.setIpAddress(address);
            count.setWindowStart(windowStart);
            count.setWindowEnd(windowStart + settings.windowMillis());
            count.setSource(source.length() <= 255 ? source : source.substring(0, 255));
            em.persist(count);
        }
        count.setAttempts(count.getAttempts() + 1);
        boolean admitted = count.getIpAddress() != null && count.getStreamed() < settings.perAddress();
        if (admitted) {
            count.setStreamed(count.getStreamed() + 1);
        }
        return admitted;
    }

    private static long trackedAddresses(EntityManager em, String realmId, long windowStart) {
        return em.createQuery("select count(r) from AnonymousFailureEntity r where r.realmId = :realm"
                        + " and r.windowStart = :start and r.ipAddress is not null", Long.class)
                .setParameter("realm", realmId)
                .setParameter("start", windowStart)
                .getSingleResult();
    }

    /**
     * Turns the counts of windows that are over into stream records, each exactly once across the
     * cluster (the count is locked and removed in the transaction that writes its record); a window
     * whose failures were all streamed on their own needs none. Answers how many records it wrote.
     */
    int flush(KeycloakSession session, Outbox outbox) {
        EntityManager em = em(session);
        List<String> due = em.createQuery("select r.id from AnonymousFailureEntity r where r.windowEnd <= :due"
                        + " order by r.windowEnd, r.id", String.class)
                .setParameter("due", Time.currentTimeMillis() - FLUSH_GRACE_MILLIS)
                .setMaxResults(FLUSH_BATCH)
                .getResultList();
        int written = 0;
        for (String id : due) {
            AnonymousFailureEntity count = em.find(AnonymousFailureEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
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

    /** The record of one window's count: where from, when, how many in all, how many were streamed on their own. */
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
        // a new id each time: a count written again for the same window (a late straggler) is another record
        return CloudEvents.own(UUID.randomUUID().toString(), EVENT_NAME, count.getSource(), count.getRealmId(), null,
                count.getWindowEnd(), data);
    }

    private static String address(String ipAddress) {
        if (ipAddress == null || ipAddress.isBlank()) {
            return NO_ADDRESS;
        }
        return ipAddress.length() <= MAX_ADDRESS_LENGTH ? ipAddress : ipAddress.substring(0, MAX_ADDRESS_LENGTH);
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
