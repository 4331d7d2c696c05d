package io.approvalguard.risk;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * The risk scorer's durable state of one subject (a user, or an IP address for spraying): score,
 * push suspension and the bounded history, as JSON. Optimistically locked: two nodes scoring the
 * same user at once cannot lose an update; the loser's transaction is retried by the relay.
 */
@Entity
@Table(name = "AG_RISK_STATE")
public class RiskStateEntity {

    @Id
    @Column(name = "ID", length = 320)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "SUBJECT", length = 280, nullable = false)
    private String subject;

    @Column(name = "SCORE", nullable = false)
    private double score;

    @Column(name = "SCORED_AT", nullable = false)
    private long scoredAt;

    @Column(name = "PUSH_SUSPENDED_UNTIL", nullable = false)
    private long pushSuspendedUntil;

    @Column(name = "PROFILE", nullable = false)
    private String profile;

    @Column(name = "UPDATED_AT", nullable = false)
    private long updatedAt;

    @Version
    @Column(name = "VERSION", nullable = false)
    private int version;

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

    public String getSubject() {
        return subject;
    }

    public void setSubject(String subject) {
        this.subject = subject;
    }

    public double getScore() {
        return score;
    }

    public void setScore(double score) {
        this.score = score;
    }

    public long getScoredAt() {
        return scoredAt;
    }

    public void setScoredAt(long scoredAt) {
        this.scoredAt = scoredAt;
    }

    public long getPushSuspendedUntil() {
        return pushSuspendedUntil;
    }

    public void setPushSuspendedUntil(long pushSuspendedUntil) {
        this.pushSuspendedUntil = pushSuspendedUntil;
    }

    public String getProfile() {
        return profile;
    }

    public void setProfile(String profile) {
        this.profile = profile;
    }

    public long getUpdatedAt() {
        return updatedAt;
    }

    public void setUpdatedAt(long updatedAt) {
        this.updatedAt = updatedAt;
    }

    public int getVersion() {
        return version;
    }

    public void setVersion(int version) {
        this.version = version;
    }
}
