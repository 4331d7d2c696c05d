package io.approvalguard.risk;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The audit trail of risk responses: what was done to which user, why (reason code), by whom (the
 * in-process scorer, an external scorer through the admin API) and with which result. The
 * idempotency key (the triggering event, or the caller's key) makes a repeated request a no-op.
 */
@Entity
@Table(name = "AG_RISK_ACTION")
public class RiskActionEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "USER_ID", length = 255, nullable = false)
    private String userId;

    @Column(name = "ACTION", length = 64, nullable = false)
    private String action;

    @Column(name = "REASON_CODE", length = 64, nullable = false)
    private String reasonCode;

    @Column(name = "SOURCE", length = 32, nullable = false)
    private String source;

    @Column(name = "ACTOR", length = 255)
    private String actor;

    @Column(name = "LEVEL_NAME", length = 16)
    private String level;

    @Column(name = "SCORE", nullable = false)
    private double score;

    @Column(name = "IDEMPOTENCY_KEY", length = 128, nullable = false)
    private String idempotencyKey;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "DETAIL", length = 255)
    private String detail;

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
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

    public String getAction() {
        return action;
    }

    public void setAction(String action) {
        this.action = action;
    }

    public String getReasonCode() {
        return reasonCode;
    }

    public void setReasonCode(String reasonCode) {
        this.reasonCode = reasonCode;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public String getActor() {
        return actor;
    }

    public void setActor(String actor) {
        this.actor = actor;
    }

    public String getLevel() {
        return level;
    }

    public void setLevel(String level) {
        this.level = level;
    }

    public double getScore() {
        return score;
    }

    public void setScore(double score) {
        this.score = score;
    }

    public String getIdempotencyKey() {
        return idempotencyKey;
    }

    public void setIdempotencyKey(String idempotencyKey) {
        this.idempotencyKey = idempotencyKey;
    }

    public long getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(long createdAt) {
        this.createdAt = createdAt;
    }

    public String getDetail() {
        return detail;
    }

    public void setDetail(String detail) {
        this.detail = detail;
    }
}
