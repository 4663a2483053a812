package taleweaver.narrator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.Call;
import okhttp3.Response;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One question to the model and its retry policy: transport errors, 5xx, 408 and 429 are tried again with backoff up
 * to max_retries; a 400 steps the request down ({@link StepDown}: no streaming, then no JSON mode, then compact); an
 * unusable reply is asked for once more. Every failure ends as one {@link ModelClient.ModelFailure} in {@link #result}.
 */
final class ModelExchange implements ModelTransport.Outcome {
    final CompletableFuture<ModelClient.Answer> result = new CompletableFuture<>();
    /** Whether this exchange holds one of the call slots (released once, however it ends). */
    final AtomicBoolean holding = new AtomicBoolean();

    private final ModelTransport transport;
    private final ChatRequest requests;
    private final StepDown steps;
    private final int maxRetries;
    private final UnsentText onText;
    private List<ModelClient.Message> messages;
    private StepDown.Form form;
    private boolean stream;
    /** The form this exchange stepped down to on evidence: learned when it works. */
    private StepDown.Form provenNeeded;
    private int attempt;
    private boolean reasked;
    private int tokens;
    private volatile Call inFlight;

    ModelExchange(ModelTransport transport, ChatRequest requests, StepDown steps, int maxRetries, List<ModelClient.Message> messages,
                  Consumer<String> onText) {
        this.transport = transport;
        this.requests = requests;
        this.steps = steps;
        this.maxRetries = maxRetries;
        this.messages = messages;
        this.form = steps.first();
        this.onText = onText == null ? null : new UnsentText(onText);
        this.stream = onText != null && steps.streamAllowed();
    }

    void cancel() {
        Call call = inFlight;
        if (call != null) call.cancel();
    }

    void send() {
        if (result.isDone()) return;
        Call call;
        try {
            call = transport.newCall(requests.build(form == StepDown.Form.COMPACT ? Prompts.compact(messages) : messages,
                    form == StepDown.Form.JSON, stream));
        } catch (RuntimeException e) { // a request that can't even be built fails like one that went wrong later
            fail("could not start the call: " + e.getClass().getSimpleName());
            return;
        }
        inFlight = call;
        if (!transport.send(call, this)) fail("shutting down");
    }

    @Override
    public void answered(Response response) throws IOException {
        int code = response.code();
        if (code >= 500 || code == 408 || code == 429) {
            failed("HTTP " + code);
            return;
        }
        if (code == 400 && stream && StepDown.namesStream(ModelReply.errorText(response))) {
            steps.noStream(); // this server does not stream: asked again without it, and remembered
            stream = false;
            send();
            return;
        }
        if (code == 400 && form != StepDown.Form.COMPACT) {
            boolean evidence = steps.refuses(form, ModelReply.errorText(response));
            form = StepDown.Form.values()[form.ordinal() + 1];
            if (evidence) provenNeeded = form;
            send();
            return;
        }
        if (!response.isSuccessful()) {
            fail("HTTP " + code);
            return;
        }
        ModelReply reply = ModelReply.read(response, stream, onText, messages);
        tokens += reply.tokens();
        steps.worked(form, provenNeeded);
        ObjectNode parsed = ReplyParser.parse(reply.content());
        if (parsed != null) {
            result.complete(new ModelClient.Answer(parsed, tokens));
        } else if (!reasked && form != StepDown.Form.COMPACT) {
            reasked = true;
            var again = new ArrayList<>(messages);
            again.add(new ModelClient.Message("assistant", reply.content() == null ? "" : reply.content()));
            again.add(new ModelClient.Message("user", "That reply was not usable. Answer with exactly one JSON object with a non-empty \"text\" field, and nothing else."));
            messages = again;
            send();
        } else {
            fail("unusable reply twice");
        }
    }

    /** A try that failed is tried again after a backoff, or ends the exchange. */
    @Override
    public void failed(String why) {
        if (result.isDone()) return;
        if (attempt >= maxRetries || transport.stopping()) {
            fail(why + " after " + (attempt + 1) + " tries");
            return;
        }
        long backoff = (long) (250 * Math.pow(2, attempt)) + ThreadLocalRandom.current().nextLong(100);
        attempt++;
        if (transport.afterOnCalls(this::send, backoff) == null) fail(why + " (shutting down)");
    }

    @Override
    public void broke(Throwable e) {
        fail(e instanceof ReplyBody.TooLarge ? e.getMessage() : "the call failed: " + e.getClass().getSimpleName());
    }

    private void fail(String why) {
        result.completeExceptionally(new ModelClient.ModelFailure(why));
    }
}
