package io.approvalguard.notify.webpush;

import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The generated VAPID key pair in the database: read it, or make and insert it when there is none.
 * Two nodes starting together both try to insert; the primary key lets one win and the other reads
 * the winner's pair, so every node ends up signing with the same key.
 */
final class VapidKeyStore {

    /** The one row; an id leaves room for a rotation that keeps an old pair readable. */
    static final String ROW_ID = "default";

    private static final Logger LOG = Logger.getLogger(VapidKeyStore.class);

    private VapidKeyStore() {}

    /** Runs in transactions of its own, so a lost insert race never spoils the caller's. */
    static VapidKeys loadOrCreate(KeycloakSessionFactory factory) {
        VapidKeys stored =
                KeycloakModelUtils.runJobInTransactionWithResult(factory, VapidKeyStore::read);
        if (stored != null) {
            return stored;
        }
        VapidKeys fresh = VapidKeys.generate();
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> insert(session, fresh));
            LOG.infof(
                    "Approval Guard: generated the Web Push VAPID key pair and stored it in table AG_PUSH_VAPID "
                            + "(public key %s)",
                    fresh.publicKeyBase64Url());
            return fresh;
        } catch (RuntimeException lostRace) {
            VapidKeys winner =
                    KeycloakModelUtils.runJobInTransactionWithResult(factory, VapidKeyStore::read);
            if (winner == null) {
                throw new IllegalStateException(
                        "Approval Guard: cannot store the generated VAPID key pair in AG_PUSH_VAPID",
                        lostRace);
            }
            return winner;
        }
    }

    private static VapidKeys read(KeycloakSession session) {
        VapidKeyEntity row = em(session).find(VapidKeyEntity.class, ROW_ID);
        return row == null ? null : VapidKeys.of(row.getPrivateKey(), row.getPublicKey());
    }

    private static void insert(KeycloakSession session, VapidKeys keys) {
        VapidKeyEntity row = new VapidKeyEntity();
        row.setId(ROW_ID);
        row.setPrivateKey(keys.privateKeyBase64Url());
        row.setPublicKey(keys.publicKeyBase64Url());
        row.setCreatedAt(System.currentTimeMillis());
        EntityManager em = em(session);
        em.persist(row);
        em.flush();
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
