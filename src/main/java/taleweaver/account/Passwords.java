package taleweaver.account;

import org.mindrot.jbcrypt.BCrypt;
import taleweaver.Refusal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * bcrypt on a small fixed pool with a bounded queue, so a flood of logins waits its turn instead of
 * taking every core; and the session tokens (256 random bits, stored only as SHA-256).
 */
public final class Passwords implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final int cost;
    private final ThreadPoolExecutor pool;

    public Passwords(int cost, int threads) {
        this.cost = cost;
        var n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(2048), r -> {
            Thread t = new Thread(() -> {
                lowerOsPriority();
                r.run();
            }, "bcrypt-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Java thread priorities mean nothing on Linux, so a bcrypt thread asks the OS itself for the lowest
     * priority (nice 19): when the cores are busy, requests of the game go first and logins wait. Elsewhere,
     * or where that fails, it simply runs at normal priority.
     */
    private static void lowerOsPriority() {
        try {
            java.nio.file.Path self = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self"));
            String tid = self.getFileName().toString();
            if (!tid.chars().allMatch(Character::isDigit)) return;
            new ProcessBuilder("renice", "-n", "19", "-p", tid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (Exception | LinkageError e) {
            // not Linux, or no renice: normal priority
        }
    }

    public CompletableFuture<String> hash(String secret) {
        return submit(() -> BCrypt.hashpw(secret, BCrypt.gensalt(cost)));
    }

    public CompletableFuture<Boolean> matches(String secret, String hash) {
        return submit(() -> {
            try {
                return BCrypt.checkpw(secret, hash);
            } catch (IllegalArgumentException e) {
                return false;
            }
        });
    }

    private <T> CompletableFuture<T> submit(java.util.function.Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, pool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new Refusal(429, "busy", "the server is busy checking passwords; try again shortly"));
        }
    }

    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String tokenHash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
