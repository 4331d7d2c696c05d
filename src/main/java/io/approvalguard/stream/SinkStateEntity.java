package io.approvalguard.stream;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A sink an operator must look at: its receiver said it is gone (HTTP 410), so the relay pauses it.
 */
@Entity
@Table(name = "AG_SINK_STATE")
public class SinkStateEntity {

    @Id
    @Column(name = "SINK_ID", length = 64)
    private String sinkId;

    @Column(name = "PAUSED_AT", nullable = false)
    private long pausedAt;

    @Column(name = "REASON", length = 255)
    private String reason;

    public String getSinkId() {
        return sinkId;
    }

    public void setSinkId(String sinkId) {
        this.sinkId = sinkId;
    }

    public long getPausedAt() {
        return pausedAt;
    }

    public void setPausedAt(long pausedAt) {
        this.pausedAt = pausedAt;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }
}
