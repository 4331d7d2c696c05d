package io.approvalguard.stream;

/** Where an outbox record stands for its sink. */
public enum OutboxStatus {
    /** Waiting for its (next) delivery attempt. */
    PENDING,
    /** The sink has it; purged after the retention period. */
    DELIVERED,
    /** Retried for the whole retry window without success; kept until an operator replays it. */
    DEAD
}
