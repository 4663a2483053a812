package taleweaver.story;

import taleweaver.Config;
import taleweaver.account.NameRules;
import taleweaver.account.Player;
import taleweaver.character.CharacterDao;
import taleweaver.character.CharacterService;
import taleweaver.character.Sheet;
import taleweaver.character.WorldClock;
import taleweaver.db.Database;
import taleweaver.narrator.ContentPack;
import taleweaver.narrator.Lines;
import taleweaver.narrator.Narrator;
import taleweaver.narrator.OfflineNarrator;

import taleweaver.world.Deeds;
import taleweaver.world.Memories;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** /others: a special event and the player's response; its effect is clamped to ±events.max_change per stat. */
public final class Events {
    public record EventReply(String role, String text, String other) {}

    private final Database db;
    private final ContentPack pack;
    private final Lines lines;
    private final Narrator narrator;
    private final CharacterService characters;
    private final NameRules rules;
    private final int maxChange;
    private final Memories memories;
    private final Deeds deeds;

    public Events(Database db, ContentPack pack, Narrator narrator, CharacterService characters, NameRules rules, Config.Events config,
                  Memories memories, Deeds deeds) {
        this.memories = memories;
        this.deeds = deeds;
        this.db = db;
        this.pack = pack;
        this.lines = new Lines(pack);
        this.narrator = narrator;
        this.characters = characters;
        this.rules = rules;
        this.maxChange = config.maxChange();
    }

    public CompletableFuture<EventReply> meet(Player player, String info, String text) {
        Sheet sheet = characters.sheet(player);
        var scene = new Narrator.EventScene(player.id(), player.name(), sheet, info, text,
                OfflineNarrator.seed(player.id(), info, text, sheet.minutes()), recall(player));
        return narrator.event(scene).thenApply(reply -> {
            Map<String, Integer> effect = clamp(reply.effect());
            String said = Text.reply(reply.text(), lines.say("event.none"));
            String speaker = speaker(reply.speaker(), said);
            db.write(h -> {
                db.lockPlayers(h, player.id());
                var dao = h.attach(CharacterDao.class);
                Sheet was = dao.sheet(player.id()).orElseThrow();
                Sheet s = was.gainExp(effect.getOrDefault("exp", 0))
                        .withResources(effect.getOrDefault("matter", 0), effect.getOrDefault("energy", 0));
                s = s.withHp(Math.max(1, s.hp() + effect.getOrDefault("hp", 0))).later(WorldClock.EVENT);
                dao.update(s);
                boolean harsh = effect.getOrDefault("hp", 0) < 0 || effect.getOrDefault("matter", 0) < 0;
                if (!speaker.equals(pack.dm().name())) deeds.event(h, player.id(), speaker, info, !harsh);
                deeds.levels(h, player.id(), player.name(), was, s);
                return null;
            });
            return new EventReply(speaker, said, describe(effect));
        });
    }

    /** Who answers: the one the narrator named, speaking for themselves (see {@link Text#teller}). */
    private String speaker(String proposed, String said) {
        String speaker = Text.name(proposed, 1, 16, rules);
        if (speaker == null) speaker = pack.eventSpeakers().get(0).name();
        return Text.teller(speaker, said, pack.dm().name());
    }

    /** The player's memories, the pack's passers-by first; which of them the player has met before. */
    private Narrator.Recall recall(Player player) {
        List<Memories.Memory> past = memories.of(player.id());
        List<String> speakers = pack.eventSpeakers().stream().map(ContentPack.Npc::name).toList();
        return new Narrator.Recall(Memories.latestDeed(past), Memories.byRelevance(past, speakers),
                Memories.knownElsewhere(past, speakers, ""), List.of());
    }

    /** Only the four stats, each within ±max; experience never falls. */
    Map<String, Integer> clamp(Map<String, Integer> proposed) {
        var out = new LinkedHashMap<String, Integer>();
        for (String key : List.of("exp", "matter", "energy", "hp")) {
            Integer v = proposed == null ? null : proposed.get(key);
            if (v == null) continue;
            int c = Math.max(key.equals("exp") ? 0 : -maxChange, Math.min(maxChange, v));
            if (c != 0) out.put(key, c);
        }
        return out;
    }

    private String describe(Map<String, Integer> effect) {
        if (effect.isEmpty()) return lines.say("event.none");
        var parts = new ArrayList<String>();
        effect.forEach((k, v) -> parts.add(lines.say("word." + k) + (v > 0 ? "+" : "") + v));
        return lines.say("event.change", "changes", String.join(pack.language().equals("zh") ? "，" : ", ", parts));
    }
}
