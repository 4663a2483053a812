package taleweaver.narrator;

import io.javalin.util.ConcurrencyUtil;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import taleweaver.Config;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a model call travels: an OkHttp client, the executor whose threads block in each call (virtual threads on Java
 * 21+; on Java 17 a fixed pool), and the timers that keep each try's time limit and the backoff between tries. What
 * follows a call runs on the calls' executor, never on the timers' one thread.
 */
final class ModelTransport implements AutoCloseable {
    /** What a try came to: the response (closed by the transport afterwards) or why there was none. */
    interface Outcome {
        void answered(Response response) throws IOException;

        void failed(String why);

        /** Anything else thrown on the way, an Error too: the caller answers now rather than at its deadline. */
        void broke(Throwable e);
    }

    private final OkHttpClient http;
    private final ExecutorService calls;
    private final ScheduledExecutorService timer;
    private final long tryMillis;

    ModelTransport(Config.Narrator config, ScheduledExecutorService timer) {
        this.timer = timer;
        this.tryMillis = config.timeoutSeconds() * 1000L;
        // Each call runs on one of these threads, blocking in OkHttp's execute(). (OkHttp's own enqueue renamed its
        // thread around every call, two system calls and a string each.)
        this.calls = ConcurrencyUtil.isLoomAvailable() ? ConcurrencyUtil.executorService("model-calls", true)
                : platformPool(config.maxConcurrentCalls());
        this.http = new OkHttpClient.Builder()
                // a try's time limit is kept on the timers (see send); a connect's by the socket itself
                .callTimeout(Duration.ZERO).readTimeout(Duration.ZERO).writeTimeout(Duration.ZERO)
                .connectTimeout(Duration.ofSeconds(Math.min(10, config.timeoutSeconds())))
                .followRedirects(false)
                .retryOnConnectionFailure(true) // a pooled connection the server closed is retried at once on a fresh one
                // connect on the call's own thread: racing addresses ("fast fallback") runs each connect on OkHttp's
                // unbounded task threads, 30 of them when 64 calls open their connections at once
                .fastFallback(false)
                .build();
    }

    /**
     * Java 17: the call slots let at most {@code calls} calls hold a thread at once, and what follows a call needs a
     * thread too: at most {@code calls} + 8 threads, so the count stays bounded however many turns wait. A thread is
     * made only when none is idle (a fixed pool made one for each of its first {@code calls} + 8 tasks, busy or not:
     * 520 threads for 512 slots with a hundred calls in flight), and one idle for a minute ends.
     */
    private static ExecutorService platformPool(int calls) {
        var count = new java.util.concurrent.atomic.AtomicInteger();
        var handOff = new IdleFirst();
        var pool = new java.util.concurrent.ThreadPoolExecutor(0, calls + 8, 60, TimeUnit.SECONDS, handOff, r -> {
            Thread t = new Thread(r, "model-calls-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (task, executor) -> { // every thread busy: the task waits for the first to be free
            if (executor.isShutdown()) throw new RejectedExecutionException("shutting down");
            handOff.waitInLine(task);
        });
        return pool;
    }

    /** A queue that takes a task only when an idle thread is waiting for it, so the pool makes a thread otherwise. */
    private static final class IdleFirst extends java.util.concurrent.LinkedTransferQueue<Runnable> {
        @Override
        public boolean offer(Runnable task) {
            return tryTransfer(task);
        }

        void waitInLine(Runnable task) {
            super.offer(task);
        }
    }

    Call newCall(Request request) {
        return http.newCall(request);
    }

    /**
     * One try of {@code call} on a calls thread, told to {@code outcome}. A try longer than timeout_seconds is
     * cancelled from the timers (OkHttp's own timeouts woke its watchdog thread on nearly every call: a context switch
     * a turn). False when the transport is shutting down.
     */
    boolean send(Call call, Outcome outcome) {
        try {
            calls.execute(() -> exchange(call, outcome));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void exchange(Call call, Outcome outcome) {
        var timedOut = new AtomicBoolean();
        var limit = later(() -> {
            timedOut.set(true);
            call.cancel();
        }, tryMillis);
        try {
            Response response;
            try {
                response = call.execute();
            } catch (IOException e) {
                outcome.failed(timedOut.get() ? "timed out" : e.getClass().getSimpleName());
                return;
            }
            try (response) {
                outcome.answered(response);
            } catch (ReplyBody.TooLarge e) { // asking again would only bring as much again
                outcome.broke(e);
            } catch (RuntimeException | IOException e) {
                outcome.failed(timedOut.get() ? "timed out" : "unreadable reply");
            }
        } catch (Throwable e) {
            outcome.broke(e);
        } finally {
            if (limit != null) limit.cancel(false);
        }
    }

    /** {@code task} on the calls' executor after {@code millis}; null when the timers have stopped. */
    ScheduledFuture<?> afterOnCalls(Runnable task, long millis) {
        return later(() -> onCalls(task), millis);
    }

    /** Runs {@code next} on the calls' executor (or here, once it has been shut down). */
    private void onCalls(Runnable next) {
        try {
            calls.execute(next);
        } catch (RejectedExecutionException e) {
            next.run();
        }
    }

    /** {@code task} on the timers after {@code millis}; null when they have stopped (shutting down cancels every call). */
    private ScheduledFuture<?> later(Runnable task, long millis) {
        try {
            return timer.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    boolean stopping() {
        return timer.isShutdown();
    }

    @Override
    public void close() {
        http.dispatcher().cancelAll();
        calls.shutdown();
        http.connectionPool().evictAll();
    }
}
