package io.approvalguard.stream.sink;

/**
 * One record of the event stream as a sink receives it: the CloudEvents 1.0 JSON envelope, already
 * serialised when the change was committed, plus the attributes a sink needs without parsing it.
 *
 * @param id the CloudEvent id: stable across retries and sinks, the receiver's deduplication key
 * @param type the CloudEvent type, for example {@code io.approvalguard.challenge.denied}
 * @param realmId the realm the event happened in
 * @param userId the user it is about, or null (Kafka's record key)
 * @param timeMillis when it happened
 * @param json the whole envelope, exactly the bytes every sink sends
 */
public record StreamEvent(
        String id, String type, String realmId, String userId, long timeMillis, String json) {}
