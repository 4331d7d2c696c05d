package io.approvalguard.governance;

import io.approvalguard.stream.CloudEvents;
import io.approvalguard.stream.StreamEventListenerFactory;
import io.approvalguard.support.json.CanonicalJson;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.util.JsonSerialization;

/**
 * The governance audit: append-only and hash-chained per realm, and every record is also an event
 * of the stream, through the outbox, in the caller's transaction. A record and its event commit
 * together with the change they describe, or not at all.
 */
public final class GovernanceAudit {

    /** The hash a realm's first record chains to. */
    static final String GENESIS = "0".repeat(43);

    /** Stream event types are {@code io.approvalguard.governance.<type>}. */
    private static final String EVENT_PREFIX = "governance.";

    private final KeycloakSession session;
    private final EntityManager em;

    public GovernanceAudit(KeycloakSession session) {
        this.session = session;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /** One audit record as the API shows it. */
    public record Entry(
            long seq,
            String id,
            String requestId,
            String type,
            String actor,
            long atMillis,
            Map<String, Object> data,
            String prevHash,
            String hash) {}

    /**
     * Appends a record and raises it as a stream event.
     *
     * @param requestId the change request it concerns, or null (a direct admin change, for example)
     * @param subjectUserId the user the record is about, for the event's subject; may be null
     * @param actor who did it (a user id, or {@code system})
     */
    public Entry append(
            RealmModel realm,
            String requestId,
            String type,
            String actor,
            String subjectUserId,
            Map<String, Object> data) {
        AuditChainEntity head = lockedHead(realm.getId());
        long now = Time.currentTimeMillis();
        AuditRecordEntity record = new AuditRecordEntity();
        record.id = KeycloakModelUtils.generateId();
        record.realmId = realm.getId();
        record.seq = head.seq + 1;
        record.requestId = requestId;
        record.type = type;
        record.actor = actor;
        record.atMillis = now;
        record.data = CanonicalJson.canonicalize(data);
        record.prevHash = head.headHash;
        record.hash = hashOf(record);
        em.persist(record);
        head.seq = record.seq;
        head.headHash = record.hash;
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("realm_id", realm.getId());
        if (requestId != null) {
            event.put("request_id", requestId);
        }
        if (actor != null) {
            event.put("actor", actor);
        }
        event.put("audit_seq", record.seq);
        event.put("audit_hash", record.hash);
        event.putAll(data);
        StreamEventListenerFactory.outbox(session)
                .append(
                        session,
                        CloudEvents.own(
                                record.id,
                                EVENT_PREFIX + type,
                                CloudEvents.source(session, realm.getName(), realm.getId()),
                                realm.getId(),
                                subjectUserId,
                                now,
                                event));
        return toEntry(record);
    }

    /** A request's records, oldest first. */
    public List<Entry> ofRequest(String realmId, String requestId) {
        return em.createQuery(
                        "select a from AuditRecordEntity a where a.realmId = :realm"
                                + " and a.requestId = :request order by a.seq",
                        AuditRecordEntity.class)
                .setParameter("realm", realmId)
                .setParameter("request", requestId)
                .getResultStream()
                .map(GovernanceAudit::toEntry)
                .toList();
    }

    /** The realm's records after {@code afterSeq}, oldest first, at most {@code max}. */
    public List<Entry> page(String realmId, long afterSeq, int max) {
        return em.createQuery(
                        "select a from AuditRecordEntity a where a.realmId = :realm"
                                + " and a.seq > :after order by a.seq",
                        AuditRecordEntity.class)
                .setParameter("realm", realmId)
                .setParameter("after", afterSeq)
                .setMaxResults(max)
                .getResultStream()
                .map(GovernanceAudit::toEntry)
                .toList();
    }

    /**
     * Walks the realm's whole chain: empty when every record hashes to what it says and chains to
     * the one before; otherwise the first sequence number that does not.
     */
    public Optional<Long> firstBroken(String realmId) {
        String previous = GENESIS;
        long expected = 1;
        for (AuditRecordEntity record :
                em.createQuery(
                                "select a from AuditRecordEntity a where a.realmId = :realm"
                                        + " order by a.seq",
                                AuditRecordEntity.class)
                        .setParameter("realm", realmId)
                        .getResultList()) {
            if (record.seq != expected
                    || !record.prevHash.equals(previous)
                    || !record.hash.equals(hashOf(record))) {
                return Optional.of(expected);
            }
            previous = record.hash;
            expected++;
        }
        return Optional.empty();
    }

    /**
     * The hash of a record: over every member but the hash itself, the previous hash included.
     * Auditors recompute it from an export: SHA-256 of the RFC 8785 form of {@code {seq, id, realm,
     * request, type, actor, at, data, prev}} (request and actor null when absent), base64url.
     */
    static String hashOf(AuditRecordEntity record) {
        Map<String, Object> hashed = new LinkedHashMap<>();
        hashed.put("seq", record.seq);
        hashed.put("id", record.id);
        hashed.put("realm", record.realmId);
        hashed.put("request", record.requestId);
        hashed.put("type", record.type);
        hashed.put("actor", record.actor);
        hashed.put("at", record.atMillis);
        hashed.put("data", parse(record.data));
        hashed.put("prev", record.prevHash);
        return CanonicalJson.hash(hashed);
    }

    private AuditChainEntity lockedHead(String realmId) {
        AuditChainEntity head =
                em.find(AuditChainEntity.class, realmId, LockModeType.PESSIMISTIC_WRITE);
        if (head != null) {
            return head;
        }
        // The realm's first record: create the head in a transaction of its own, so that two
        // first records on two nodes meet at the row lock rather than at a duplicate key.
        try {
            KeycloakModelUtils.runJobInTransaction(
                    session.getKeycloakSessionFactory(),
                    s -> {
                        EntityManager own =
                                s.getProvider(JpaConnectionProvider.class).getEntityManager();
                        if (own.find(AuditChainEntity.class, realmId) == null) {
                            AuditChainEntity created = new AuditChainEntity();
                            created.realmId = realmId;
                            created.seq = 0;
                            created.headHash = GENESIS;
                            own.persist(created);
                        }
                    });
        } catch (RuntimeException raced) {
            // another node created it first
        }
        return em.find(AuditChainEntity.class, realmId, LockModeType.PESSIMISTIC_WRITE);
    }

    private static Entry toEntry(AuditRecordEntity r) {
        return new Entry(
                r.seq,
                r.id,
                r.requestId,
                r.type,
                r.actor,
                r.atMillis,
                parse(r.data),
                r.prevHash,
                r.hash);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) {
        try {
            return JsonSerialization.readValue(json, LinkedHashMap.class);
        } catch (IOException e) {
            throw new IllegalStateException("stored audit data is unreadable", e);
        }
    }
}
