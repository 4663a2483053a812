package taleweaver.party;

import taleweaver.account.Player;
import taleweaver.web.Body;
import taleweaver.web.Call;
import taleweaver.web.Done;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * HTTP side of /party_* (SPEC §16): each route reads its fields and hands them to {@link PartyService} (forming, chat),
 * {@link PartyQuests} (the quest and its declarations) or {@link PartyFeed} (status and waits).
 */
public final class PartyHandlers {
    public record TaskList(List<String> taskList) {}

    private final PartyService parties;
    private final PartyQuests quests;
    private final PartyFeed feed;
    private final ToIntFunction<Double> waitSeconds;

    public PartyHandlers(PartyService parties, PartyQuests quests, PartyFeed feed, ToIntFunction<Double> waitSeconds) {
        this.parties = parties;
        this.quests = quests;
        this.feed = feed;
        this.waitSeconds = waitSeconds;
    }

    public Object create(Call c) { return parties.create(c.player("role")); }

    public Object join(Call c) {
        parties.join(c.player("role"), c.body().str("code"));
        return new Done();
    }

    public Object invite(Call c) {
        parties.invite(c.player("role"), c.body().str("name"));
        return new Done();
    }

    public Object accept(Call c) {
        parties.accept(c.player("role"), c.body().str("party_id"));
        return new Done();
    }

    public Object leave(Call c) {
        parties.leave(c.player("role"));
        return new Done();
    }

    public Object kick(Call c) {
        parties.kick(c.player("role"), c.body().str("name"));
        return new Done();
    }

    public Object tasks(Call c) { return new TaskList(quests.tasks(c.player("role"))); }

    public Object start(Call c) {
        quests.start(c.player("role"), c.body().str("task_name"));
        return new Done();
    }

    public Object ready(Call c) {
        quests.ready(c.player("role"), c.body().bool("ready", true));
        return new Done();
    }

    public Object act(Call c) {
        Player me = c.player("role");
        Body b = c.body();
        quests.act(me, b.text("text", PartyService.ACTION_MAX), b.list("items"), b.list("skills"));
        return new Done();
    }

    public Object hold(Call c) {
        quests.hold(c.player("role"));
        return new Done();
    }

    public Object say(Call c) {
        parties.say(c.player("role"), c.body().text("text", PartyService.CHAT_MAX));
        return new Done();
    }

    public Object status(Call c) { return feed.status(c.player("role")); }

    public Object await(Call c) {
        Player me = c.player("role");
        Body b = c.body();
        return feed.await(me, (int) b.number("after", 0), waitSeconds.applyAsInt(b.number("wait", Double.NaN)), c.textStream());
    }
}
