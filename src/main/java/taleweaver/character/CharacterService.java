package taleweaver.character;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jdbi.v3.core.Handle;
import taleweaver.Refusal;
import taleweaver.account.Player;
import taleweaver.db.Daos;
import taleweaver.db.Database;
import taleweaver.narrator.ContentPack;

import taleweaver.narrator.Lines;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The character sheet: created at signup with the starter kit, read by /status /bag /skill /time. */
public final class CharacterService {
    private static final String[] ZH_KEYS = {"等级", "经验", "升级所需经验", "物质", "能量", "生命", "最大生命", "攻击", "防御"};
    private static final String[] EN_KEYS = {"Level", "Experience", "Next level", "Matter", "Energy", "HP", "Max HP", "Attack", "Defense"};

    /** The sheet's figures; {@code rating} from the ladder; the meter only with a model configured. */
    public record Stats(int level, int exp, int expNext, int matter, int energy, int hp, int maxHp, int attack, int defense, int rating,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Integer tokensToday,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Integer tokensBudget) {}
    public record StatusReply(Map<String, Integer> attribute, Stats stats) {}
    public record BagEntry(String description, int count, int power) {}
    public record BagReply(Map<String, BagEntry> equipments) {}
    public record SkillEntry(String description, int power, int cost) {}
    public record SkillReply(Map<String, SkillEntry> skills) {}
    public record TimeReply(String time) {}
    /** What using some items and skills costs in energy, and the power they add. */
    public record Use(int energy, int power) {}

    private final Database db;
    private final ContentPack pack;
    private final Lines lines;

    private final Meter meter;

    public CharacterService(Database db, ContentPack pack) {
        this(db, pack, null);
    }

    /** {@code meter}: the model's daily token meter, or null with the offline narrator. */
    public CharacterService(Database db, ContentPack pack, Meter meter) {
        this.meter = meter;
        this.db = db;
        this.pack = pack;
        this.lines = new Lines(pack);
    }

    /** Part of the signup transaction: a level-1 character with the pack's starter items and skills. */
    public void create(Handle h, long playerId) {
        CharacterDao dao = Daos.on(h, CharacterDao.class);
        dao.insert(Sheet.starting(playerId));
        long now = System.currentTimeMillis();
        for (var item : pack.starter().items()) dao.addEquipment(playerId, item.name(), item.description(), item.power(), now);
        for (var skill : pack.starter().skills()) dao.addSkill(playerId, skill.name(), skill.description(), skill.power(), skill.cost(), now);
    }

    public Sheet sheet(Player player) {
        return db.read(h -> sheet(h, player));
    }

    /** The sheet as {@code h} sees it: a turn reads all it needs through one handle. */
    public Sheet sheet(Handle h, Player player) {
        return CharacterDao.sheet(h, player.id())
                .orElseThrow(() -> noCharacter(player));
    }

    private static Refusal noCharacter(Player player) {
        return new Refusal(404, "no_character", "no character for " + player.name());
    }

    public StatusReply status(Player player) {
        var read = db.read(h -> CharacterDao.sheetAndRating(h, player.id()))
                .orElseThrow(() -> noCharacter(player));
        Sheet s = read.sheet();
        int rating = read.rating();
        Stats stats = new Stats(s.level(), s.exp(), s.expNext(), s.matter(), s.energy(), s.hp(), s.maxHp(), s.attack(), s.defense(), rating,
                meter == null ? null : meter.spentToday(player.id()), meter == null ? null : meter.budget());
        int[] values = {s.level(), s.exp(), s.expNext(), s.matter(), s.energy(), s.hp(), s.maxHp(), s.attack(), s.defense()};
        String[] keys = pack.language().equals("zh") ? ZH_KEYS : EN_KEYS;
        var attribute = new LinkedHashMap<String, Integer>();
        for (int i = 0; i < keys.length; i++) attribute.put(keys[i], values[i]);
        return new StatusReply(attribute, stats);
    }

    public BagReply bag(Player player) {
        var out = new LinkedHashMap<String, BagEntry>();
        for (Gear g : equipment(player)) out.put(g.name(), new BagEntry(g.description(), g.count(), g.power()));
        return new BagReply(out);
    }

    public SkillReply skills(Player player) {
        var out = new LinkedHashMap<String, SkillEntry>();
        for (SkillRow s : knownSkills(player)) out.put(s.name(), new SkillEntry(s.description(), s.power(), s.cost()));
        return new SkillReply(out);
    }

    public TimeReply time(Player player) {
        return new TimeReply(WorldClock.describe(sheet(player).minutes(), pack.language()));
    }

    /** Checks the player owns every item and skill named and has the energy for the skills; else 422 naming the first missing. */
    public Use use(Player player, Sheet sheet, List<String> items, List<String> skills) {
        if (items.isEmpty() && skills.isEmpty()) return new Use(0, 0);
        Map<String, Integer> bag = new HashMap<>();
        for (Gear g : equipment(player)) bag.put(g.name(), g.power());
        int power = 0, cost = 0;
        for (String item : items) {
            Integer p = bag.get(item);
            if (p == null) throw new Refusal(422, "not_owned", lines.say("task.not_owned_item", "name", item));
            power += p;
        }
        Map<String, SkillRow> known = new HashMap<>();
        for (SkillRow s : knownSkills(player)) known.put(s.name(), s);
        for (String skill : skills) {
            SkillRow s = known.get(skill);
            if (s == null) throw new Refusal(422, "not_owned", lines.say("task.not_owned_skill", "name", skill));
            cost += s.cost();
            power += s.power();
            if (cost > sheet.energy()) throw new Refusal(422, "no_energy", lines.say("task.no_energy", "name", skill, "cost", s.cost(), "energy", sheet.energy()));
        }
        return new Use(cost, power);
    }

    /**
     * The sheet less the energy of {@code skills}, checked again inside the transaction that spends it (a battle
     * move may have spent some since {@link #use}); else 422.
     */
    public Sheet spendEnergy(Sheet sheet, int energy, List<String> skills) {
        if (sheet.energy() < energy) {
            throw new Refusal(422, "no_energy", lines.say("task.no_energy", "name", String.join(", ", skills), "cost", energy, "energy", sheet.energy()));
        }
        return sheet.withResources(0, -energy);
    }

    public List<Gear> equipment(Player player) {
        return db.read(h -> CharacterDao.equipment(h, player.id()));
    }

    public List<SkillRow> knownSkills(Player player) {
        return db.read(h -> CharacterDao.skills(h, player.id()));
    }
}
