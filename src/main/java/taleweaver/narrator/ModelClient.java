package taleweaver.narrator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import taleweaver.Config;
import taleweaver.Metrics;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One OpenAI-compatible chat endpoint: {@code POST {base_url}/chat/completions}. Around each question (SPEC §10): a
 * {@link Breaker} that answers at once while the model is down, at most max_concurrent_calls in flight with the rest
 * queued without a thread ({@link CallSlots}), and a deadline over queueing, tries and backoff. The question itself,
 * its retries and steps down are a {@link ModelExchange}; how it travels, a {@link ModelTransport}; reading the
 * reply (streamed, SPEC §11, or whole), {@link ModelReply}. The caller's thread never waits.
 */
public final class ModelClient implements AutoCloseable {

    /** A message of the conversation sent to the model. */
    public record Message(String role, String content) {}

    /** The parsed object the model answered with, and the tokens the exchange used. */
    public record Answer(ObjectNode object, int tokens) {}

    public static final class ModelFailure extends IOException {
        ModelFailure(String message) { super(message, null); }
    }

    private final Config.Narrator config;
    private final ModelTransport transport;
    private final ChatRequest requests;
    final StepDown steps;
    private final CallSlots slots;
    private final Breaker breaker;
    private final Metrics metrics;

    public ModelClient(Config.Narrator config, ScheduledExecutorService timer) {
        this(config, timer, null);
    }

    /** {@code metrics} (may be null) hears each call's outcome and time. */
    public ModelClient(Config.Narrator config, ScheduledExecutorService timer, Metrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.transport = new ModelTransport(config, timer);
        this.requests = new ChatRequest(config);
        this.steps = new StepDown(config.jsonMode());
        this.slots = new CallSlots(config.maxConcurrentCalls());
        this.breaker = new Breaker(config.retryDownSeconds() * 1000L, System::currentTimeMillis);
    }

    /** True while the breaker is open (the model is treated as down). */
    public boolean down() { return breaker.isOpen(); }

    public CompletableFuture<Answer> ask(List<Message> messages) {
        return ask(messages, null);
    }

    /** Asks the model; with {@code onText}, the reply's text is passed on in pieces as the model writes it. */
    public CompletableFuture<Answer> ask(List<Message> messages, Consumer<String> onText) {
        long started = System.nanoTime();
        if (!breaker.allow()) {
            if (metrics != null) metrics.modelCall("down", 0);
            return CompletableFuture.failedFuture(new ModelFailure("the model is down (breaker open)"));
        }
        var exchange = new ModelExchange(transport, requests, steps, config.maxRetries(), messages, onText);
        CompletableFuture<Void> slot = slots.acquire();
        slot.thenRun(() -> {
            exchange.holding.set(true);
            if (exchange.result.isDone()) release(exchange); else exchange.send();
        });
        // What follows the answer runs on the thread that got it (no hand-over: one less thread to wake per turn). The
        // deadline is handed from the timers to the calls' executor, so what follows a timeout (the offline turn, its
        // database write) is not queued behind every other turn that timed out at once.
        ScheduledFuture<?> deadline = transport.afterOnCalls(() -> exchange.result.completeExceptionally(new TimeoutException()),
                config.turnDeadlineSeconds() * 1000L);
        return exchange.result.whenComplete((answer, failure) -> {
            if (deadline != null) deadline.cancel(false);
            if (!slot.cancel(false)) release(exchange);
            exchange.cancel();
            if (failure == null) breaker.succeeded(); else breaker.failed();
            if (metrics != null) {
                String outcome = failure == null ? "ok" : failure instanceof TimeoutException ? "timeout" : "failed";
                metrics.modelCall(outcome, System.nanoTime() - started);
            }
        });
    }

    private void release(ModelExchange exchange) {
        if (exchange.holding.compareAndSet(true, false)) slots.release();
    }

    @Override
    public void close() {
        transport.close();
    }
}
