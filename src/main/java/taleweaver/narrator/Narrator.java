package taleweaver.narrator;

import taleweaver.character.Sheet;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Tells the story. A narrator proposes words and effects; the services decide what happens. Every scene
 * carries a {@code seed} so the offline narrator's choice of words is a function of the game state.
 */
public interface Narrator {

    /** One earlier exchange, for the prompt's window of recent turns. */
    record Turn(String playerText, String speaker, String reply) {}

    /**
     * What the world remembers for a scene (SPEC §14), all of it the player's own or public: {@code latest} deed (or
     * null), {@code memories} most relevant first, {@code known} characters of the scene who met the player before,
     * {@code news} the chronicle's newest lines about other players.
     */
    record Recall(String latest, List<String> memories, Set<String> known, List<String> news) {
        public static final Recall NONE = new Recall(null, List.of(), Set.of(), List.of());
    }

    /** /main: the player talks to the DM. */
    record DmScene(long playerId, String playerName, Sheet sheet, String text, List<String> tasks, List<String> personalTasks,
                   String activeTask, String activeGoal, Map<String, String> summaries, List<Turn> history, String time, long seed,
                   Recall recall) {}
    record DmReply(String text, String takeTask) {}

    /**
     * /feedback: one turn in a task; {@code advances} is the server's own ruling that this turn ends the stage.
     * {@code npc} is who answers: the stage's character, or the next stage's when this turn reaches it. {@code hints}
     * are the stage character's own ways of pointing at the goal, {@code nextIntro} what the next stage's character says
     * when it is reached (either may be empty: a host's older pack).
     */
    record TurnScene(long playerId, String playerName, Sheet sheet, String task, String taskSummary, String goal, String nextGoal,
                     String stageDone, String npc, String npcPersona, List<String> npcs, boolean advances, boolean lastStage,
                     String text, List<String> used, List<Turn> history, String summary, long seed, Recall recall,
                     List<String> hints, List<String> nextIntro) {}
    record TurnReply(String text, String speaker, boolean stageDone) {}

    /** /task_request: the player's wish for a personal task. */
    record WishScene(long playerId, String playerName, Sheet sheet, String wish, String npc, String npcPersona, long seed) {}
    record TaskDraft(String name, String summary, String opening, String text) {}

    /** /merge: the server has fixed kind and power; the narrator names and describes the result. */
    record CraftScene(long playerId, String playerName, Sheet sheet, boolean skill, int num, int power, String wish, long seed) {}
    record CraftDraft(String name, String description, String text) {}

    /** /others: an event, the person in it (the pack's, or a passer-by for an event the client made up), and the player's response. */
    record EventScene(long playerId, String playerName, Sheet sheet, String info, String text, long seed, Recall recall,
                      ContentPack.Encounter person) {}
    record EventReply(String text, String speaker, Map<String, Integer> effect) {}

    /** A judged battle round; the numbers are final, the narrator only tells them. */
    record BattleScene(long playerId, int round, String first, String firstMove, String second, String secondMove,
                       String judged, long seed) {}

    CompletableFuture<DmReply> dm(DmScene scene);
    CompletableFuture<TurnReply> turn(TurnScene scene);
    CompletableFuture<TaskDraft> personalTask(WishScene scene);
    CompletableFuture<CraftDraft> craft(CraftScene scene);
    CompletableFuture<EventReply> event(EventScene scene);
    CompletableFuture<String> battle(BattleScene scene);

    /** Why a character description is unsuitable, or empty. */
    CompletableFuture<Optional<String>> moderate(String description);

    String name();
}
