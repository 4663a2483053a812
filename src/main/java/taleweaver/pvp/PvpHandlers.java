package taleweaver.pvp;

import taleweaver.Refusal;
import taleweaver.account.AccountService;
import taleweaver.account.Player;
import taleweaver.images.Png;
import taleweaver.web.Body;
import taleweaver.web.Call;
import taleweaver.web.Done;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/** HTTP side of /get_list /refrash /challenge /accept_challenge /reject_challenge /accept_c /battle. */
public final class PvpHandlers {
    public record OnlineReply(List<String> roles, List<String> imageData) {}
    public record OnlineNames(List<String> roles) {}
    public record RefreshReply(List<String> idList, List<String> roleList, List<String> accpecId, List<String> accpetId,
                               List<String> acceptId, String role, String roleText, String systemText, boolean status,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Integer round,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Integer> hp,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String winner, List<?> partyInvites) {}
    public record AnswerReply(boolean status) {}

    private final Ladder ladder;
    private final Presence presence;
    private final AccountService accounts;
    private final ChallengeService challenges;
    private final BattleService battles;

    /** A player's party invitations for the heartbeat (SPEC §16); [] when none. */
    private final java.util.function.LongFunction<List<?>> invites;

    public PvpHandlers(Ladder ladder, Presence presence, AccountService accounts, ChallengeService challenges, BattleService battles,
                       java.util.function.LongFunction<List<?>> invites) {
        this.invites = invites;
        this.ladder = ladder;
        this.presence = presence;
        this.accounts = accounts;
        this.challenges = challenges;
        this.battles = battles;
    }

    public Object onlineList(Call c) {
        Player me = c.player("role");
        List<Player> others = presence.others(me.id());
        List<String> names = others.stream().map(Player::name).toList();
        if (!c.body().bool("images", false)) return new OnlineNames(names);
        return new OnlineReply(names, avatars(others));
    }

    /** With images: the first {@link #LIST_IMAGES} players' avatars within {@link #LIST_IMAGE_BYTES} as sent (base64), read in one query; null past that. */
    static final int LIST_IMAGES = 50;
    static final int LIST_IMAGE_BYTES = 4 << 20;

    private List<String> avatars(List<Player> others) {
        var shown = others.subList(0, Math.min(others.size(), LIST_IMAGES));
        var found = accounts.avatars(shown.stream().map(Player::id).toList());
        var out = new java.util.ArrayList<String>(others.size());
        long bytes = 0;
        for (Player p : others) {
            byte[] png = found.get(p.id());
            long sent = png == null ? 0 : (png.length + 2L) / 3 * 4; // base64's size, as the reply carries it
            boolean fits = png != null && bytes + sent <= LIST_IMAGE_BYTES;
            if (fits) bytes += sent;
            out.add(fits ? Png.base64(png) : null);
        }
        return out;
    }

    /** /ladder: best first; limit 1..100, 20 when not given. */
    public Object ladder(Call c) {
        c.player("role");
        return ladder.top((int) c.body().number("limit", 20));
    }

    public Object refresh(Call c) {
        Player me = c.player("role");
        answerInHeartbeat(c, me);
        String battleId = c.body().optStr("battle_id"); // null or "" before a client's first duel: no battle
        var inbox = challenges.inbox(me);
        var heard = battleId == null || battleId.isBlank() ? null : battles.heard(me, battleId);
        var round = heard == null ? null : heard.round();
        boolean over = heard != null && heard.over();
        return new RefreshReply(inbox.ids(), inbox.senders(), inbox.accepted(), inbox.accepted(), inbox.accepted(),
                round == null ? null : round.role(), round == null ? null : round.roleText(), round == null ? null : round.systemText(), over,
                round == null ? null : round.round(), round == null ? null : round.hp(), round == null ? null : round.winner(),
                invites.apply(me.id()));
    }

    /**
     * The first clients answered a challenge inside the heartbeat: {@code ip} the challenge's id and {@code ip_status}
     * the answer (the seed request list). Still taken; a refused answer changes nothing and the heartbeat goes on.
     */
    private void answerInHeartbeat(Call c, Player me) {
        if (!c.body().has("ip_status")) return;
        String id = c.body().optStr("ip");
        if (id == null || id.isEmpty()) return;
        try {
            if (c.body().bool("ip_status", false)) challenges.accept(me, id); else challenges.reject(me, id);
        } catch (Refusal ignored) {
            // already answered, expired, not addressed to this player: nothing to do
        }
    }

    public Object challenge(Call c) {
        Body b = c.body();
        Player me = c.player("role1");
        String target = b.str("role2");
        int wait = challenges.waitSeconds(b.number("wait", Double.NaN));
        return challenges.challenge(me, target, b.text("image_data", Integer.MAX_VALUE), wait);
    }

    public Object accept(Call c) {
        challenges.accept(c.player("role"), c.body().str("id"));
        return new Done();
    }

    public Object reject(Call c) {
        challenges.reject(c.player("role"), c.body().str("id"));
        return new Done();
    }

    /** /accept_c names no role: the request is authorised as the challenge's addressee. */
    public Object answer(Call c) {
        String id = c.body().str("id");
        boolean yes = c.body().bool("status", false);
        Player addressee = c.as(challenges.addressee(id));
        try {
            if (yes) challenges.accept(addressee, id); else challenges.reject(addressee, id);
            return new AnswerReply(yes);
        } catch (Refusal r) {
            if (!yes) return new AnswerReply(false);
            throw r;
        }
    }

    public Object battle(Call c) {
        Player me = c.player("role");
        Body b = c.body();
        String id = b.str("id");
        String text = b.has("text") ? b.text("text", Body.TEXT_MAX) : b.text("action", Body.TEXT_MAX);
        boolean wait = b.number("wait", 1) > 0;
        return battles.move(me, id, text, b.list("items"), b.list("skills"), wait);
    }
}
