package io.approvalguard.stream;

import io.approvalguard.support.persistence.JpaTables;
import java.util.List;

/**
 * The event stream's tables: {@code AG_OUTBOX}, {@code AG_SINK_STATE} and {@code AG_ANON_FAILURE}.
 */
public final class StreamJpaEntityProviderFactory extends JpaTables {

    public static final String PROVIDER_ID = "ag-stream";

    public StreamJpaEntityProviderFactory() {
        super(
                PROVIDER_ID,
                "META-INF/approval-guard/stream-changelog.xml",
                List.of(
                        OutboxRecordEntity.class,
                        SinkStateEntity.class,
                        AnonymousFailureEntity.class));
    }
}
