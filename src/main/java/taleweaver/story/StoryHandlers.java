package taleweaver.story;

import com.fasterxml.jackson.annotation.JsonInclude;
import taleweaver.account.Player;
import taleweaver.images.ImageStore;
import taleweaver.images.Png;
import taleweaver.narrator.ReplyStreams;
import taleweaver.web.Body;
import taleweaver.web.Call;
import taleweaver.world.Chronicle;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** HTTP side of /main /task_* /select* /feedback /merge /others; every story change runs in the player's lane. */
public final class StoryHandlers {
    public record FeedbackReply(String text, String role, boolean status, boolean npcStatus, String imageData,
                                @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Object> reward) {}

    private final DungeonMaster dm;
    private final TaskService tasks;
    private final Wishes wishes;
    private final Crafting crafting;
    private final Events events;
    private final ImageStore images;
    private final PlayerLane lane;
    private final ReplyStreams streams;

    private final Chronicle chronicle;

    public StoryHandlers(DungeonMaster dm, TaskService tasks, Wishes wishes, Crafting crafting, Events events, ImageStore images, PlayerLane lane,
                         ReplyStreams streams, Chronicle chronicle) {
        this.chronicle = chronicle;
        this.streams = streams;
        this.dm = dm;
        this.tasks = tasks;
        this.wishes = wishes;
        this.crafting = crafting;
        this.events = events;
        this.images = images;
        this.lane = lane;
    }

    public Object main(Call c) {
        Player p = c.player("role");
        String text = c.body().text("text", Body.TEXT_MAX);
        return inLane(c, p, () -> dm.talk(p, text));
    }

    /** A story action in the player's lane, its reply streamed when the client asked for that. */
    private <T> CompletableFuture<T> inLane(Call c, Player p, Supplier<CompletableFuture<T>> work) {
        return lane.run(p.id(), () -> streams.during(p.id(), c.textStream(), work));
    }

    public Object taskInfo(Call c) { return tasks.taskInfo(c.player("role")); }

    public Object personalTaskInfo(Call c) { return tasks.personalInfo(c.player("role")); }

    public Object taskRequest(Call c) {
        Player p = c.player("role");
        String wish = c.body().text("text", Body.TEXT_MAX);
        return inLane(c, p, () -> wishes.request(p, wish));
    }

    public Object select(Call c) {
        Player p = c.player("role");
        String name = c.body().str("task_name");
        return inLane(c, p, () -> tasks.select(p, tasks.findCommon(p, name), name));
    }

    public Object selectPersonal(Call c) {
        Player p = c.player("role");
        String name = c.body().str("task_name");
        return inLane(c, p, () -> tasks.select(p, tasks.findPersonal(p, name), name));
    }

    public Object feedback(Call c) {
        Player p = c.player("role");
        Body b = c.body();
        String text = b.text("text", Body.TEXT_MAX);
        List<String> items = b.list("items"), skills = b.list("skills"), seen = b.list("roles");
        return inLane(c, p, () -> tasks.play(p, text, items, skills)).thenCompose(turn -> {
            boolean isNew = !seen.contains(turn.speaker());
            CompletableFuture<byte[]> avatar = isNew ? images.npcAvatar(turn.speaker(), turn.persona()) : CompletableFuture.completedFuture(null);
            return avatar.thenApply(png -> new FeedbackReply(turn.text(), turn.speaker(), turn.finished(), isNew, Png.base64(png), turn.reward()));
        });
    }

    public Object merge(Call c) {
        Player p = c.player("role");
        Body b = c.body();
        int mode = b.integer("mode"), num = b.integer("num");
        String wish = b.text("des", 200);
        crafting.check(p, mode, num, wish);
        return inLane(c, p, () -> crafting.make(p, mode, num, wish));
    }

    /** /chronicle: the world's public deeds, newest first; limit 1..100, 20 when not given. */
    public Object chronicle(Call c) {
        c.player("role");
        return chronicle.latest((int) c.body().number("limit", 20));
    }

    public Object event(Call c) {
        Player p = c.player("role");
        Body b = c.body();
        String info = b.text("info", Body.TEXT_MAX), text = b.text("text", Body.TEXT_MAX);
        return inLane(c, p, () -> events.meet(p, info, text));
    }
}
