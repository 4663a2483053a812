package taleweaver.narrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import taleweaver.Metrics;
import taleweaver.narrator.ModelClient.Message;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Narration by an OpenAI-compatible model. Each scene is one model exchange whose JSON fields are read
 * tolerantly; when the model fails, or the player's daily tokens are spent, the offline narrator answers.
 * Nothing here is trusted: the services validate names and clamp every effect.
 */
public final class OpenAiNarrator implements Narrator {
    private static final Logger log = LoggerFactory.getLogger(OpenAiNarrator.class);

    private final ModelClient model;
    private final OfflineNarrator offline;
    private final Prompts prompts;
    private final TokenLedger ledger;
    private final int maxChange;
    private final boolean moderation;
    private final ReplyStreams streams;
    private final Metrics metrics;

    public OpenAiNarrator(ModelClient model, OfflineNarrator offline, Prompts prompts, TokenLedger ledger, int maxChange, boolean moderation,
                          ReplyStreams streams, Metrics metrics) {
        this.streams = streams;
        this.metrics = metrics;
        this.model = model;
        this.offline = offline;
        this.prompts = prompts;
        this.ledger = ledger;
        this.maxChange = maxChange;
        this.moderation = moderation;
    }

    @Override
    public String name() { return "openai"; }

    @Override
    public CompletableFuture<DmReply> dm(DmScene s) {
        return ask("dm", s.playerId(), prompts.dm(s), o -> new DmReply(text(o), str(o, "take_task")), () -> offline.dm(s))
                // "接受任务X" takes X even when the model missed it: the offline intent rule sees it too
                .thenApply(reply -> reply.takeTask() != null ? reply
                        : offline.taken(s).map(task -> new DmReply(reply.text(), task)).orElse(reply));
    }

    @Override
    public CompletableFuture<TurnReply> turn(TurnScene s) {
        return ask("turn", s.playerId(), prompts.turn(s), o -> new TurnReply(text(o), str(o, "speaker"), o.path("stage_done").asBoolean(false)),
                () -> offline.turn(s));
    }

    @Override
    public CompletableFuture<TaskDraft> personalTask(WishScene s) {
        return ask("task_request", s.playerId(), prompts.wish(s),
                o -> new TaskDraft(str(o, "name"), str(o, "summary"), str(o, "opening"), text(o)), () -> offline.personalTask(s));
    }

    @Override
    public CompletableFuture<CraftDraft> craft(CraftScene s) {
        return ask("merge", s.playerId(), prompts.craft(s), o -> new CraftDraft(str(o, "name"), str(o, "description"), text(o)),
                () -> offline.craft(s));
    }

    @Override
    public CompletableFuture<EventReply> event(EventScene s) {
        return ask("others", s.playerId(), prompts.event(s, maxChange), o -> {
            var effect = new LinkedHashMap<String, Integer>();
            JsonNode e = o.path("effect");
            for (String key : List.of("exp", "matter", "energy", "hp")) {
                if (e.path(key).isNumber()) effect.put(key, (int) Math.max(-1_000_000, Math.min(1_000_000, e.path(key).asLong())));
            }
            return new EventReply(text(o), str(o, "speaker"), effect);
        }, () -> offline.event(s));
    }

    @Override
    public CompletableFuture<String> battle(BattleScene s) {
        // told to both fighters at once: not streamed to either (each gets the told round whole)
        return ask("battle", -1, s.playerId(), prompts.battle(s), OpenAiNarrator::text, () -> offline.battle(s));
    }

    @Override
    public CompletableFuture<Optional<String>> moderate(String description) {
        if (!moderation) return offline.moderate(description);
        return model.ask(prompts.moderation(description))
                .thenApply(a -> a.object().path("allowed").asBoolean(true) ? Optional.<String>empty()
                        : Optional.of(Optional.ofNullable(str(a.object(), "reason")).orElse(offline.lineModel())))
                .exceptionally(e -> {
                    log.warn("moderation call failed: {}", e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                    return Optional.empty();
                });
    }

    private <T> CompletableFuture<T> ask(String route, long playerId, List<Message> messages, Function<ObjectNode, T> read,
                                         Supplier<CompletableFuture<T>> fallback) {
        return ask(route, playerId, playerId, messages, read, fallback);
    }

    /** {@code listenerOf}: whose stream hears the reply as it is written (-1: nobody's); {@code playerId} pays the tokens. */
    private <T> CompletableFuture<T> ask(String route, long listenerOf, long playerId, List<Message> messages, Function<ObjectNode, T> read,
                                         Supplier<CompletableFuture<T>> fallback) {
        if (!ledger.hasBudget(playerId)) {
            metrics.turn("fallback");
            return fallback.get();
        }
        return model.ask(messages, streams.of(listenerOf)).thenApply(answer -> {
            ledger.record(playerId, answer.tokens());
            metrics.tokens(answer.tokens());
            T reply = read.apply(answer.object());
            metrics.turn("model");
            return reply;
        }).exceptionallyCompose(e -> {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            log.warn("model failed on {} for player {}: {}; the offline narrator answers", route, playerId,
                    cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
            metrics.turn("fallback");
            return fallback.get();
        });
    }

    private static String text(ObjectNode o) {
        return o.path("text").asText("").strip();
    }

    private static String str(ObjectNode o, String field) {
        JsonNode n = o.path(field);
        return n.isTextual() && !n.asText().isBlank() ? n.asText().strip() : null;
    }
}
