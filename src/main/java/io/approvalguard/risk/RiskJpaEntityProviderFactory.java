package io.approvalguard.risk;

import io.approvalguard.support.persistence.JpaTables;
import java.util.List;

/** The risk tables, {@code AG_RISK_STATE} and {@code AG_RISK_ACTION} (the audit trail). */
public final class RiskJpaEntityProviderFactory extends JpaTables {

    public static final String PROVIDER_ID = "ag-risk";

    public RiskJpaEntityProviderFactory() {
        super(
                PROVIDER_ID,
                "META-INF/approval-guard/risk-changelog.xml",
                List.of(RiskStateEntity.class, RiskActionEntity.class));
    }
}
