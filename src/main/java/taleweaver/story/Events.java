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
        long seed = OfflineNarrator.seed(player.id(), info, text, sheet.minutes());
        var own = pack.encounter(info).filter(e -> e.speaker() != null); // one of the pack's, with its own person
        ContentPack.Encounter person = own.orElseGet(() -> passerBy(info, seed));
        var scene = new Narrator.EventScene(player.id(), player.name(), sheet, info, text, seed, recall(player, person), person);
        return narrator.event(scene).thenApply(reply -> {
            Map<String, Integer> effect = clamp(reply.effect());
            String said = Text.reply(reply.text(), lines.say("event.none"));
            String speaker = speaker(reply.speaker(), said, person, own.isPresent());
            db.write(h -> {
                db.lockPlayers(h, player.id());
                Sheet was = CharacterDao.sheet(h, player.id()).orElseThrow();
                Sheet s = was.gainExp(effect.getOrDefault("exp", 0))
                        .withResources(effect.getOrDefault("matter", 0), effect.getOrDefault("energy", 0));
                s = s.withHp(Math.max(1, s.hp() + effect.getOrDefault("hp", 0))).later(WorldClock.EVENT);
                CharacterDao.update(h, s);
                boolean harsh = effect.getOrDefault("hp", 0) < 0 || effect.getOrDefault("matter", 0) < 0;
                if (!speaker.equals(pack.dm().name())) deeds.event(h, player.id(), speaker, person, !harsh);
                deeds.levels(h, player.id(), player.name(), was, s);
                return null;
            });
            return new EventReply(speaker, said, describe(effect));
        });
    }

    /** The person of an event the client described itself (or a host's older encounter): a passer-by, by the scene's seed. */
    private ContentPack.Encounter passerBy(String info, long seed) {
        var passer = pack.eventSpeakers().get(Math.floorMod(seed, pack.eventSpeakers().size()));
        return new ContentPack.Encounter(info, passer.name(), passer.persona(), null, null, null, null);
    }

    /**
     * Who answers, speaking for themselves (see {@link Text#teller}): in one of the pack's encounters ({@code own}) its
     * person (or the DM narrating); in an event the client made up, whoever the narrator named.
     */
    private String speaker(String proposed, String said, ContentPack.Encounter person, boolean own) {
        String dm = pack.dm().name();
        String speaker = own ? (dm.equals(proposed) ? dm : person.speaker()) : Text.name(proposed, 1, 16, rules);
        if (speaker == null) speaker = person.speaker();
        return Text.teller(speaker, said, dm);
    }

    /** The player's memories, this scene's person and the pack's passers-by first; which of them the player has met before. */
    private Narrator.Recall recall(Player player, ContentPack.Encounter person) {
        List<Memories.Memory> past = memories.of(player.id());
        var speakers = new ArrayList<String>(List.of(person.speaker()));
        pack.eventSpeakers().stream().map(ContentPack.Npc::name).filter(n -> !n.equals(person.speaker())).forEach(speakers::add);
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
