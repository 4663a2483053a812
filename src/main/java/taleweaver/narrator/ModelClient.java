package taleweaver.narrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.util.ConcurrencyUtil;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import taleweaver.Config;
import taleweaver.Metrics;
import taleweaver.web.Json;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One OpenAI-compatible chat endpoint: {@code POST {base_url}/chat/completions}. Each try runs on the calls'
 * executor and completes a future (the caller's thread never waits); transport errors, 5xx, 408 and 429 are retried with backoff up
 * to max_retries; an unusable reply is asked for once more. Every failure ends as one {@link ModelFailure}.
 * Around each question (SPEC §10): a deadline over queueing, tries and backoff; at most max_concurrent_calls in
 * flight, the rest queued without a thread ({@link CallSlots}); a {@link Breaker} that answers at once while the
 * model is down. With a listener, the reply is streamed (SPEC §11) and its text passed on as it is written.
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
    private final OkHttpClient http;
    private final java.util.concurrent.ExecutorService calls;
    private final ScheduledExecutorService timer;
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
        this.timer = timer;
        this.requests = new ChatRequest(config);
        this.steps = new StepDown(config.jsonMode());
        this.slots = new CallSlots(config.maxConcurrentCalls());
        this.breaker = new Breaker(config.retryDownSeconds() * 1000L, System::currentTimeMillis);
        // Each call runs on one of these threads, blocking in OkHttp's execute(): virtual ones on Java 21+; on Java 17 a
        // fixed pool. (OkHttp's own enqueue renamed its thread around every call, two system calls and a string each.)
        this.calls = ConcurrencyUtil.isLoomAvailable() ? ConcurrencyUtil.executorService("model-calls", true)
                : platformPool(config.maxConcurrentCalls());
        this.http = new OkHttpClient.Builder()
                // a try's time limit is kept on the timers (see exchange); a connect's by the socket itself
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
     * Java 17: the slots let at most {@code calls} calls hold a thread at once, and what follows a call needs a thread
     * too: a fixed pool of {@code calls} + 8, so the count stays bounded however many turns wait, and the eight are
     * always free for what follows a call (a growing pool added a thread for each of those under load).
     */
    private static java.util.concurrent.ExecutorService platformPool(int calls) {
        var count = new java.util.concurrent.atomic.AtomicInteger();
        return java.util.concurrent.Executors.newFixedThreadPool(calls + 8, r -> {
            Thread t = new Thread(r, "model-calls-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs what follows a call on the calls' executor (or here, once it has been shut down). */
    private void afterCall(Runnable next) {
        try {
            calls.execute(next);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            next.run();
        }
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
        var exchange = new Exchange(messages, onText);
        CompletableFuture<Void> slot = slots.acquire();
        slot.thenRun(() -> {
            exchange.holding.set(true);
            if (exchange.result.isDone()) exchange.releaseSlot(); else exchange.send();
        });
        // What follows the answer runs on the thread that got it (no hand-over: one less thread to wake per turn). The
        // deadline fires on the timers' one thread, so what follows a timeout (the offline turn, its database write) is
        // handed to the calls' executor rather than queued there behind every other turn that timed out at once.
        var deadline = deadline(exchange.result);
        return exchange.result.whenComplete((answer, failure) -> {
            if (deadline != null) deadline.cancel(false);
            if (!slot.cancel(false)) exchange.releaseSlot();
            exchange.cancel();
            if (failure == null) breaker.succeeded(); else breaker.failed();
            if (metrics != null) {
                String outcome = failure == null ? "ok" : failure instanceof java.util.concurrent.TimeoutException ? "timeout" : "failed";
                metrics.modelCall(outcome, System.nanoTime() - started);
            }
        });
    }

    /** Fails {@code result} with a TimeoutException once the turn's deadline passes; null when the timers have stopped. */
    private java.util.concurrent.ScheduledFuture<?> deadline(CompletableFuture<Answer> result) {
        return onTimers(() -> afterCall(() -> result.completeExceptionally(new java.util.concurrent.TimeoutException())),
                config.turnDeadlineSeconds() * 1000L);
    }

    /** {@code task} on the timers after {@code millis}; null when they have stopped (shutting down: close() cancels every call). */
    private java.util.concurrent.ScheduledFuture<?> onTimers(Runnable task, long millis) {
        try {
            return timer.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        }
    }

    /** One question to the model, with its retries, its one re-ask and its steps down. */
    private final class Exchange {
        final CompletableFuture<Answer> result = new CompletableFuture<>();
        final AtomicBoolean holding = new AtomicBoolean();
        final UnsentText onText;
        List<Message> messages;
        StepDown.Form form = steps.first();
        boolean stream;
        /** The form this exchange stepped down to on evidence: learned when it works. */
        StepDown.Form provenNeeded;
        int attempt;
        boolean reasked;
        int tokens;
        volatile Call inFlight;

        Exchange(List<Message> messages, Consumer<String> onText) {
            this.messages = messages;
            this.onText = onText == null ? null : new UnsentText(onText);
            this.stream = onText != null && steps.streamAllowed();
        }

        void releaseSlot() {
            if (holding.compareAndSet(true, false)) slots.release();
        }

        void cancel() {
            Call call = inFlight;
            if (call != null) call.cancel();
        }

        void send() {
            if (result.isDone()) return;
            Call call;
            try {
                call = http.newCall(requests.build(form == StepDown.Form.COMPACT ? Prompts.compact(messages) : messages, form == StepDown.Form.JSON, stream));
            } catch (RuntimeException e) { // a request that can't even be built fails like one that went wrong later
                result.completeExceptionally(new ModelFailure("could not start the call: " + e.getClass().getSimpleName()));
                return;
            }
            inFlight = call;
            try {
                calls.execute(() -> exchange(call));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                result.completeExceptionally(new ModelFailure("shutting down"));
            }
        }

        /**
         * One try, on a calls thread: a failed call or an unreadable reply is tried again (or ends the exchange). A try
         * longer than timeout_seconds is cancelled from the timers (OkHttp's own timeouts woke its watchdog thread on
         * nearly every call: a context switch a turn).
         */
        private void exchange(Call call) {
            var timedOut = new AtomicBoolean();
            var limit = onTimers(() -> {
                timedOut.set(true);
                call.cancel();
            }, config.timeoutSeconds() * 1000L);
            try {
                Response response;
                try {
                    response = call.execute();
                } catch (IOException e) {
                    retryOrFail(timedOut.get() ? "timed out" : e.getClass().getSimpleName());
                    return;
                }
                try (response) {
                    answered(response);
                } catch (ReplyBody.TooLarge e) { // asking again would only bring as much again
                    result.completeExceptionally(new ModelFailure(e.getMessage()));
                } catch (RuntimeException | IOException e) {
                    retryOrFail(timedOut.get() ? "timed out" : "unreadable reply");
                }
            } catch (Throwable e) { // an Error too (out of memory, say): the turn is answered now, not at its deadline
                result.completeExceptionally(new ModelFailure("the call failed: " + e.getClass().getSimpleName()));
            } finally {
                if (limit != null) limit.cancel(false);
            }
        }

        private void answered(Response response) throws IOException {
            int code = response.code();
            if (code >= 500 || code == 408 || code == 429) {
                retryOrFail("HTTP " + code);
                return;
            }
            if (code == 400 && stream && StepDown.namesStream(errorText(response))) {
                steps.noStream(); // this server does not stream: asked again without it, and remembered
                stream = false;
                send();
                return;
            }
            if (code == 400 && form != StepDown.Form.COMPACT) {
                boolean evidence = steps.refuses(form, errorText(response));
                form = StepDown.Form.values()[form.ordinal() + 1];
                if (evidence) provenNeeded = form;
                send();
                return;
            }
            if (!response.isSuccessful()) {
                result.completeExceptionally(new ModelFailure("HTTP " + code));
                return;
            }
            String content;
            JsonNode usage;
            String type = String.valueOf(response.header("Content-Type"));
            if (stream && type.startsWith("text/event-stream")) {
                onText.newTry();
                ChatStream.Read read = ChatStream.read(ReplyBody.bounded(response.body()), onText);
                content = read.content();
                usage = read.usage();
            } else {
                JsonNode body = Json.parse(ReplyBody.bytes(response.body())); // from bytes: no string of the whole reply first
                content = content(body.path("choices").path(0).path("message").path("content"));
                usage = body.path("usage");
            }
            tokens += tokens(usage, messages, content);
            steps.worked(form, provenNeeded);
            ObjectNode parsed = ReplyParser.parse(content);
            if (parsed != null) {
                result.complete(new Answer(parsed, tokens));
            } else if (!reasked && form != StepDown.Form.COMPACT) {
                reasked = true;
                var again = new ArrayList<>(messages);
                again.add(new Message("assistant", content == null ? "" : content));
                again.add(new Message("user", "That reply was not usable. Answer with exactly one JSON object with a non-empty \"text\" field, and nothing else."));
                messages = again;
                send();
            } else {
                result.completeExceptionally(new ModelFailure("unusable reply twice"));
            }
        }

        private void retryOrFail(String why) {
            if (result.isDone()) return;
            if (attempt >= config.maxRetries() || timer.isShutdown()) {
                result.completeExceptionally(new ModelFailure(why + " after " + (attempt + 1) + " tries"));
                return;
            }
            long backoff = (long) (250 * Math.pow(2, attempt)) + ThreadLocalRandom.current().nextLong(100);
            attempt++;
            if (onTimers(() -> afterCall(this::send), backoff) == null) { // sent from the calls, not the timers
                result.completeExceptionally(new ModelFailure(why + " (shutting down)"));
            }
        }
    }

    /** The start of an error reply's body, to see what the server says it refuses. */
    private static String errorText(Response response) {
        try {
            return response.peekBody(4096).string();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Content is a string, or (some servers) a list of parts with text. */
    private static String content(JsonNode node) {
        if (node.isTextual()) return node.asText();
        if (node.isArray()) {
            var out = new StringBuilder();
            for (JsonNode part : node) out.append(part.path("text").asText(""));
            return out.toString();
        }
        return null;
    }

    private static int tokens(JsonNode usage, List<Message> messages, String content) {
        if (usage != null && usage.path("total_tokens").canConvertToInt() && usage.path("total_tokens").asInt() > 0) {
            return usage.path("total_tokens").asInt();
        }
        int chars = content == null ? 0 : content.length();
        for (Message m : messages) chars += m.content().length();
        return Prompts.estimateTokens(chars);
    }

    @Override
    public void close() {
        http.dispatcher().cancelAll();
        calls.shutdown();
        http.connectionPool().evictAll();
    }
}
