package io.approvalguard.stream;

import io.approvalguard.stream.sink.DeliveryOutcome;
import io.approvalguard.stream.sink.SinkProvider;
import io.approvalguard.stream.sink.SinkProviderFactory;
import io.approvalguard.stream.sink.StreamEvent;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Delivers one sink's records: lease a batch of due records, deliver them outside any database
 * transaction, then record each outcome. Sleeps until woken by a local commit or the poll interval.
 */
final class SinkWorker {

    private static final Logger LOG = Logger.getLogger(SinkWorker.class);
    private static final long PURGE_INTERVAL_MILLIS = 60_000;
    private static final int MAX_ERROR_LENGTH = 255;

    private final KeycloakSessionFactory sessionFactory;
    private final SinkProviderFactory sink;
    private final RelaySettings settings;
    private final RetryPolicy policy;
    private final String nodeId;
    private final Semaphore wakeUps = new Semaphore(0);
    private final AtomicLong passes = new AtomicLong();
    private volatile boolean running;
    private Thread thread;
    private long lastPurge;
    private boolean failing;

    SinkWorker(
            KeycloakSessionFactory sessionFactory,
            SinkProviderFactory sink,
            RelaySettings settings,
            RetryPolicy policy,
            String nodeId) {
        this.sessionFactory = sessionFactory;
        this.sink = sink;
        this.settings = settings;
        this.policy = policy;
        this.nodeId = nodeId;
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "approval-guard-relay-" + sink.getId());
        thread.setDaemon(true);
        thread.start();
    }

    void wake() {
        if (wakeUps.availablePermits() == 0) {
            wakeUps.release();
        }
    }

    synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(sink.deliveryTimeoutMillis() + 5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        while (running) {
            int delivered = 0;
            try {
                delivered = pass();
                purgeIfDue();
                if (failing) {
                    LOG.infof("Approval Guard: relay for sink %s works again", sink.getId());
                    failing = false;
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!failing) {
                    LOG.warnf(
                            e,
                            "Approval Guard: relay pass for sink %s failed; retrying every %d ms",
                            sink.getId(),
                            settings.pollIntervalMillis());
                    failing = true;
                }
            }
            if (delivered < sink.batchSize()) {
                try {
                    wakeUps.tryAcquire(settings.pollIntervalMillis(), TimeUnit.MILLISECONDS);
                    wakeUps.drainPermits();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** One lease-deliver-record round; answers how many records it leased. */
    int pass() {
        if (isPaused()) {
            return 0;
        }
        // unique per pass and sink: the lease's owner names exactly the records this pass took
        String owner =
                nodeId
                        + ":"
                        + Long.toString(passes.incrementAndGet(), 36)
                        + ":"
                        + UUID.randomUUID().toString().substring(0, 13);
        List<Leased> leased =
                KeycloakModelUtils.runJobInTransactionWithResult(
                        sessionFactory, session -> lease(session, owner));
        if (leased.isEmpty()) {
            return 0;
        }
        if (sink.isTransactional()) {
            leased.forEach(record -> deliverInTransaction(record, owner));
        } else {
            List<DeliveryOutcome> outcomes = deliver(leased);
            KeycloakModelUtils.runJobInTransaction(
                    sessionFactory,
                    session -> {
                        for (int i = 0; i < leased.size(); i++) {
                            record(session, leased.get(i), owner, outcomes.get(i));
                        }
                    });
        }
        return leased.size();
    }

    private List<DeliveryOutcome> deliver(List<Leased> leased) {
        List<StreamEvent> events = leased.stream().map(Leased::event).toList();
        try {
            List<DeliveryOutcome> outcomes =
                    KeycloakModelUtils.runJobInTransactionWithResult(
                            sessionFactory,
                            session ->
                                    session.getProvider(SinkProvider.class, sink.getId())
                                            .deliver(events));
            if (outcomes != null && outcomes.size() == events.size()) {
                return outcomes;
            }
            return failAll(
                    events.size(),
                    "sink answered "
                            + (outcomes == null ? "nothing" : outcomes.size() + " outcomes"));
        } catch (RuntimeException e) {
            return failAll(events.size(), describe(e));
        }
    }

    private void deliverInTransaction(Leased record, String owner) {
        try {
            KeycloakModelUtils.runJobInTransaction(
                    sessionFactory,
                    session -> {
                        DeliveryOutcome outcome =
                                session.getProvider(SinkProvider.class, sink.getId())
                                        .deliver(List.of(record.event()))
                                        .get(0);
                        record(session, record, owner, outcome);
                    });
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Approval Guard: sink %s failed on event %s: %s",
                    sink.getId(), record.event().id(), describe(e));
            KeycloakModelUtils.runJobInTransaction(
                    sessionFactory,
                    session -> record(session, record, owner, DeliveryOutcome.retry(describe(e))));
        }
    }

    private List<Leased> lease(KeycloakSession session, String owner) {
        EntityManager em = em(session);
        long now = Time.currentTimeMillis();
        List<String> due =
                em.createQuery(
                                "select r.id from OutboxRecordEntity r where r.sinkId = :sink"
                                        + " and r.status = :pending and r.nextAttemptAt <= :now"
                                        + " and (r.leaseUntil is null or r.leaseUntil < :now) order by r.createdAt, r.id",
                                String.class)
                        .setParameter("sink", sink.getId())
                        .setParameter("pending", OutboxStatus.PENDING.name())
                        .setParameter("now", now)
                        .setMaxResults(sink.batchSize())
                        .getResultList();
        if (due.isEmpty()) {
            return List.of();
        }
        // The conditional update is the lease: of two nodes racing for a record, one updates it.
        em.createQuery(
                        "update OutboxRecordEntity r set r.leaseOwner = :owner, r.leaseUntil = :until"
                                + " where r.id in :ids and r.status = :pending and (r.leaseUntil is null or r.leaseUntil < :now)")
                .setParameter("owner", owner)
                .setParameter("until", now + sink.deliveryTimeoutMillis() + 30_000)
                .setParameter("ids", due)
                .setParameter("pending", OutboxStatus.PENDING.name())
                .setParameter("now", now)
                .executeUpdate();
        List<OutboxRecordEntity> mine =
                em.createQuery(
                                "select r from OutboxRecordEntity r where r.sinkId = :sink"
                                        + " and r.leaseOwner = :owner order by r.createdAt, r.id",
                                OutboxRecordEntity.class)
                        .setParameter("sink", sink.getId())
                        .setParameter("owner", owner)
                        .getResultList();
        List<Leased> leased = new ArrayList<>(mine.size());
        for (OutboxRecordEntity record : mine) {
            leased.add(new Leased(record.getId(), record.toStreamEvent()));
        }
        return leased;
    }

    private void record(
            KeycloakSession session, Leased leased, String owner, DeliveryOutcome outcome) {
        EntityManager em = em(session);
        OutboxRecordEntity record = em.find(OutboxRecordEntity.class, leased.recordId());
        if (record == null || !owner.equals(record.getLeaseOwner())) {
            return; // lease lost (this node was too slow); whoever holds it now decides
        }
        long now = Time.currentTimeMillis();
        record.setLeaseOwner(null);
        record.setLeaseUntil(null);
        switch (outcome.kind()) {
            case DELIVERED -> {
                record.setStatus(OutboxStatus.DELIVERED.name());
                record.setDeliveredAt(now);
                record.setLastError(null);
            }
            case RETRY -> {
                int failures = record.getAttempts() + 1;
                record.setAttempts(failures);
                record.setLastError(truncate(outcome.error()));
                if (policy.isExhausted(record.getRetrySince(), now)) {
                    record.setStatus(OutboxStatus.DEAD.name());
                    LOG.warnf(
                            "Approval Guard: event %s could not be delivered to sink %s for the whole retry window;"
                                    + " it is now a dead letter (%s)",
                            record.getEventId(), sink.getId(), record.getLastError());
                } else {
                    record.setNextAttemptAt(
                            policy.nextAttemptAt(now, failures, outcome.retryAfterSeconds()));
                }
            }
            case SINK_GONE -> {
                record.setLastError(truncate(outcome.error()));
                SinkPauses.pause(em, sink.getId(), now, outcome.error());
            }
        }
    }

    private boolean isPaused() {
        return KeycloakModelUtils.runJobInTransactionWithResult(
                sessionFactory,
                session -> em(session).find(SinkStateEntity.class, sink.getId()) != null);
    }

    private void purgeIfDue() {
        long now = Time.currentTimeMillis();
        if (now - lastPurge < PURGE_INTERVAL_MILLIS) {
            return;
        }
        lastPurge = now;
        int purged =
                KeycloakModelUtils.runJobInTransactionWithResult(
                        sessionFactory,
                        session ->
                                em(session)
                                        .createQuery(
                                                "delete from OutboxRecordEntity r where r.sinkId = :sink and r.status = :delivered"
                                                        + " and r.deliveredAt < :cutoff")
                                        .setParameter("sink", sink.getId())
                                        .setParameter("delivered", OutboxStatus.DELIVERED.name())
                                        .setParameter("cutoff", now - settings.retentionMillis())
                                        .executeUpdate());
        if (purged > 0) {
            LOG.debugf("purged %d delivered records of sink %s", purged, sink.getId());
        }
    }

    private static List<DeliveryOutcome> failAll(int count, String error) {
        DeliveryOutcome failed = DeliveryOutcome.retry(error);
        List<DeliveryOutcome> outcomes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            outcomes.add(failed);
        }
        return outcomes;
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static String truncate(String error) {
        if (error == null) {
            return null;
        }
        return error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    private record Leased(String recordId, StreamEvent event) {}
}
