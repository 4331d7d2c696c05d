package io.approvalguard.governance.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.approvalguard.testkit.fakes.FakeTransactionManager;
import io.approvalguard.testkit.fakes.StrictProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;

/**
 * The admin request never fails because of the watch, and a record is never lost without a count
 * and a log line: appended in the request's transaction, or after it commits, or counted as lost.
 */
class WatchRecorderTest {

    private static final Map<String, Object> DATA = Map.of("what", "remove_device");

    private final FakeTransactionManager transaction = new FakeTransactionManager();
    private final KeycloakSession session =
            StrictProxy.of(KeycloakSession.class, "admin request")
                    .on("getTransactionManager()", args -> transaction)
                    .build();
    private final KeycloakSession own =
            StrictProxy.of(KeycloakSession.class, "own transaction").build();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final WatchCounts counts = new WatchCounts(meters);

    /** Where each append went: "request" or "own". */
    private final List<String> appended = new ArrayList<>();

    private int failuresLeft;

    @BeforeEach
    void begin() {
        transaction.begin();
    }

    private WatchRecorder recorder() {
        return new WatchRecorder(
                (s, realmId, actor, subject, data) -> {
                    assertEquals("realm-1", realmId);
                    assertEquals("admin-1", actor);
                    assertEquals("user-1", subject);
                    assertEquals(DATA, data);
                    if (failuresLeft > 0) {
                        failuresLeft--;
                        throw new IllegalStateException("audit table unavailable");
                    }
                    appended.add(s == session ? "request" : "own");
                },
                (outer, work) -> {
                    assertEquals(session, outer);
                    work.accept(own);
                },
                counts);
    }

    private void record() {
        recorder().record(session, "realm-1", "admin-1", "user-1", DATA);
    }

    private double meter(String outcome) {
        var counter = meters.find(WatchCounts.METER).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void normallyTheRecordIsAppendedInTheRequestsTransaction() {
        record();
        transaction.commit();
        assertEquals(List.of("request"), appended);
        assertEquals(1, counts.recordedCount());
        assertEquals(1.0, meter(WatchCounts.RECORDED));
    }

    @Test
    void aFailedAppendDoesNotFailTheRequestAndIsRetriedAfterItCommits() {
        failuresLeft = 1;
        record(); // does not throw: the admin change goes on
        assertEquals(List.of(), appended);
        assertEquals(1, counts.failedInTransactionCount());
        transaction.commit();
        assertEquals(List.of("own"), appended);
        assertEquals(1, counts.recordedAfterCommitCount());
        assertEquals(1.0, meter(WatchCounts.RECORDED_AFTER_COMMIT));
        assertEquals(0, counts.recordedCount());
    }

    @Test
    void whenTheRetryFailsTooItIsCountedAsLostAndTheCommitStillSucceeds() {
        failuresLeft = 2;
        record();
        transaction.commit(); // no exception reaches the request
        assertEquals(List.of(), appended);
        assertEquals(1, counts.lostCount());
        assertEquals(1.0, meter(WatchCounts.LOST));
    }

    @Test
    void whenTheAdminChangeRollsBackNothingIsRetried() {
        failuresLeft = 1;
        record();
        transaction.rollback();
        assertEquals(List.of(), appended);
        assertEquals(1, counts.rolledBackCount());
        assertEquals(0, counts.lostCount());
    }

    @Test
    void whenTheFailureMarkedTheTransactionRollbackOnlyTheChangeIsNotMadeEither() {
        failuresLeft = 1;
        record();
        transaction.setRollbackOnly(); // what the persistence layer does on some errors
        assertThrows(IllegalStateException.class, transaction::commit);
        assertEquals(List.of(), appended);
        assertEquals(1, counts.rolledBackCount());
    }

    @Test
    void countsWorkWithoutARegistry() {
        WatchCounts bare = new WatchCounts(null);
        bare.recorded();
        bare.lost();
        assertEquals(1, bare.recordedCount());
        assertEquals(1, bare.lostCount());
    }
}
