package io.approvalguard.device;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.jpa.entities.CredentialEntity;

/**
 * A device's credential row, locked and read from the database itself rather than the user cache,
 * for a change of its data. Every change writes the whole data, so without the lock two changes at
 * once would lose one: a device's own request (its push address, its last use) could undo a
 * suspension that the risk scorer made a moment before.
 */
final class DeviceRows {

    private DeviceRows() {}

    /**
     * The device as stored now, its row locked until the transaction ends; empty when the
     * credential is not in Keycloak's own database (or without a session, as in unit tests), and
     * the caller reads it as usual.
     *
     * @param session the session {@code user} was read in
     */
    static Optional<DeviceCredentialModel> lockedForChange(
            KeycloakSession session, UserModel user, String deviceId) {
        JpaConnectionProvider jpa =
                session == null ? null : session.getProvider(JpaConnectionProvider.class);
        if (jpa == null) {
            return Optional.empty();
        }
        EntityManager em = jpa.getEntityManager();
        CredentialEntity row = em.find(CredentialEntity.class, deviceId);
        if (row == null
                || row.getUser() == null
                || !user.getId().equals(row.getUser().getId())
                || !DeviceCredentialModel.TYPE.equals(row.getType())) {
            return Optional.empty();
        }
        // this transaction's own changes first (a suspension a moment ago), so that the refresh
        // keeps them; then the row as committed by everyone else, locked
        em.flush();
        em.refresh(row, LockModeType.PESSIMISTIC_WRITE);
        CredentialModel stored = new CredentialModel();
        stored.setId(row.getId());
        stored.setType(row.getType());
        stored.setUserLabel(row.getUserLabel());
        stored.setCreatedDate(row.getCreatedDate());
        stored.setSecretData(row.getSecretData());
        stored.setCredentialData(row.getCredentialData());
        return Optional.of(DeviceCredentialModel.from(stored));
    }
}
