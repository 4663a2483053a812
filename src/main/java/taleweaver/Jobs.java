package taleweaver;

import io.javalin.util.ConcurrencyUtil;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work that runs later or again and again. One timer thread keeps every time (model deadlines, a try's limit, a
 * retry's backoff, round timeouts, lease retries and renewals, the periodic jobs) and only hands work on: what it runs
 * itself never blocks, so a slow database delays no player's deadline. The work runs on {@link #work}: virtual threads
 * on Java 21+, four platform threads on Java 17. (A model call's own continuations run on the calls' executor.)
 */
public final class Jobs implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Jobs.class);
    static final int PLATFORM_WORKERS = 4;

    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService work;

    public Jobs() {
        timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "timers"));
        timer.setRemoveOnCancelPolicy(true); // each model call's deadline is cancelled when it answers: gone at once, not in 20 s
        var count = new AtomicInteger();
        work = ConcurrencyUtil.isLoomAvailable() ? ConcurrencyUtil.executorService("jobs", true)
                : Executors.newFixedThreadPool(PLATFORM_WORKERS, r -> daemon(r, "jobs-" + count.incrementAndGet()));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The timer itself, for callers whose timed tasks only hand work on (a model call's deadline, say). */
    public ScheduledExecutorService timer() {
        return timer;
    }

    /** {@code job} on the workers after {@code millis}; null when shutting down. */
    public ScheduledFuture<?> after(long millis, Runnable job) {
        try {
            return timer.schedule(() -> run(job), millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** A named job every {@code millis} (first after {@code firstMillis}), on the workers, never two runs at once; a failure is logged. */
    public void every(String name, long firstMillis, long millis, Runnable job) {
        var running = new AtomicBoolean();
        timer.scheduleWithFixedDelay(() -> {
            if (!running.compareAndSet(false, true)) return; // the last run is still going: this one is skipped
            if (!run(() -> {
                try {
                    job.run();
                } catch (RuntimeException e) {
                    LOG.warn("{}: {}", name, e.toString());
                } finally {
                    running.set(false);
                }
            })) running.set(false);
        }, firstMillis, millis, TimeUnit.MILLISECONDS);
    }

    /** Hands {@code job} to the workers; false when they have stopped. */
    public boolean run(Runnable job) {
        try {
            work.execute(job);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    public boolean stopped() {
        return timer.isShutdown();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        work.shutdown();
    }
}
