package io.approvalguard.stream;

import io.approvalguard.stream.sink.SinkProviderFactory;
import io.approvalguard.stream.sink.StreamEvent;
import io.approvalguard.support.tx.AfterTransaction;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.UUID;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/**
 * Writes stream records in the caller's transaction: one row per active sink that takes the event's
 * type, so the record exists exactly when the change it describes does. The relay on this node is
 * woken once the transaction has committed.
 */
public final class Outbox {

    private static final String WAKE_ENLISTED = Outbox.class.getName() + ".wake";

    private final List<SinkProviderFactory> sinks;
    private final List<String> sinkIds;
    private final Runnable wakeRelay;

    public Outbox(List<SinkProviderFactory> sinks, Runnable wakeRelay) {
        this.sinks = List.copyOf(sinks);
        this.sinkIds = sinks.stream().map(SinkProviderFactory::getId).toList();
        this.wakeRelay = wakeRelay;
    }

    public List<String> sinkIds() {
        return sinkIds;
    }

    public void append(KeycloakSession session, StreamEvent event) {
        List<SinkProviderFactory> taking =
                sinks.stream().filter(sink -> sink.takes(event.type())).toList();
        if (taking.isEmpty()) {
            return;
        }
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        for (SinkProviderFactory sink : taking) {
            em.persist(newRecord(event, sink.getId()));
        }
        wakeAfterCommit(session);
    }

    static OutboxRecordEntity newRecord(StreamEvent event, String sinkId) {
        OutboxRecordEntity record = new OutboxRecordEntity();
        record.setId(UUID.randomUUID().toString());
        record.setEventId(event.id());
        record.setSinkId(sinkId);
        record.setRealmId(event.realmId());
        record.setUserId(event.userId());
        record.setEventType(event.type());
        record.setCreatedAt(event.timeMillis());
        record.setRetrySince(event.timeMillis());
        record.setPayload(event.json());
        record.setStatus(OutboxStatus.PENDING.name());
        record.setAttempts(0);
        record.setNextAttemptAt(event.timeMillis());
        return record;
    }

    /** Wakes this node's relay once the caller's transaction commits (once per transaction). */
    public void wakeAfterCommit(KeycloakSession session) {
        if (session.getAttribute(WAKE_ENLISTED) != null) {
            return;
        }
        session.setAttribute(WAKE_ENLISTED, Boolean.TRUE);
        AfterTransaction.onCommit(session, wakeRelay);
    }
}
