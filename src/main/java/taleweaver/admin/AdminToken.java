package taleweaver.admin;

import taleweaver.web.RateLimiter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The host's token (admin.token): compared in constant time, by digest; an empty one matches nothing (admin off).
 * Wrong tokens are limited per address wherever a token is taken (/admin/... and /metrics): a few a minute, and while
 * over, even the right token waits.
 */
public final class AdminToken {
    /** Wrong admin tokens an address may send a minute. */
    static final int WRONG_TOKENS_PER_MINUTE = 5;

    /** Whether a sent token is let in; when not, how many seconds the address must wait (0: it was just wrong). */
    public record Verdict(boolean allowed, long retrySeconds) {}

    private final byte[] digest;
    private final boolean set;
    private final RateLimiter wrongTokens = new RateLimiter(WRONG_TOKENS_PER_MINUTE);

    public AdminToken(String token) {
        this.set = !token.isBlank();
        this.digest = sha256(token);
    }

    /**
     * The token {@code address} sent. Every try is counted before the token is compared, so guesses sent in parallel
     * cannot all be compared before any of them counted; the right token then takes its try back.
     */
    public Verdict verify(String address, String sent) {
        String key = "admin:" + address;
        long locked = wrongTokens.acquire(key, System.currentTimeMillis());
        if (locked > 0) return new Verdict(false, locked);
        if (!matches(sent)) return new Verdict(false, 0);
        wrongTokens.giveBack(key);
        return new Verdict(true, 0);
    }

    public void sweep(long now) {
        wrongTokens.sweep(now);
    }

    boolean matches(String sent) {
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
