package taleweaver.party;

import taleweaver.Config;
import taleweaver.Jobs;
import taleweaver.account.AccountService;
import taleweaver.account.NameRules;
import taleweaver.character.CharacterService;
import taleweaver.db.Database;
import taleweaver.db.Signals;
import taleweaver.narrator.ContentPack;
import taleweaver.narrator.ModelClient;
import taleweaver.pvp.InboxMarks;
import taleweaver.pvp.Presence;

import java.util.function.ToIntFunction;

/** Party quests (SPEC §16), wired once: the service that forms parties and takes declarations, the rounds, the waits. */
public record Parties(PartyService service, PartyRounds rounds, PartyWaits waits, PartyHandlers handlers, PartyContent content) {
    /** {@code model}: null for the offline narrator; {@code waitSeconds}: /party_wait's wait, read as /challenge's. */
    public static Parties wire(Config config, ContentPack pack, Database db, AccountService accounts, CharacterService characters,
                               Presence presence, Signals signals, Jobs jobs, NameRules names, InboxMarks marks, ModelClient model,
                               ToIntFunction<Double> waitSeconds) {
        var content = PartyContent.load(config.game(), pack.language());
        var waits = new PartyWaits(jobs);
        var hints = new PartyHints();
        var service = new PartyService(db, accounts, content, config.party(), signals, waits, names, marks);
        var rounds = new PartyRounds(db, service, new PartyNarrator(content, pack.dm().name(), model, pack.language()), presence, jobs, waits, signals,
                config.party().roundSeconds(), (config.narrator().turnDeadlineSeconds() + 10) * 1000L, // a telling ends by its deadline
                config.party().idleMinutes(), pack.dm().name(), pack.language());
        accounts.onDeparture(service::departed); // logging out or being kicked leaves the party
        rounds.resume(); // quests under way when the server stopped keep their deadlines
        if (db.dialect().shared()) jobs.every("party rounds", 5_000, 5_000, rounds::check); // another instance's deadlines and claims
        var quests = new PartyQuests(service, rounds, characters, content, config.party(), hints);
        return new Parties(service, rounds, waits, new PartyHandlers(service, quests, new PartyFeed(db, waits, presence, hints, content), waitSeconds), content);
    }

    /** Several instances: another instance's party news and telling reach the members waiting here. */
    public void listen(Signals signals) {
        signals.on(Signals.Kind.PARTY, waits::wake);
        signals.on(Signals.Kind.PARTY_ACTED, waits::wakeSoon);
        signals.on(Signals.Kind.PARTY_TEXT, target -> PartyWaits.relayed(target, waits));
    }
}
