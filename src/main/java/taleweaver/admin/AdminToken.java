package taleweaver.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The host's token (admin.token): compared in constant time, by digest; an empty one matches nothing (admin off). */
public final class AdminToken {
    private final byte[] digest;
    private final boolean set;

    public AdminToken(String token) {
        this.set = !token.isBlank();
        this.digest = sha256(token);
    }

    public boolean matches(String sent) {
        return set && sent != null && MessageDigest.isEqual(sha256(sent), digest);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
