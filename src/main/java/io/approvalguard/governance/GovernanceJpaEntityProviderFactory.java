package io.approvalguard.governance;

import io.approvalguard.challenge.ChallengeDecided;
import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.OptionGroup;
import io.approvalguard.support.persistence.JpaTables;
import io.approvalguard.support.tx.ClusterTasks;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;

/** The governance tables: requests, approvals, and the hash-chained audit with its chain head. */
public final class GovernanceJpaEntityProviderFactory extends JpaTables {

    public static final String PROVIDER_ID = "ag-gov";

    static final Option<Integer> SWEEP_INTERVAL =
            Option.wholeNumber(
                    "sweep-interval-seconds",
                    60,
                    5,
                    3600,
                    "How often the cluster expires change requests past their lifetime and"
                            + " escalates overdue break-glass reviews, in seconds.");

    public static final OptionGroup OPTIONS =
            OptionGroup.server("spi-jpa-entity-provider--" + PROVIDER_ID, List.of(SWEEP_INTERVAL));

    private static final String SWEEP_TASK = "approval-guard-governance-sweep";

    private long sweepIntervalMillis;

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

    @Override
    public void init(Config.Scope config) {
        sweepIntervalMillis = OPTIONS.read(config).get(SWEEP_INTERVAL) * 1000L;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return OPTIONS.metadata();
    }

    /**
     * Governance owns these tables and, with them, its hooks into Keycloak: counting a device's
     * answer on a change approval in the deciding transaction, its realm roles in every realm, and
     * the sweep of what time does to requests.
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
                        ClusterTasks.schedule(
                                factory, SWEEP_TASK, sweepIntervalMillis, GovernanceSweep::run);
                    }
                });
    }
}
