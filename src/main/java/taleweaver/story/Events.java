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

    public Events(Database db, ContentPack pack, Narrator narrator, CharacterService characters, NameRules rules, Config.Events config) {
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
                OfflineNarrator.seed(player.id(), info, text, sheet.minutes()));
        return narrator.event(scene).thenApply(reply -> {
            Map<String, Integer> effect = clamp(reply.effect());
            db.write(h -> {
                var dao = h.attach(CharacterDao.class);
                Sheet s = dao.sheet(player.id()).orElseThrow();
                s = s.gainExp(effect.getOrDefault("exp", 0))
                        .withResources(effect.getOrDefault("matter", 0), effect.getOrDefault("energy", 0));
                s = s.withHp(Math.max(1, s.hp() + effect.getOrDefault("hp", 0))).later(WorldClock.EVENT);
                dao.update(s);
                return null;
            });
            String speaker = Text.name(reply.speaker(), 1, 16, rules);
            if (speaker == null) speaker = pack.eventSpeakers().get(0).name();
            return new EventReply(speaker, Text.reply(reply.text(), lines.say("event.none")), describe(effect));
        });
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
