package taleweaver.narrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.util.ConcurrencyUtil;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import taleweaver.Config;
import taleweaver.web.Json;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One OpenAI-compatible chat endpoint: {@code POST {base_url}/chat/completions}. Calls are OkHttp enqueues
 * completed into futures (no thread waits); transport errors, 5xx, 408 and 429 are retried with backoff up
 * to max_retries; an unusable reply is asked for once more. Every failure ends as one {@link ModelFailure}.
 */
public final class ModelClient implements AutoCloseable {
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    /** A message of the conversation sent to the model. */
    public record Message(String role, String content) {}

    /** The parsed object the model answered with, and the tokens the exchange used. */
    public record Answer(ObjectNode object, int tokens) {}

    public static final class ModelFailure extends IOException {
        ModelFailure(String message) { super(message, null); }
    }

    private final Config.Narrator config;
    private final OkHttpClient http;
    private final ScheduledExecutorService timer;
    private final String url;

    public ModelClient(Config.Narrator config, ScheduledExecutorService timer) {
        this.config = config;
        this.timer = timer;
        this.url = config.baseUrl().replaceAll("/+$", "") + "/chat/completions";
        // OkHttp runs each call on a dispatcher thread: virtual ones on Java 21+, so waiting on a model costs no OS thread
        var dispatcher = new Dispatcher(ConcurrencyUtil.executorService("model-calls", true));
        dispatcher.setMaxRequests(1024);
        dispatcher.setMaxRequestsPerHost(1024);
        this.http = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .callTimeout(Duration.ofSeconds(config.timeoutSeconds()))
                .connectTimeout(Duration.ofSeconds(Math.min(10, config.timeoutSeconds())))
                .readTimeout(Duration.ofSeconds(config.timeoutSeconds()))
                .followRedirects(false)
                .retryOnConnectionFailure(false)
                .build();
    }

    public CompletableFuture<Answer> ask(List<Message> messages) {
        var exchange = new Exchange(messages, new CompletableFuture<>());
        exchange.send();
        return exchange.result;
    }

    /**
     * How a request is put, each a step simpler than the one before. A server that answers HTTP 400 is asked again
     * one step down, so the turn goes on. Later requests start lower only on evidence that the server refuses the
     * richer form: an error that names it (response_format, the context size) or the same refusal twice in a row;
     * and only for {@link #STEP_DOWN_MILLIS}, after which the richer form is tried again.
     */
    enum Form { JSON, PLAIN, COMPACT }

    static final long STEP_DOWN_MILLIS = 10 * 60_000L;
    /** The clock of the step-down memory (tests move it). */
    java.util.function.LongSupplier clock = System::currentTimeMillis;
    private volatile Form learned;
    private volatile long learnedUntil;
    private final java.util.concurrent.ConcurrentHashMap<Form, Integer> refusalsInARow = new java.util.concurrent.ConcurrentHashMap<>();

    private Form firstForm() {
        Form base = config.jsonMode() ? Form.JSON : Form.PLAIN;
        Form floor = learned;
        if (floor == null || clock.getAsLong() >= learnedUntil) return base;
        return floor.ordinal() > base.ordinal() ? floor : base;
    }

    /** A 400 at {@code form}: whether it shows the server refuses that form (and not just this one request). */
    private boolean refuses(Form form, String error) {
        int inARow = refusalsInARow.merge(form, 1, Integer::sum);
        String e = error.toLowerCase(java.util.Locale.ROOT);
        boolean named = form == Form.JSON ? e.contains("response_format") || e.contains("json_object") || e.contains("json mode")
                : e.contains("context") || e.contains("too long") || e.contains("maximum") || e.contains("too many tokens");
        return named || inARow >= 2;
    }

    private void learn(Form form) {
        learned = form;
        learnedUntil = clock.getAsLong() + STEP_DOWN_MILLIS;
    }

    /** One question to the model, with its retries, its one re-ask and its steps down. */
    private final class Exchange {
        final CompletableFuture<Answer> result;
        List<Message> messages;
        Form form = firstForm();
        /** The form this exchange stepped down to on evidence: learned when it works. */
        Form provenNeeded;
        int attempt;
        boolean reasked;
        int tokens;

        Exchange(List<Message> messages, CompletableFuture<Answer> result) {
            this.messages = messages;
            this.result = result;
        }

        void send() {
            Call call;
            try {
                call = http.newCall(request(form == Form.COMPACT ? Prompts.compact(messages) : messages, form == Form.JSON));
            } catch (RuntimeException e) { // a request that can't even be built fails like one that went wrong later
                result.completeExceptionally(new ModelFailure("could not start the call: " + e.getClass().getSimpleName()));
                return;
            }
            call.enqueue(new Callback() {
                @Override
                public void onFailure(Call call, IOException e) {
                    retryOrFail(e.getClass().getSimpleName());
                }

                @Override
                public void onResponse(Call call, Response response) {
                    try (response) {
                        answered(response);
                    } catch (RuntimeException | IOException e) {
                        retryOrFail("unreadable reply");
                    }
                }
            });
        }

        private void answered(Response response) throws IOException {
            int code = response.code();
            if (code >= 500 || code == 408 || code == 429) {
                retryOrFail("HTTP " + code);
                return;
            }
            if (code == 400 && form != Form.COMPACT) {
                boolean evidence = refuses(form, errorText(response));
                form = Form.values()[form.ordinal() + 1];
                if (evidence) provenNeeded = form;
                send();
                return;
            }
            if (!response.isSuccessful()) {
                result.completeExceptionally(new ModelFailure("HTTP " + code));
                return;
            }
            JsonNode body = Json.parse(response.body().string());
            String content = content(body.path("choices").path(0).path("message").path("content"));
            tokens += tokens(body, messages, content);
            refusalsInARow.remove(form);
            if (provenNeeded != null && provenNeeded == form) learn(form);
            ObjectNode parsed = ReplyParser.parse(content);
            if (parsed != null) {
                result.complete(new Answer(parsed, tokens));
            } else if (!reasked && form != Form.COMPACT) {
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
            if (attempt >= config.maxRetries() || timer.isShutdown()) {
                result.completeExceptionally(new ModelFailure(why + " after " + (attempt + 1) + " tries"));
                return;
            }
            long backoff = (long) (250 * Math.pow(2, attempt)) + ThreadLocalRandom.current().nextLong(100);
            attempt++;
            try {
                timer.schedule(this::send, backoff, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                result.completeExceptionally(new ModelFailure(why + " (shutting down)"));
            }
        }
    }

    private Request request(List<Message> messages, boolean jsonMode) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", config.model());
        ArrayNode list = body.putArray("messages");
        for (Message m : messages) list.addObject().put("role", m.role()).put("content", m.content());
        body.put("temperature", config.temperature());
        body.put("max_tokens", config.maxTokens());
        if (jsonMode) body.putObject("response_format").put("type", "json_object");
        var builder = new Request.Builder().url(url).post(RequestBody.create(Json.bytes(body), JSON));
        if (!config.apiKey().isBlank()) builder.header("Authorization", "Bearer " + config.apiKey());
        return builder.build();
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

    private static int tokens(JsonNode body, List<Message> messages, String content) {
        JsonNode usage = body.path("usage");
        if (usage.path("total_tokens").canConvertToInt() && usage.path("total_tokens").asInt() > 0) return usage.path("total_tokens").asInt();
        int chars = content == null ? 0 : content.length();
        for (Message m : messages) chars += m.content().length();
        return Prompts.estimateTokens(chars);
    }

    @Override
    public void close() {
        http.dispatcher().cancelAll();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
