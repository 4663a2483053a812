package taleweaver.story;

import org.jdbi.v3.core.Handle;
import taleweaver.Config;
import taleweaver.Refusal;
import taleweaver.account.Player;
import taleweaver.character.CharacterDao;
import taleweaver.character.CharacterService;
import taleweaver.character.Sheet;
import taleweaver.character.WorldClock;
import taleweaver.db.Daos;
import taleweaver.db.Database;
import taleweaver.images.ImageStore;
import taleweaver.images.Png;
import taleweaver.narrator.ContentPack;
import taleweaver.narrator.ContentPack.Stage;
import taleweaver.narrator.Lines;
import taleweaver.narrator.Narrator;
import taleweaver.narrator.OfflineNarrator;

import taleweaver.world.Deeds;
import taleweaver.world.Memories;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Tasks (SPEC §4): the lists, choosing the active one, and each turn played in it up to the reward. */
public final class TaskService {
    public record TaskList(List<String> taskList) {}
    public record Selected(String imageData, String text, String taskName) {}

    /** What one /feedback turn did; {@code reward} is non-null only on the turn that finished the task. */
    public record TurnResult(String text, String speaker, String persona, boolean finished, Map<String, Object> reward) {}

    private final Database db;
    private final ContentPack pack;
    private final Lines lines;
    private final Narrator narrator;
    private final ImageStore images;
    private final CharacterService characters;
    private final Config.Tasks config;
    private final Memories memories;
    private final Deeds deeds;

    public TaskService(Database db, ContentPack pack, Narrator narrator, ImageStore images, CharacterService characters, Config.Tasks config,
                       Memories memories, Deeds deeds) {
        this.memories = memories;
        this.deeds = deeds;
        this.db = db;
        this.pack = pack;
        this.lines = new Lines(pack);
        this.narrator = narrator;
        this.images = images;
        this.characters = characters;
        this.config = config;
    }

    /** Common tasks the character can take now: level high enough, not yet finished, in the pack's order. */
    public List<String> available(Player player) {
        return db.read(h -> available(new StoryDao.Reads(h), player.id(), characters.sheet(h, player).level()));
    }

    /** (These read on the turn's handle: a turn reads all it needs through one.) */
    List<String> available(StoryDao.Reads story, long playerId, int level) {
        return available(story.finished(playerId), level);
    }

    List<String> available(List<String> finishedKeys, int level) {
        Set<String> finished = Set.copyOf(finishedKeys);
        return pack.tasks().stream().filter(t -> t.minLevel() <= level && !finished.contains("c:" + t.name()))
                .map(ContentPack.TaskDef::name).toList();
    }

    public List<Quest> openPersonal(Player player) {
        return db.read(h -> openPersonal(new StoryDao.Reads(h), player.id(), characters.sheet(h, player).level()));
    }

    List<Quest> openPersonal(StoryDao.Reads story, long playerId, int level) {
        return story.openPersonal(playerId).stream().map(r -> Quest.personal(r, level)).toList();
    }

    public TaskList taskInfo(Player player) {
        return new TaskList(available(player));
    }

    public TaskList personalInfo(Player player) {
        return new TaskList(openPersonal(player).stream().map(Quest::name).toList());
    }

    public Optional<Quest> findCommon(Player player, String name) {
        return available(player).contains(name) ? pack.task(name).map(Quest::common) : Optional.empty();
    }

    public Optional<Quest> findPersonal(Player player, String name) {
        return openPersonal(player).stream().filter(q -> q.name().equals(name)).findFirst();
    }

    public CompletableFuture<Selected> select(Player player, Optional<Quest> quest, String name) {
        Quest q = quest.orElseThrow(() -> new Refusal(404, "unknown_task", lines.say("task.unknown", "name", name)));
        Progress progress = db.write(h -> activate(h, player, q));
        return images.background(q.key(), q.name(), q.summary())
                .thenApply(png -> new Selected(Png.base64(png), firstLine(q, progress), q.name()));
    }

    /** Makes {@code quest} the active task (pausing any other) and returns where it stands. */
    Progress activate(Handle h, Player player, Quest quest) {
        var dao = Daos.on(h, StoryDao.class);
        dao.start(player.id(), quest.key(), System.currentTimeMillis());
        dao.activate(player.id(), quest.key());
        return new StoryDao.Reads(h).progress(player.id(), quest.key()).orElseThrow();
    }

    String firstLine(Quest quest, Progress progress) {
        if (progress.stage() == 0 && progress.turnsInStage() == 0) return quest.opening();
        return lines.say("task.resume", "task", quest.name(), "goal", quest.stage(progress.stage()).goal());
    }

    public Optional<Quest> active(Player player) {
        return db.read(h -> active(new StoryDao.Reads(h), player, () -> characters.sheet(h, player).level()));
    }

    /** {@code level}: asked only for a personal task, whose reward grows with it. */
    Optional<Quest> active(StoryDao.Reads story, Player player, java.util.function.IntSupplier level) {
        return story.active(player.id()).flatMap(key -> byKey(story, player, key, level));
    }

    Optional<Quest> byKey(StoryDao.Reads story, Player player, String key, java.util.function.IntSupplier level) {
        if (key.startsWith("c:")) return pack.task(key.substring(2)).map(Quest::common);
        long id;
        try {
            id = Long.parseLong(key.substring(2));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return story.personal(id).filter(r -> r.playerId() == player.id()).map(r -> Quest.personal(r, level.getAsInt()));
    }

    public Progress progress(Player player, Quest quest) {
        return db.read(h -> progress(new StoryDao.Reads(h), player, quest));
    }

    Progress progress(StoryDao.Reads story, Player player, Quest quest) {
        return story.progress(player.id(), quest.key()).orElseThrow();
    }

    /** One turn in the active task. Called in the player's lane, so turns of one player never overlap. */
    public CompletableFuture<TurnResult> play(Player player, String text, List<String> items, List<String> skills) {
        Quest quest = active(player).orElseThrow(this::noActiveTask);
        Progress progress = progress(player, quest);
        if (progress.done()) throw noActiveTask();
        Sheet sheet = characters.sheet(player);
        int cost = characters.use(player, sheet, items, skills).energy();
        Stage stage = quest.stage(progress.stage());
        boolean last = progress.stage() >= quest.stages().size() - 1;
        boolean byRule = matches(stage, text, items, skills) || progress.turnsInStage() + 1 >= config.maxTurnsPerStage();
        Stage next = last ? null : quest.stage(progress.stage() + 1);
        String npc = quest.npcName(byRule && next != null ? next : stage);
        var used = new ArrayList<String>(items);
        used.addAll(skills);
        List<String> names = quest.npcs().stream().map(ContentPack.Npc::name).toList();
        List<Narrator.Turn> recent = db.read(h -> new StoryDao.Reads(h).recentTurns(player.id(), quest.key(), 20));
        var scene = new Narrator.TurnScene(player.id(), player.name(), sheet, quest.name(), quest.summary(), stage.goal(),
                next == null ? "" : next.goal(), stage.done(), npc, quest.persona(npc), names, byRule, last,
                text, used, recent, progress.summary(),
                OfflineNarrator.seed(player.id(), quest.key(), progress.stage(), progress.turnsInStage(), text), recall(player, quest, names, recent),
                stage.hints(), next == null ? List.of() : next.intro());
        return narrator.turn(scene).thenApply(reply -> {
            boolean advances = byRule || reply.stageDone();
            String said = Text.reply(reply.text(), stage.done());
            String speaker = speaker(reply.speaker(), names, npc, said);
            Map<String, Object> reward = db.write(h -> commitTurn(h, player, quest, progress, new Spend(cost, skills), advances, text, speaker, said));
            return new TurnResult(said, speaker, quest.persona(speaker), reward != null, reward);
        });
    }

    /**
     * Who a reply is told under: a character of the task speaking for itself, else the DM (see {@link Text#teller}).
     */
    private String speaker(String proposed, List<String> names, String npc, String said) {
        String dm = pack.dm().name();
        String speaker = proposed != null && (names.contains(proposed) || proposed.equals(dm)) ? proposed : npc;
        return Text.teller(speaker, said, dm);
    }

    /** The player's memories for this task (its characters first), and who of them met the player elsewhere and not yet here. */
    private Narrator.Recall recall(Player player, Quest quest, List<String> names, List<Narrator.Turn> recent) {
        List<Memories.Memory> past = memories.of(player.id());
        var cues = new ArrayList<String>(names);
        cues.add(quest.name());
        var known = new java.util.LinkedHashSet<>(Memories.knownElsewhere(past, names, quest.key()));
        known.removeIf(n -> recent.stream().anyMatch(t -> t.speaker().equals(n) || OfflineNarrator.names(t.reply(), n)));
        return new Narrator.Recall(Memories.latestDeed(past), Memories.byRelevance(past, cues), known, List.of());
    }

    /** The energy a turn's skills cost, and which skills. */
    private record Spend(int energy, List<String> skills) {}

    private Map<String, Object> commitTurn(Handle h, Player player, Quest quest, Progress before, Spend spend, boolean advances,
                                           String text, String speaker, String said) {
        db.lockPlayers(h, player.id()); // one reward, one advance: decided on what is committed now
        Progress now = new StoryDao.Reads(h).progress(player.id(), quest.key()).orElseThrow();
        if (now.stage() != before.stage() || now.turnsInStage() != before.turnsInStage() || now.done()) {
            throw new Refusal(409, "conflict", lines.say("busy"));
        }
        Sheet sheet = characters.spendEnergy(CharacterDao.sheet(h, player.id()).orElseThrow(), spend.energy(), spend.skills());
        boolean finished = advances && before.stage() >= quest.stages().size() - 1;
        String summary = advances ? Text.appendSummary(before.summary(), quest.stage(before.stage()).done()) : before.summary();
        Progress after = advances
                ? new Progress(player.id(), quest.key(), before.stage() + 1, 0, finished, summary)
                : new Progress(player.id(), quest.key(), before.stage(), before.turnsInStage() + 1, false, summary);
        StoryDao.save(h, after);
        StoryDao.addTurn(h, player.id(), quest.key(), speaker, text, said);
        List<String> npcs = quest.npcs().stream().map(ContentPack.Npc::name).toList();
        Map<String, Object> reward = null;
        if (advances && !finished) deeds.stageDone(h, player.id(), quest.key(), quest.name(), quest.stage(before.stage()), npcs);
        if (finished) {
            var r = quest.reward();
            Sheet was = sheet;
            sheet = sheet.gainExp(r.exp()).withResources(r.matter(), 0).rested().later(WorldClock.TASK_DONE);
            deeds.taskDone(h, player.id(), player.name(), quest.key(), quest.name(), quest.personal(), npcs);
            deeds.levels(h, player.id(), player.name(), was, sheet);
            long at = System.currentTimeMillis();
            var sheets = Daos.on(h, CharacterDao.class); // a task's end only: the turns before it attach nothing
            for (var item : r.items()) sheets.addEquipment(player.id(), item.name(), item.description(), item.power(), at);
            Daos.on(h, StoryDao.class).deactivate(player.id());
            reward = new LinkedHashMap<>();
            reward.put(lines.say("word.exp"), r.exp());
            reward.put(lines.say("word.matter"), r.matter());
            reward.put("items", r.items().stream().map(ContentPack.Item::name).toList());
        } else {
            sheet = sheet.later(WorldClock.TASK_TURN);
        }
        CharacterDao.update(h, sheet);
        return reward;
    }

    private static boolean matches(Stage stage, String text, List<String> items, List<String> skills) {
        String lower = text.toLowerCase(Locale.ROOT);
        return stage.words().stream().anyMatch(w -> lower.contains(w.toLowerCase(Locale.ROOT)))
                || stage.items() != null && stage.items().stream().anyMatch(items::contains)
                || stage.skills() != null && stage.skills().stream().anyMatch(skills::contains);
    }

    private Refusal noActiveTask() {
        return new Refusal(409, "no_active_task", lines.say("task.none_active"));
    }
}
