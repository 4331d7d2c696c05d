package io.approvalguard.governance.kinds;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A role or group membership granted for a limited time by an approved change request. The row
 * outlives restarts and is shared by every node; the expiry task closes it ({@code revokedAt}) once
 * it is due and removes the role or membership. Times are Keycloak time in seconds.
 */
@Entity
@Table(name = "AG_GOV_GRANT")
public class TimedGrantEntity {

    /** {@code kind} of a realm or client role grant; {@code targetId} is the role's id. */
    public static final String ROLE = "role";

    /** {@code kind} of a group membership; {@code targetId} is the group's id. */
    public static final String GROUP = "group";

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "USER_ID", length = 255, nullable = false)
    private String userId;

    @Column(name = "KIND", length = 16, nullable = false)
    private String kind;

    @Column(name = "TARGET_ID", length = 36, nullable = false)
    private String targetId;

    @Column(name = "REQUEST_ID", length = 36, nullable = false)
    private String requestId;

    @Column(name = "GRANTED_AT", nullable = false)
    private long grantedAt;

    @Column(name = "EXPIRES_AT", nullable = false)
    private long expiresAt;

    @Column(name = "REVOKED_AT")
    private Long revokedAt;

    @Column(name = "REVOKE_REASON", length = 32)
    private String revokeReason;

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

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    public String getTargetId() {
        return targetId;
    }

    public void setTargetId(String targetId) {
        this.targetId = targetId;
    }

    public String getRequestId() {
        return requestId;
    }

    public void setRequestId(String requestId) {
        this.requestId = requestId;
    }

    public long getGrantedAt() {
        return grantedAt;
    }

    public void setGrantedAt(long grantedAt) {
        this.grantedAt = grantedAt;
    }

    public long getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(long expiresAt) {
        this.expiresAt = expiresAt;
    }

    public Long getRevokedAt() {
        return revokedAt;
    }

    public void setRevokedAt(Long revokedAt) {
        this.revokedAt = revokedAt;
    }

    public String getRevokeReason() {
        return revokeReason;
    }

    public void setRevokeReason(String revokeReason) {
        this.revokeReason = revokeReason;
    }
}
