package taleweaver.story;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jdbi.v3.core.Handle;
import taleweaver.account.Player;
import taleweaver.character.CharacterDao;
import taleweaver.character.CharacterService;
import taleweaver.character.Sheet;
import taleweaver.character.WorldClock;
import taleweaver.db.Database;
import taleweaver.images.ImageStore;
import taleweaver.images.Png;
import taleweaver.narrator.ContentPack;
import taleweaver.narrator.Narrator;
import taleweaver.narrator.OfflineNarrator;

import taleweaver.world.Chronicle;
import taleweaver.world.Memories;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** /main: the player talks with the DM, who answers and, when the player clearly takes a task, starts it. */
public final class DungeonMaster {
    public record MainReply(String text, String role, boolean status, String subimg,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String taskName) {}

    private final Database db;
    private final ContentPack pack;
    private final Narrator narrator;
    private final TaskService tasks;
    private final ImageStore images;
    private final CharacterService characters;
    /** The recent turns read for the prompt (it uses no more). */
    private final int historyTurns;

    public DungeonMaster(Database db, ContentPack pack, Narrator narrator, TaskService tasks, ImageStore images, CharacterService characters,
                         int historyTurns) {
        this.historyTurns = historyTurns;
        this.db = db;
        this.pack = pack;
        this.narrator = narrator;
        this.tasks = tasks;
        this.images = images;
        this.characters = characters;
    }

    public CompletableFuture<MainReply> talk(Player player, String text) {
        var scene = db.readTogether(h -> scene(h, player, text));
        return narrator.dm(scene).thenCompose(reply -> {
            Optional<Quest> taken = Optional.ofNullable(reply.takeTask())
                    .flatMap(name -> tasks.findCommon(player, name).or(() -> tasks.findPersonal(player, name)));
            if (taken.isEmpty()) {
                String said = Text.reply(reply.text(), pack.dm().greeting());
                db.write(h -> record(h, player, text, said));
                return CompletableFuture.completedFuture(new MainReply(said, pack.dm().name(), false, null, null));
            }
            Quest quest = taken.get();
            String opening = db.write(h -> record(h, player, text, tasks.firstLine(quest, tasks.activate(h, player, quest))));
            return images.background(quest.key(), quest.name(), quest.summary())
                    .thenApply(png -> new MainReply(opening, pack.dm().name(), true, Png.base64(png), quest.name()));
        });
    }

    /** Everything the DM knows of the player and the world for this turn, read through one handle. */
    private Narrator.DmScene scene(Handle h, Player player, String text) {
        Sheet sheet = characters.sheet(h, player);
        var story = new StoryDao.Reads(h);
        StoryDao.Standing standing = story.standing(player.id());
        List<String> common = tasks.available(standing.finished(), sheet.level());
        List<Quest> personal = tasks.openPersonal(story, player.id(), sheet.level());
        var summaries = new LinkedHashMap<String, String>();
        common.forEach(n -> pack.task(n).ifPresent(t -> summaries.put(n, t.summary())));
        personal.forEach(q -> summaries.put(q.name(), q.summary()));
        Optional<Quest> active = standing.active().flatMap(key -> key.startsWith("c:") ? pack.task(key.substring(2)).map(Quest::common)
                : personal.stream().filter(q -> q.key().equals(key)).findFirst()); // an open personal task is in that list
        String goal = active.map(q -> q.stage(standing.activeStage()).goal()).orElse(null);
        return new Narrator.DmScene(player.id(), player.name(), sheet, text, common, personal.stream().map(Quest::name).toList(),
                active.map(Quest::name).orElse(null), goal, summaries, story.recentTurns(player.id(), "", historyTurns),
                WorldClock.describe(sheet.minutes(), pack.language()), OfflineNarrator.seed(player.id(), sheet.minutes(), text),
                recall(h, player, text, summaries.keySet(), active));
    }

    /** How many of the chronicle's newest lines about others the DM hears. */
    static final int NEWS = 5;

    /** The player's story (the tasks named in their words and the one under way first), and the town's news. */
    private Narrator.Recall recall(Handle h, Player player, String text, Collection<String> tasks, Optional<Quest> active) {
        Memories.WithNews both = Memories.withNews(h, player.id(), NEWS);
        List<Memories.Memory> past = both.memories();
        String lower = text.toLowerCase(Locale.ROOT);
        var cues = new ArrayList<String>();
        active.ifPresent(q -> cues.add(q.name()));
        for (String t : tasks) if (lower.contains(t.toLowerCase(Locale.ROOT))) cues.add(t);
        return new Narrator.Recall(Memories.latestDeed(past), Memories.byRelevance(past, cues), Set.of(), both.news());
    }

    /** A DM turn passes world time and joins the chat's history; returns what was said. */
    private String record(Handle h, Player player, String text, String said) {
        StoryDao.addDmTurn(h, db.dialect(), player.id(), pack.dm().name(), text, said, WorldClock.DM_TURN);
        return said;
    }
}
