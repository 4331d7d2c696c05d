package io.approvalguard.stream;

import java.util.List;

import io.approvalguard.JpaTables;

/** The outbox tables, {@code AG_OUTBOX} and {@code AG_SINK_STATE}. */
public final class StreamJpaEntityProviderFactory extends JpaTables {

    public static final String PROVIDER_ID = "ag-stream";

    public StreamJpaEntityProviderFactory() {
        super(PROVIDER_ID, "META-INF/approval-guard/stream-changelog.xml",
                List.of(OutboxRecordEntity.class, SinkStateEntity.class));
    }
}
