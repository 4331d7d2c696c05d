package io.approvalguard.notify.webpush;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;

/**
 * The application server's VAPID key pair (RFC 8292): the browser binds each subscription to its
 * public key, so every node must sign with the same pair.
 */
public final class VapidKeys {

    private final ECPrivateKey privateKey;
    private final ECPublicKey publicKey;
    private final String publicKeyBase64Url;

    private VapidKeys(ECPrivateKey privateKey, ECPublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.publicKeyBase64Url = P256.base64Url(P256.point(publicKey));
    }

    /** Why a configured key cannot be used; names which one, never its value. */
    public static final class InvalidKeyException extends IllegalArgumentException {
        private final boolean privateKeyAtFault;

        InvalidKeyException(boolean privateKeyAtFault, String message) {
            super(message);
            this.privateKeyAtFault = privateKeyAtFault;
        }

        public boolean privateKeyAtFault() {
            return privateKeyAtFault;
        }
    }

    /**
     * From base64url raw values: the 32-byte scalar d and the 65-byte uncompressed point.
     *
     * @throws InvalidKeyException when either does not decode or they are not one pair
     */
    public static VapidKeys of(String privateKeyBase64Url, String publicKeyBase64Url) {
        ECPrivateKey privateKey;
        ECPublicKey publicKey;
        try {
            privateKey = P256.privateKey(P256.fromBase64Url(privateKeyBase64Url));
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException(
                    true, "base64url of a 32-byte P-256 private scalar (" + e.getMessage() + ")");
        }
        try {
            publicKey = P256.publicKey(P256.fromBase64Url(publicKeyBase64Url));
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException(
                    false,
                    "base64url of a 65-byte uncompressed P-256 public key ("
                            + e.getMessage()
                            + ")");
        }
        VapidKeys keys = new VapidKeys(privateKey, publicKey);
        if (!keys.matches()) {
            throw new InvalidKeyException(false, "the public key of the configured private key");
        }
        return keys;
    }

    /** A fresh pair, for the one an installation stores when none is configured. */
    public static VapidKeys generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(P256.PARAMS);
            KeyPair pair = generator.generateKeyPair();
            return new VapidKeys((ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256", e);
        }
    }

    public String privateKeyBase64Url() {
        return P256.base64Url(P256.scalar(privateKey));
    }

    /** The {@code applicationServerKey} a browser subscribes with, and the {@code k} of VAPID. */
    public String publicKeyBase64Url() {
        return publicKeyBase64Url;
    }

    ECPrivateKey privateKey() {
        return privateKey;
    }

    ECPublicKey publicKey() {
        return publicKey;
    }

    /** The JDK cannot derive a point from a scalar; a signature one verifies with the other can. */
    private boolean matches() {
        try {
            byte[] probe = "approval-guard vapid key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "VapidKeys[public " + publicKeyBase64Url + "]";
    }
}
