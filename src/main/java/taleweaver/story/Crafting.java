package taleweaver.story;

import taleweaver.Config;
import taleweaver.Refusal;
import taleweaver.account.NameRules;
import taleweaver.account.Player;
import taleweaver.character.CharacterDao;
import taleweaver.character.CharacterService;
import taleweaver.character.Sheet;
import taleweaver.character.WorldClock;
import taleweaver.db.Daos;
import taleweaver.db.Database;
import taleweaver.narrator.ContentPack;
import taleweaver.narrator.Lines;
import taleweaver.narrator.Narrator;
import taleweaver.narrator.OfflineNarrator;
import taleweaver.web.ApiError;

import taleweaver.world.Deeds;

import java.util.concurrent.CompletableFuture;

/** /merge: spend energy on a skill (mode 0) or matter on equipment (mode 1); power is the server's, the name the narrator's. */
public final class Crafting {
    public record Made(String name, String kind, String description, int power) {}
    public record MergeReply(String text, boolean success, Made item) {}

    private final Database db;
    private final Lines lines;
    private final Narrator narrator;
    private final OfflineNarrator offline;
    private final CharacterService characters;
    private final NameRules rules;
    private final Config.Crafting config;
    private final Deeds deeds;

    public Crafting(Database db, ContentPack pack, Narrator narrator, OfflineNarrator offline, CharacterService characters,
                    NameRules rules, Config.Crafting config, Deeds deeds) {
        this.deeds = deeds;
        this.db = db;
        this.lines = new Lines(pack);
        this.narrator = narrator;
        this.offline = offline;
        this.characters = characters;
        this.rules = rules;
        this.config = config;
    }

    /** Grows with num (square root) and level, never above {@link #finest}. */
    public static int power(int num, int level) {
        return Math.min(finest(level), 3 + (int) Math.round(Math.sqrt(num) * 1.2) + 2 * level);
    }

    /** The most power a craft reaches at {@code level}: 10 + 8 × level. Reaching it is news for the chronicle. */
    public static int finest(int level) {
        return 10 + 8 * level;
    }

    /** Checks what needs no narrator; throws before anything is asked or spent. */
    public void check(Player player, int mode, int num, String wish) {
        if (mode != 0 && mode != 1) throw ApiError.badRequest("bad_mode", "mode must be 0 (a skill) or 1 (equipment)");
        if (num < 1 || num > config.maxNum()) throw ApiError.badRequest("bad_num", "num must be 1.." + config.maxNum());
        if (rules.containsBanned(wish)) throw new Refusal(422, "banned_words", lines.say("merge.banned"));
        afford(characters.sheet(player), mode == 0, num);
    }

    public CompletableFuture<MergeReply> make(Player player, int mode, int num, String wish) {
        boolean skill = mode == 0;
        Sheet sheet = characters.sheet(player);
        afford(sheet, skill, num);
        int power = power(num, sheet.level());
        var scene = new Narrator.CraftScene(player.id(), player.name(), sheet, skill, num, power, wish,
                OfflineNarrator.seed(player.id(), mode, num, wish, sheet.minutes()));
        return narrator.craft(scene).thenCompose(draft -> {
            String name = Text.name(draft.name(), 2, ContentPack.ITEM_NAME_MAX, rules);
            return name != null ? CompletableFuture.completedFuture(new Narrator.CraftDraft(name, draft.description(), draft.text()))
                    : offline.craft(scene); // the pack's own names always fit
        }).thenApply(draft -> {
            String name = draft.name();
            String description = Text.reply(draft.description(), lines.say(skill ? "merge.skill_desc" : "merge.item_desc", "des", wish));
            int cost = Math.max(1, power / 2);
            db.write(h -> {
                db.lockPlayers(h, player.id());
                var dao = Daos.on(h, CharacterDao.class);
                Sheet now = CharacterDao.sheet(h, player.id()).orElseThrow();
                afford(now, skill, num);
                CharacterDao.update(h, now.withResources(skill ? 0 : -num, skill ? -num : 0).later(WorldClock.CRAFT));
                long at = System.currentTimeMillis();
                if (skill) dao.addSkill(player.id(), name, description, power, cost, at);
                else dao.addEquipment(player.id(), name, description, power, at);
                deeds.crafted(h, player.id(), player.name(), name, skill, power, power >= finest(now.level()));
                return null;
            });
            String text = Text.reply(draft.text(), lines.say(skill ? "merge.skill" : "merge.item", "num", num, "name", name,
                    "power", power, "description", description));
            return new MergeReply(text, true, new Made(name, skill ? "skill" : "equipment", description, power));
        });
    }

    private void afford(Sheet sheet, boolean skill, int num) {
        int have = skill ? sheet.energy() : sheet.matter();
        if (have < num) throw new Refusal(422, skill ? "no_energy" : "no_matter", lines.say(skill ? "merge.no_energy" : "merge.no_matter", "num", num, "have", have));
    }
}
