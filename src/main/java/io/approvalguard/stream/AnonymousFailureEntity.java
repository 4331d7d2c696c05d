package io.approvalguard.stream;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The count of anonymous failure events (no user) of one realm, source address and time window,
 * kept while the window is open; when it closes the count becomes one stream record. The row for
 * addresses beyond the per-realm limit has no address.
 */
@Entity
@Table(name = "AG_ANON_FAILURE")
public class AnonymousFailureEntity {

    /** Derived from realm, window and address, so that every node counts into the same row. */
    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    /** The source address; null for the row of addresses beyond the per-realm limit. */
    @Column(name = "IP_ADDRESS", length = 64)
    private String ipAddress;

    @Column(name = "WINDOW_START", nullable = false)
    private long windowStart;

    @Column(name = "WINDOW_END", nullable = false)
    private long windowEnd;

    /** Every failure counted, whether streamed on its own or not. */
    @Column(name = "ATTEMPTS", nullable = false)
    private int attempts;

    /** How many of them were streamed as records of their own (the budget's first ones). */
    @Column(name = "STREAMED", nullable = false)
    private int streamed;

    /** The realm's CloudEvents source, as the individual records had it. */
    @Column(name = "SOURCE", length = 255, nullable = false)
    private String source;

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

    public String getIpAddress() {
        return ipAddress;
    }

    public void setIpAddress(String ipAddress) {
        this.ipAddress = ipAddress;
    }

    public long getWindowStart() {
        return windowStart;
    }

    public void setWindowStart(long windowStart) {
        this.windowStart = windowStart;
    }

    public long getWindowEnd() {
        return windowEnd;
    }

    public void setWindowEnd(long windowEnd) {
        this.windowEnd = windowEnd;
    }

    public int getAttempts() {
        return attempts;
    }

    public void setAttempts(int attempts) {
        this.attempts = attempts;
    }

    public int getStreamed() {
        return streamed;
    }

    public void setStreamed(int streamed) {
        this.streamed = streamed;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }
}
