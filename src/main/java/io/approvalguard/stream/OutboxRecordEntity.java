package io.approvalguard.stream;

import io.approvalguard.stream.sink.StreamEvent;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One stream record for one sink. Written in the transaction of the change it describes; the relay
 * leases it ({@code leaseOwner}, {@code leaseUntil}) so that one node delivers it, then marks it
 * delivered, schedules a retry, or dead-letters it.
 */
@Entity
@Table(name = "AG_OUTBOX")
public class OutboxRecordEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "EVENT_ID", length = 64, nullable = false)
    private String eventId;

    @Column(name = "SINK_ID", length = 64, nullable = false)
    private String sinkId;

    @Column(name = "REALM_ID", length = 36)
    private String realmId;

    @Column(name = "USER_ID", length = 255)
    private String userId;

    @Column(name = "EVENT_TYPE", length = 128, nullable = false)
    private String eventType;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "PAYLOAD", nullable = false)
    private String payload;

    @Column(name = "STATUS", length = 16, nullable = false)
    private String status;

    /** Where the retry window starts: creation, or the operator's replay of a dead letter. */
    @Column(name = "RETRY_SINCE", nullable = false)
    private long retrySince;

    @Column(name = "ATTEMPTS", nullable = false)
    private int attempts;

    @Column(name = "NEXT_ATTEMPT_AT", nullable = false)
    private long nextAttemptAt;

    @Column(name = "LEASE_OWNER", length = 64)
    private String leaseOwner;

    @Column(name = "LEASE_UNTIL")
    private Long leaseUntil;

    @Column(name = "LAST_ERROR", length = 255)
    private String lastError;

    @Column(name = "DELIVERED_AT")
    private Long deliveredAt;

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getEventId() {
        return eventId;
    }

    public void setEventId(String eventId) {
        this.eventId = eventId;
    }

    public String getSinkId() {
        return sinkId;
    }

    public void setSinkId(String sinkId) {
        this.sinkId = sinkId;
    }

    public String getRealmId() {
        return realmId;
    }

    public void setRealmId(String realmId) {
        this.realmId = realmId;
    }

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public String getEventType() {
        return eventType;
    }

    public void setEventType(String eventType) {
        this.eventType = eventType;
    }

    public long getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(long createdAt) {
        this.createdAt = createdAt;
    }

    public String getPayload() {
        return payload;
    }

    public void setPayload(String payload) {
        this.payload = payload;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public long getRetrySince() {
        return retrySince;
    }

    public void setRetrySince(long retrySince) {
        this.retrySince = retrySince;
    }

    public int getAttempts() {
        return attempts;
    }

    public void setAttempts(int attempts) {
        this.attempts = attempts;
    }

    public long getNextAttemptAt() {
        return nextAttemptAt;
    }

    public void setNextAttemptAt(long nextAttemptAt) {
        this.nextAttemptAt = nextAttemptAt;
    }

    public String getLeaseOwner() {
        return leaseOwner;
    }

    public void setLeaseOwner(String leaseOwner) {
        this.leaseOwner = leaseOwner;
    }

    public Long getLeaseUntil() {
        return leaseUntil;
    }

    public void setLeaseUntil(Long leaseUntil) {
        this.leaseUntil = leaseUntil;
    }

    public String getLastError() {
        return lastError;
    }

    public void setLastError(String lastError) {
        this.lastError = lastError;
    }

    public Long getDeliveredAt() {
        return deliveredAt;
    }

    public void setDeliveredAt(Long deliveredAt) {
        this.deliveredAt = deliveredAt;
    }

    public StreamEvent toStreamEvent() {
        return new StreamEvent(eventId, eventType, realmId, userId, createdAt, payload);
    }
}
