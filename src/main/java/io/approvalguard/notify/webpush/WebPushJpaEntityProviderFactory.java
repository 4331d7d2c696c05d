package io.approvalguard.notify.webpush;

import io.approvalguard.support.persistence.JpaTables;
import java.util.List;

/** Web Push's table: {@code AG_PUSH_VAPID}, the generated VAPID key pair. */
public final class WebPushJpaEntityProviderFactory extends JpaTables {

    public static final String PROVIDER_ID = "ag-webpush";

    public WebPushJpaEntityProviderFactory() {
        super(
                PROVIDER_ID,
                "META-INF/approval-guard/webpush-changelog.xml",
                List.of(VapidKeyEntity.class));
    }
}
