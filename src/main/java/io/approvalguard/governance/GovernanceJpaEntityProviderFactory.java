package io.approvalguard.governance;

import io.approvalguard.support.persistence.JpaTables;
import java.util.List;

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
                        AuditChainEntity.class));
    }
}
