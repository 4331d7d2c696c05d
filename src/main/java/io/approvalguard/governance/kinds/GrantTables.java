package io.approvalguard.governance.kinds;

import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.OptionGroup;
import io.approvalguard.support.persistence.JpaTables;
import io.approvalguard.support.tx.ClusterTasks;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * The table of time-bound grants, {@code AG_GOV_GRANT}, and the task that closes them when due.
 *
 * <p>The factory that brings the table also owns the job that empties it: it is deployed with the
 * JAR on every node whatever the realms enable, exists once per node, and its {@code postInit} runs
 * before any request. Once Keycloak's database migration (this table included) has run, it closes
 * what fell due while the server was down, then schedules the task through {@link ClusterTasks}
 * (Keycloak's cluster-aware runner): per interval one node of the cluster runs it. Closing a grant
 * locks its row, so a node's start-up run and another node's task never close one twice.
 *
 * <p>Option: {@code --spi-jpa-entity-provider--ag-gov-grt--expiry-interval-seconds}.
 */
public final class GrantTables extends JpaTables {

    public static final String PROVIDER_ID = "ag-gov-grt";

    static final Option<Integer> EXPIRY_INTERVAL =
            Option.wholeNumber(
                    "expiry-interval-seconds",
                    60,
                    5,
                    3600,
                    "How often the cluster looks for time-bound role and group grants that are due and removes them, in seconds; a grant ends at most this long after its time.");

    public static final OptionGroup OPTIONS =
            OptionGroup.server("spi-jpa-entity-provider--" + PROVIDER_ID, List.of(EXPIRY_INTERVAL));

    private static final Logger LOG = Logger.getLogger(GrantTables.class);
    private static final String TASK = "approval-guard-grant-expiry";

    private final TimedGrants grants = TimedGrants.standard();
    private long intervalMillis;

    public GrantTables() {
        super(
                PROVIDER_ID,
                "META-INF/approval-guard/gov-grant-changelog.xml",
                List.of(TimedGrantEntity.class));
    }

    @Override
    public void init(Config.Scope config) {
        intervalMillis = OPTIONS.read(config).get(EXPIRY_INTERVAL) * 1000L;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(
                event -> {
                    if (event instanceof PostMigrationEvent) {
                        expireDue(factory);
                        schedule(factory);
                    }
                });
    }

    private void expireDue(KeycloakSessionFactory factory) {
        try {
            int closed = grants.expireDue(factory, Time.currentTime()).size();
            if (closed > 0) {
                LOG.infof("Approval Guard: %d time-bound grant(s) closed at start", closed);
            }
        } catch (RuntimeException e) {
            // the scheduled task tries again
            LOG.warnf(e, "Approval Guard: closing due time-bound grants at start failed");
        }
    }

    private void schedule(KeycloakSessionFactory factory) {
        ClusterTasks.schedule(
                factory,
                TASK,
                intervalMillis,
                session ->
                        grants.expireDue(session.getKeycloakSessionFactory(), Time.currentTime()));
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return OPTIONS.metadata();
    }
}
