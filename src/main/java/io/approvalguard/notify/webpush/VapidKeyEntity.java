package io.approvalguard.notify.webpush;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The VAPID key pair generated when none is configured, stored once so that every node signs with
 * it. Never updated: a second node's insert fails on the primary key and it reads the first's.
 */
@Entity
@Table(name = "AG_PUSH_VAPID")
public class VapidKeyEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "PRIVATE_KEY", nullable = false, length = 64)
    private String privateKey;

    @Column(name = "PUBLIC_KEY", nullable = false, length = 128)
    private String publicKey;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getPrivateKey() {
        return privateKey;
    }

    public void setPrivateKey(String privateKey) {
        this.privateKey = privateKey;
    }

    public String getPublicKey() {
        return publicKey;
    }

    public void setPublicKey(String publicKey) {
        this.publicKey = publicKey;
    }

    public long getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(long createdAt) {
        this.createdAt = createdAt;
    }
}
