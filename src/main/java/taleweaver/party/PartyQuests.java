package taleweaver.party;

import taleweaver.Refusal;
import taleweaver.account.Player;
import taleweaver.character.CharacterService;

import java.util.List;
import java.util.Map;

/**
 * A party's quest (SPEC §16): the tasks it may take, the ready check and the start, and each member's declaration for
 * the round now open, every one a change through {@link PartyService}. The declaration that completes a round claims
 * it, and {@link PartyRounds} tells it.
 */
public final class PartyQuests {
    private final PartyService parties;
    private final PartyRounds rounds;
    private final CharacterService characters;
    private final PartyContent content;
    private final taleweaver.Config.Party config;
    private final PartyHints hints;

    PartyQuests(PartyService parties, PartyRounds rounds, CharacterService characters, PartyContent content, taleweaver.Config.Party config,
                PartyHints hints) {
        this.parties = parties;
        this.rounds = rounds;
        this.characters = characters;
        this.content = content;
        this.config = config;
        this.hints = hints;
        parties.quests(this);
    }

    public List<String> tasks(Player p) {
        return parties.read(s -> {
            String id = s.partyOf(p.id()).orElseThrow(PartyService::notInParty);
            int lowest = s.members(id).stream().mapToInt(PartyDao.Member::level).min().orElse(1);
            return content.partyTasks().stream().filter(t -> t.minLevel() <= lowest).map(PartyContent.Task::name).toList();
        });
    }

    /** The leader opens a ready check; started again with at least two ready, the quest begins with those. */
    public void start(Player leader, String taskName) {
        String partyId = parties.partyOf(leader);
        boolean started = parties.change(partyId, s -> {
            var party = parties.party(s, partyId);
            if (party.leaderId() != leader.id()) throw PartyService.notLeader(); // whatever was asked for
            var task = content.task(taskName).orElseThrow(() -> new Refusal(404, "unknown_task", "there is no party task called " + taskName));
            if (party.phase().equals("playing")) throw new Refusal(409, "quest_running", "your party's quest is already under way");
            if (party.phase().equals("paused")) { // everyone was away: the same task goes on from where it stopped
                if (!taskName.equals(party.task())) throw new Refusal(409, "quest_paused", "your party's quest " + party.task() + " is waiting to go on");
                s.resume(partyId, System.currentTimeMillis() + config.roundSeconds() * 1000L);
                s.event(partyId, "started", Map.of("task", task.name(), "text", task.opening(),
                        "goal", task.stages().get(party.stage()).goal(), "speaker", rounds.dm()), System.currentTimeMillis());
                return true;
            }
            var members = s.members(partyId);
            if (members.size() < 2) throw new Refusal(409, "party_too_small", "a party quest needs at least two players");
            for (var m : members) {
                if (m.level() < task.minLevel()) throw new Refusal(403, "level_too_low", m.name() + " needs level " + task.minLevel());
            }
            long now = System.currentTimeMillis();
            long ready = members.stream().filter(PartyDao.Member::ready).count();
            if (party.phase().equals("ready_check") && taskName.equals(party.task()) && ready >= 2) {
                begin(s, partyId, task, now);
                return true;
            }
            s.readyCheck(partyId, taskName);
            s.ready(partyId, leader.id(), true);
            s.event(partyId, "ready_check", Map.of("task", taskName, "name", leader.name()), now);
            s.event(partyId, "ready", Map.of("name", leader.name(), "ready", true), now);
            return false;
        });
        if (started) rounds.opened(partyId);
    }

    public void ready(Player p, boolean ready) {
        String partyId = parties.partyOf(p);
        boolean started = parties.change(partyId, s -> {
            var party = parties.party(s, partyId);
            if (!party.phase().equals("ready_check")) throw new Refusal(409, "no_ready_check", "nothing to be ready for");
            long now = System.currentTimeMillis();
            s.ready(partyId, p.id(), ready);
            s.event(partyId, "ready", Map.of("name", p.name(), "ready", ready), now);
            return beginIfAllReady(s, party, s.members(partyId), now);
        });
        if (started) rounds.opened(partyId);
    }

    /**
     * A ready check someone left: closed with nobody to play with (no quest began, so none ends: the party is as it was
     * before it), begun when everyone left is ready. True when the quest began.
     */
    boolean readyCheckWithout(PartyDao s, PartyDao.Party party, List<PartyDao.Member> rest, long now) {
        if (rest.size() < 2) {
            s.end(party.id());
            return false;
        }
        return beginIfAllReady(s, party, rest, now);
    }

    /** The ready check's task begins when all its {@code members} are ready; true when it began. */
    private boolean beginIfAllReady(PartyDao s, PartyDao.Party party, List<PartyDao.Member> members, long now) {
        if (!members.stream().allMatch(PartyDao.Member::ready)) return false;
        begin(s, party.id(), content.task(party.task()).orElseThrow(), now);
        return true;
    }

    /** The quest begins with a first round open (its deadline kept by {@link PartyRounds#opened} once this commits). */
    private void begin(PartyDao s, String partyId, PartyContent.Task task, long now) {
        s.start(partyId, now + config.roundSeconds() * 1000L);
        s.event(partyId, "started", Map.of("task", task.name(), "text", task.opening(), "goal", task.stages().get(0).goal(),
                "speaker", rounds.dm()), now);
    }

    /** An action for the round now open; a second one replaces the first until the round locks. */
    public void act(Player p, String text, List<String> items, List<String> skills) {
        if (text.isBlank() && items.isEmpty() && skills.isEmpty()) throw new Refusal(400, "empty_action", "say what you do");
        if (!items.isEmpty() || !skills.isEmpty()) characters.use(p, characters.sheet(p), items, skills); // 422 when not owned or not enough energy
        declare(p, "act", text, items, skills);
    }

    public void hold(Player p) {
        declare(p, "hold", "", List.of(), List.of());
    }

    private void declare(Player p, String kind, String text, List<String> items, List<String> skills) {
        String hinted = hints.of(p.id());
        if (hinted != null) {
            try {
                declare(hinted, true, p, kind, text, items, skills);
                return;
            } catch (WrongHint e) {
                hints.wrong(p.id(), hinted);
            }
        }
        String partyId = parties.partyOf(p);
        declare(partyId, false, p, kind, text, items, skills);
        hints.found(p.id(), partyId);
    }

    /** A hinted party the player is not in: nothing was written, and the party is asked for. */
    private static final class WrongHint extends RuntimeException {
        WrongHint() { super(null, null, false, false); }
    }

    private void declare(String partyId, boolean hinted, Player p, String kind, String text, List<String> items, List<String> skills) {
        record Declared(int round, PartyRounds.Claimed claimed) {}
        Declared done = parties.change(partyId, s -> {
            var party = s.partyTakingEvent(partyId).orElse(null); // the row and the number of this declaration's first event
            var members = party == null ? List.<PartyDao.Member>of() : s.members(partyId);
            var me = members.stream().filter(m -> m.playerId() == p.id()).findFirst().orElse(null);
            if (me == null) throw hinted ? new WrongHint() : PartyService.notInParty(); // left meanwhile
            if (!party.phase().equals("playing")) throw new Refusal(409, "no_quest", "your party has no quest under way");
            long now = System.currentTimeMillis();
            if (kind.equals("act") && me.state().equals("passive")) {
                s.setState(partyId, p.id(), "active");
                s.event(partyId, "active", PartyService.named(p.name()), now);
                members = s.members(partyId);
            }
            s.declare(partyId, party.round(), p.id(), kind, text, items, skills, now);
            int n = s.event(partyId, "acted", Map.of("name", p.name(), "round", party.round()), now);
            // the last awaited: told now (the party's row and members as read here: the round's other declarations
            // are written under the same row lock, or on SQLite by the one writer)
            return new Declared(party.round(), rounds.claim(s, party, members, false, n, p.id()));
        }, true);
        if (done.claimed() != null) rounds.tell(partyId, done.round(), done.claimed());
    }
}
