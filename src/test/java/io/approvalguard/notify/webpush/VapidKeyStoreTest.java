package io.approvalguard.notify.webpush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class VapidKeyStoreTest {

    /** A table with the database's one guarantee: a second insert of the row fails. */
    static final class OneRow implements VapidKeyStore.Table {
        private VapidKeys row;
        private final CountDownLatch bothRead;

        OneRow(int readers) {
            bothRead = new CountDownLatch(readers);
        }

        @Override
        public VapidKeys read() {
            VapidKeys found;
            synchronized (this) {
                found = row;
            }
            bothRead.countDown();
            return found;
        }

        @Override
        public void insert(VapidKeys keys) {
            try {
                // every node has seen "no row" before any inserts: the race at a cluster's start
                bothRead.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                if (row != null) {
                    throw new IllegalStateException("duplicate key PK_AG_PUSH_VAPID");
                }
                row = keys;
            }
        }
    }

    @Test
    void aStoredPairIsUsedAsIs() {
        OneRow table = new OneRow(0);
        VapidKeys stored = VapidKeys.generate();
        table.insert(stored);

        assertSame(stored, VapidKeyStore.loadOrCreate(table));
    }

    @Test
    void nodesStartingTogetherEndUpWithTheSamePair() throws Exception {
        int nodes = 4;
        OneRow table = new OneRow(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<VapidKeys>> started = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                started.add(pool.submit(() -> VapidKeyStore.loadOrCreate(table)));
            }
            Set<String> keys = new HashSet<>();
            for (Future<VapidKeys> node : started) {
                keys.add(node.get().publicKeyBase64Url());
            }
            assertEquals(Set.of(table.read().publicKeyBase64Url()), keys);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedInsertWithNoRowAfterwardsIsAnError() {
        VapidKeyStore.Table broken =
                new VapidKeyStore.Table() {
                    @Override
                    public VapidKeys read() {
                        return null;
                    }

                    @Override
                    public void insert(VapidKeys keys) {
                        throw new IllegalStateException("database down");
                    }
                };

        assertThrows(IllegalStateException.class, () -> VapidKeyStore.loadOrCreate(broken));
    }
}
