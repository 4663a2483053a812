package taleweaver.party;

import taleweaver.narrator.ModelClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Tells a party round (SPEC §16): one narrator call per round, never one per player. Offline, from the party lines;
 * with a model, one question holding the party's cards, the task, its stage and needs, the last three rounds and a
 * summary of earlier ones, and this round's actions by name. Every member who acted must be addressed by name: one
 * the model left out gets the offline line. The model's words change nothing: what happened was decided before.
 */
public final class PartyNarrator {
    /** One member's declaration as judged: {@code need} is the index of the need it met, -1 for none. */
    record Declared(String name, String kind, String text, List<String> items, List<String> skills, int need, boolean timedOut) {
        boolean acted() { return kind.equals("act"); }
    }

    /**
     * What the server decided about the round; the narrator only tells it. {@code triedBefore}: the rounds this quest
     * played on the stage before this one, as far as the last {@link #RECENT_ROUNDS} tell (so at most that many).
     */
    record Scene(PartyContent.Task task, int stage, List<Declared> declared, List<PartyDao.Member> members, boolean stageMet,
                 boolean finished, List<String> recent, String summary, List<String> ofEachOther, long seed, int triedBefore) {
        PartyContent.Stage current() { return task.stages().get(stage); }
    }

    /**
     * The round's telling: {@code text} whole, as it was streamed; for a client that shows the round's character under
     * their own name and face, {@code narration} is the DM's part and {@code npcSays} what {@code npc} says (empty when
     * they say nothing this round).
     */
    record Told(String text, String speaker, String narration, String npc, String npcSays) {}

    /** The most characters of earlier rounds the prompt carries: three rounds in full, the rest as a summary this long. */
    static final int RECENT_ROUNDS = 3;
    /**
     * From a stage's third round on, what it still needs is told with words that would meet it: a party whose own words
     * missed twice is not left guessing (no quest locks a party in, as SPEC §5 has it for a player's task).
     */
    static final int WORDS_AFTER_ROUNDS = 2;
    static final int SUMMARY_MAX = 600;
    static final int ROUND_TEXT_MAX = 1200;
    /** The longest line a model may give the round's character. */
    static final int NPC_SAYS_MAX = 300;
    /** What a round's prompt holds at most, however long the quest (four members, 400-character actions, two memories each). */
    static final int PROMPT_MAX_CHARS = 10000;

    private final PartyContent content;
    private final String dm;
    private final ModelClient model;

    private final String joint;
    private final String language;

    /** {@code language}: the pack's; Chinese sentences follow one another without a space. */
    public PartyNarrator(PartyContent content, String dm, ModelClient model, String language) {
        this.language = language;
        this.joint = language.equals("zh") ? "" : " ";
        this.content = content;
        this.dm = dm;
        this.model = model;
    }

    /** Whether a round's prompt is asked of a model (the members' memories of each other are read only for one). */
    boolean asksModel() {
        return model != null;
    }

    /** {@code onText} hears the telling as it is written (the model's words as they come; offline, all at once). */
    CompletableFuture<Told> tell(Scene scene, java.util.function.Consumer<String> onText) {
        Told offline = offline(scene);
        if (model == null) {
            onText.accept(offline.text());
            return CompletableFuture.completedFuture(offline);
        }
        var heard = new java.util.concurrent.atomic.AtomicBoolean();
        return model.ask(prompt(scene), piece -> {
            heard.set(true);
            onText.accept(piece);
        }).handle((answer, failure) -> {
            String text = failure != null || answer == null ? "" : answer.object().path("text").asText("").strip();
            if (text.isEmpty()) {
                onText.accept(heard.get() ? "\n" + offline.text() : offline.text());
                return offline;
            }
            if (text.length() > ROUND_TEXT_MAX) text = text.substring(0, ROUND_TEXT_MAX).strip();
            var out = new StringBuilder(text);
            for (Declared d : scene.declared()) {
                if (d.acted() && !text.contains(d.name())) out.append(joint).append(line(d, scene, scene.seed())); // everyone who acted is answered
            }
            if (scene.stageMet() && !scene.finished()) out.append(joint).append(nextGoal(scene)); // as the offline telling ends
            if (!heard.get()) onText.accept(out.toString());
            else if (out.length() > text.length()) onText.accept(out.substring(text.length()));
            String says = spoken(answer.object().path("npc_says").asText(""), scene.current().npc());
            // already in the narration, or naming its own speaker (then not that character's own words): not shown apart
            if (text.contains(says) || taleweaver.narrator.OfflineNarrator.names(says, scene.current().npc())) says = "";
            return new Told(out.toString(), dm, out.toString(), scene.current().npc(), says);
        });
    }

    /** Quotes a model may put around a character's words: each opener, then its closer. */
    private static final String QUOTES = "\"\"“”「」『』‘’''";

    /**
     * A character's words as a model gave them, shown under the character's own name: without that name before them
     * ("Widow Lan: …") or quotes around them, which the page would show twice; at most {@link #NPC_SAYS_MAX}.
     */
    static String spoken(String says, String npc) {
        String s = says.strip();
        for (String colon : List.of(":", "：")) if (s.startsWith(npc + colon)) s = s.substring(npc.length() + colon.length()).strip();
        for (int q = 0; q < QUOTES.length(); q += 2) {
            char open = QUOTES.charAt(q), close = QUOTES.charAt(q + 1);
            if (s.length() < 2 || s.charAt(0) != open || s.charAt(s.length() - 1) != close) continue;
            String inside = s.substring(1, s.length() - 1);
            if (inside.indexOf(open) < 0 && inside.indexOf(close) < 0) s = inside.strip(); // one quote around it all
            break;
        }
        return s.length() > NPC_SAYS_MAX ? s.substring(0, NPC_SAYS_MAX) : s;
    }

    /**
     * The offline telling: a line for each member, then the stage's character on what came of it and the narrator on
     * what follows. The narration alone leaves the character's words out: a client shows those under their face.
     */
    Told offline(Scene scene) {
        var parts = new ArrayList<String>();
        for (Declared d : scene.declared()) parts.add(line(d, scene, scene.seed() + parts.size()));
        var narration = new ArrayList<>(parts);
        PartyContent.Stage stage = scene.current();
        String says;
        if (scene.stageMet()) {
            says = stage.line();
            parts.add(content.say("met", scene.seed(), "npc", stage.npc(), "line", says));
            var after = new ArrayList<String>();
            after.add(scene.finished() ? content.say("finished", scene.seed(), "done", stage.done()) : stage.done());
            if (!scene.finished()) after.add(nextGoal(scene));
            parts.addAll(after);
            narration.addAll(after);
        } else {
            says = stage.waiting(scene.seed());
            String needs = stillNeeded(scene);
            parts.add(content.say("missing", scene.seed(), "npc", stage.npc(), "waiting", says, "needs", needs));
            narration.add(content.say("still_needed", scene.seed(), "needs", needs));
        }
        return new Told(String.join(joint, parts), dm, String.join(joint, narration), stage.npc(), says);
    }

    private static String nextGoal(Scene scene) {
        return scene.task().stages().get(scene.stage() + 1).goal();
    }

    /**
     * What the stage needs that none of this round's actions met, in the pack's words; from the stage's third round
     * each with two of the words that meet it.
     */
    private String stillNeeded(Scene scene) {
        PartyContent.Stage stage = scene.current();
        var met = new java.util.HashSet<Integer>();
        for (Declared d : scene.declared()) if (d.need() >= 0) met.add(d.need());
        boolean zh = language.equals("zh");
        var missing = new ArrayList<String>();
        for (int i = 0; i < stage.needs().size(); i++) {
            if (met.contains(i)) continue;
            var need = stage.needs().get(i);
            var words = need.words().subList(0, Math.min(2, need.words().size()));
            missing.add(scene.triedBefore() < WORDS_AFTER_ROUNDS || words.isEmpty() ? need.what()
                    : zh ? need.what() + "（" + String.join("、", words) + "）" : need.what() + " (" + String.join(", ", words) + ")");
        }
        return String.join(zh ? "、" : ", ", missing);
    }

    /** A member's line: what their action met, or (meeting nothing) a hand lent to a stage the others met, or a try. */
    private String line(Declared d, Scene scene, long seed) {
        if (!d.acted()) return content.say("held", seed, "name", d.name());
        if (d.need() >= 0) return content.say("acted_need", seed, "name", d.name(), "what", scene.current().needs().get(d.need()).what());
        return content.say(scene.stageMet() ? "acted_aside" : "acted", seed, "name", d.name(), "text", d.text());
    }

    /** The one question for the round: bounded however long the quest (three rounds in full, a capped summary). */
    List<ModelClient.Message> prompt(Scene scene) {
        PartyContent.Stage stage = scene.current();
        var system = "You are " + dm + ", the game master of a party quest for " + scene.members().size() + " players. Narrate this round "
                + "in " + (language.equals("zh") ? "Simplified Chinese" : "English") + ", in at most 150 words. Address by name every player who acted, and say what came of "
                + "their attempt. Characters speak in their own voice, in quotes. You decide no effects: the stage, energy, hp and "
                + "rewards are decided by the server and stated below; never say a player's hp or belongings changed. Answer with "
                + "one JSON object: {\"text\": \"...\", \"npc_says\": \"...\"}: text is your narration, npc_says (optional) what "
                + stage.npc() + " says this round, in their own voice, in the first person, without their name or quotes.";
        var user = new StringBuilder();
        user.append("Task: ").append(scene.task().name()).append(" — ").append(scene.task().summary()).append('\n');
        user.append("Stage: ").append(stage.goal()).append(" (character: ").append(stage.npc()).append(", ")
                .append(scene.task().persona(stage.npc())).append(")\nNeeds: ");
        for (var n : stage.needs()) user.append(n.what()).append("; ");
        user.append("\nParty:\n");
        for (var m : scene.members()) {
            user.append("- ").append(m.name()).append(", level ").append(m.level()).append(", hp ").append(m.hp()).append('/').append(m.maxHp())
                    .append(", energy ").append(m.energy()).append(", ").append(m.state()).append('\n');
        }
        if (!scene.ofEachOther().isEmpty()) {
            user.append("What they remember of each other:\n");
            for (String line : scene.ofEachOther()) user.append("- ").append(line).append('\n');
        }
        if (!scene.summary().isBlank()) user.append("Earlier: ").append(cut(scene.summary(), SUMMARY_MAX)).append('\n');
        var recent = scene.recent();
        for (String r : recent.subList(Math.max(0, recent.size() - RECENT_ROUNDS), recent.size())) user.append("Before: ").append(cut(r, ROUND_TEXT_MAX)).append('\n');
        user.append("This round:\n");
        for (Declared d : scene.declared()) {
            user.append("- ").append(d.name()).append(": ");
            if (!d.acted()) user.append(d.timedOut() ? "(did not act in time: holds)" : "(holds)");
            else {
                user.append(d.text());
                if (!d.items().isEmpty() || !d.skills().isEmpty()) user.append(" [using ").append(String.join(", ", d.items()))
                        .append(d.items().isEmpty() || d.skills().isEmpty() ? "" : ", ").append(String.join(", ", d.skills())).append(']');
            }
            user.append('\n');
        }
        var actors = scene.declared().stream().filter(Declared::acted).map(Declared::name).toList();
        if (!actors.isEmpty()) user.append("Address by name: ").append(String.join(", ", actors)).append('\n');
        user.append("Outcome decided by the server: ").append(scene.finished() ? "the task is complete: " + stage.done()
                : scene.stageMet() ? "the stage is met: " + stage.done() + " The players are told the next stage after your narration: "
                + nextGoal(scene) : "the stage is not met yet; still needed: " + stillNeeded(scene)
                + (scene.triedBefore() >= WORDS_AFTER_ROUNDS ? ". The party has been at it for rounds: let " + stage.npc()
                + " hint plainly at what is needed" : ""));
        return List.of(new ModelClient.Message("system", system), new ModelClient.Message("user", user.toString()));
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(s.length() - max);
    }
}
