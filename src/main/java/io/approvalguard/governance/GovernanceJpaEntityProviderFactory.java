package io.approvalguard.governance;

import io.approvalguard.challenge.ChallengeDecided;
import io.approvalguard.support.persistence.JpaTables;
import java.util.List;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;

/** The governance tables: requests, approvals, and the hash-chained audit with its chain head. */
public final class GovernanceJpaEntityProviderFactory extends JpaTables {

    public static final String PROVIDER_ID = "ag-gov";

    public GovernanceJpaEntityProviderFactory() {
        super(
                PROVIDER_ID,
                "META-INF/approval-guard/gov-changelog.xml",
                List.of(
                        ChangeRequestEntity.class,
                        ChangeApprovalEntity.class,
                        AuditRecordEntity.class,
                        EvidenceEntity.class,
                        AuditChainEntity.class));
    }

    /**
     * Governance owns these tables and, with them, its two hooks into Keycloak: counting a device's
     * answer on a change approval in the deciding transaction, and its realm roles in every realm.
     */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(
                event -> {
                    if (event instanceof ChallengeDecided decided) {
                        ChangeApprovals.onDecided(decided);
                    } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
                        GovernanceRoles.ensure(created.getCreatedRealm());
                    } else if (event instanceof PostMigrationEvent) {
                        KeycloakModelUtils.runJobInTransaction(
                                factory,
                                session ->
                                        session.realms()
                                                .getRealmsStream()
                                                .forEach(GovernanceRoles::ensure));
                    }
                });
    }
}
