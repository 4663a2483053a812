package taleweaver.story;

import taleweaver.Config;
import taleweaver.Refusal;
import taleweaver.account.NameRules;
import taleweaver.account.Player;
import taleweaver.character.CharacterService;
import taleweaver.db.Daos;
import taleweaver.db.Database;
import taleweaver.narrator.ContentPack;
import taleweaver.narrator.ContentPack.Stage;
import taleweaver.narrator.Lines;
import taleweaver.narrator.Narrator;
import taleweaver.narrator.OfflineNarrator;
import taleweaver.web.Json;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** /task_request: the DM turns a player's wish into a personal task, within tasks.max_open_personal. */
public final class Wishes {
    public record WishReply(String text, String role, String taskName) {}

    private final Database db;
    private final ContentPack pack;
    private final Lines lines;
    private final Narrator narrator;
    private final OfflineNarrator offline;
    private final TaskService tasks;
    private final CharacterService characters;
    private final NameRules rules;
    private final Config.Tasks config;

    public Wishes(Database db, ContentPack pack, Narrator narrator, OfflineNarrator offline, TaskService tasks, CharacterService characters, NameRules rules, Config.Tasks config) {
        this.db = db;
        this.pack = pack;
        this.lines = new Lines(pack);
        this.narrator = narrator;
        this.offline = offline;
        this.tasks = tasks;
        this.characters = characters;
        this.rules = rules;
        this.config = config;
    }

    public CompletableFuture<WishReply> request(Player player, String wish) {
        int open = tasks.openPersonal(player).size();
        if (open >= config.maxOpenPersonal()) throw tooMany(); // early, before the model is asked
        long seed = OfflineNarrator.seed(player.id(), wish, open);
        var npcs = pack.personal().npcs();
        ContentPack.Npc npc = npcs.get(Math.floorMod(seed, npcs.size()));
        var scene = new Narrator.WishScene(player.id(), player.name(), characters.sheet(player), wish, npc.name(), npc.persona(), seed);
        return narrator.personalTask(scene).thenCompose(draft -> {
            String name = Text.name(draft.name(), 2, 40, rules);
            if (name == null || pack.task(name).isPresent()) return offline.personalTask(scene).thenApply(d -> keep(player, npc, d, d.name()));
            return CompletableFuture.completedFuture(keep(player, npc, draft, name));
        });
    }

    private Refusal tooMany() {
        return new Refusal(409, "too_many_tasks", lines.say("task.too_many", "max", config.maxOpenPersonal()));
    }

    private WishReply keep(Player player, ContentPack.Npc npc, Narrator.TaskDraft draft, String proposedName) {
        String summary = Text.reply(draft.summary(), "").isEmpty() ? draft.name() : Lines.shorten(draft.summary().strip(), 200);
        String opening = Text.reply(draft.opening(), summary);
        List<Stage> stages = pack.personal().stages().stream()
                .map(s -> s.withNpc(npc.name())).toList();
        String name = db.write(h -> {
            db.lockPlayers(h, player.id());
            var dao = Daos.on(h, StoryDao.class);
            if (dao.openPersonalCount(player.id()) >= config.maxOpenPersonal()) throw tooMany(); // counted where it is added
            String unique = proposedName;
            for (int n = 2; dao.personalNamed(player.id(), unique) > 0; n++) unique = proposedName + " " + n;
            dao.addPersonal(player.id(), unique, summary, opening, npc.name(), npc.persona(), Json.text(stages), System.currentTimeMillis());
            return unique;
        });
        String text = draft.text() != null && !draft.text().isBlank() ? Text.reply(draft.text(), "")
                : lines.say("task.personal_made", "name", name, "summary", summary);
        return new WishReply(text, pack.dm().name(), name);
    }
}
