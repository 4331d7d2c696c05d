package io.approvalguard.testkit;

import java.util.List;

/**
 * Where the test Keycloak sends its event stream: receivers on loopback that tests start and stop.
 */
public final class StreamSinks {

    public static final int WEBHOOK_PORT = 8091;
    public static final String WEBHOOK_URL =
            "http://127.0.0.1:" + WEBHOOK_PORT + "/approval-guard/events";

    /** Two secrets, as during a rotation: receivers accept a signature by either. */
    public static final List<String> WEBHOOK_SECRETS =
            List.of(
                    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                    "whsec_c2Vjb25kLXRlc3Qtc2VjcmV0LWZvci1yb3RhdGlvbg==");

    /** The test server's hard deadline for one webhook request. */
    public static final int WEBHOOK_TIMEOUT_MS = 2000;

    public static final int KAFKA_PORT = 19092;
    public static final String KAFKA_BOOTSTRAP = "127.0.0.1:" + KAFKA_PORT;
    public static final String KAFKA_TOPIC = "approval-guard-events";

    private StreamSinks() {}
}
