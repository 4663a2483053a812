package taleweaver.narrator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import static java.util.concurrent.CompletableFuture.completedFuture;

/**
 * The built-in narrator: keyword intents, templated lines from the content pack, and a random choice of
 * wording seeded by the scene, so the same state and words always get the same reply.
 */
public final class OfflineNarrator implements Narrator {
    private static final List<String> INTENT = List.of("接受", "接下", "接了", "开始", "我要", "我去", "我想去", "前往", "出发", "去做", "选择",
            "accept", "take", "start", "begin", "go to", "i'll", "i will", "embark", "choose", "pick", "let's do", "do the");
    private static final List<String> QUESTION = List.of("?", "？", "什么", "吗", "怎么", "介绍", "谁", "讲讲", "说说",
            "what", "about", "tell me", "how", "which", "who");
    private static final List<String> RECALL = List.of("我做过什么", "我做了什么", "我干过什么", "我的经历", "我的故事", "记得我", "回顾",
            "what have i done", "what did i do", "what i've done", "my deeds", "my story", "my adventures", "remember me", "recount");
    private static final List<String> NEWS = List.of("新闻", "消息", "新鲜事", "传闻", "发生了什么", "听说",
            "news", "what's new", "what is new", "anything new", "rumour", "rumor", "gossip", "happening");
    private static final List<String> SHEET = List.of("状态", "等级", "属性", "生命", "血量", "经验", "我的", "物质", "能量", "我怎么样",
            "status", "level", "stats", "health", " hp", "experience", "my ", "matter", "energy", "how am i", "myself", "am i doing");
    private static final List<String> TIME = List.of("时间", "几点", "时候", "今天", "time", "hour", "day", "clock");
    private static final List<String> TASKS = List.of("任务", "做什么", "干什么", "委托", "task", "quest", "job", "what can i do");
    private static final List<String> WORLD = List.of("世界", "这里", "哪里", "雾川", "传说", "历史", "灯火镇", "小镇",
            "world", "where", "place", "lore", "history", "mist", "town", "lanternford");
    private static final List<String> KIND = List.of("帮", "救", "给", "分享", "包扎", "治", "扶", "送", "保护", "安慰", "谢",
            "help", "save", "give", "share", "heal", "bandage", "protect", "comfort", "thank", "carry");
    // "打" alone would make 打水 (drawing water) and 打听 (asking around) an assault
    private static final List<String> HARSH = List.of("抢", "打他", "打她", "打人", "殴打", "揍", "打倒", "杀", "偷", "骂", "威胁", "踢", "砍", "攻击", "袭击", "刺",
            "rob", "attack", "kill", "steal", "threaten", "kick", "hit", "insult");

    /** A reply is at most this long (SPEC §4). */
    static final int REPLY_MAX = 300;

    private final ContentPack pack;
    private final Lines lines;
    private final Lorebook lore;

    public OfflineNarrator(ContentPack pack) {
        this(pack, Lorebook.EMPTY);
    }

    public OfflineNarrator(ContentPack pack, Lorebook lore) {
        this.pack = pack;
        this.lines = new Lines(pack);
        this.lore = lore;
    }

    @Override
    public String name() { return "offline"; }

    @Override
    public CompletableFuture<DmReply> dm(DmScene s) {
        var rnd = new SplittableRandom(s.seed());
        String text = s.text().strip();
        if (text.isEmpty()) return completedFuture(new DmReply(greeting(s), null));
        String lower = text.toLowerCase(Locale.ROOT);
        Optional<String> task = named(s, lower);
        if (task.isPresent()) {
            if (takes(lower, task.get())) return completedFuture(new DmReply("", task.get()));
            String summary = s.summaries().getOrDefault(task.get(), "");
            return completedFuture(new DmReply(lines.say("dm.task_about", "task", task.get(), "summary", summary), null));
        }
        String reply;
        Optional<Lorebook.Entry> entry = has(lower, QUESTION) ? lore.about(lower) : Optional.empty();
        if (has(lower, RECALL)) {
            reply = s.recall().memories().isEmpty() ? lines.say("dm.recall_none", "name", s.playerName())
                    : fill("dm.recall", "deeds", latestFirst(s.recall()), "name", s.playerName());
        } else if (has(lower, NEWS)) {
            reply = s.recall().news().isEmpty() ? lines.say("dm.news_none") : fill("dm.news", "news", s.recall().news());
        } else if (entry.isPresent()) {
            reply = Lines.shorten(entry.get().content(), REPLY_MAX);
        } else if (has(lower, SHEET)) {
            var st = s.sheet();
            reply = lines.say("dm.sheet", "name", s.playerName(), "level", st.level(), "exp", st.exp(), "exp_next", st.expNext(),
                    "hp", st.hp(), "max_hp", st.maxHp(), "matter", st.matter(), "energy", st.energy(), "attack", st.attack(), "defense", st.defense());
        } else if (has(lower, TIME)) {
            reply = lines.say("dm.time", "time", s.time());
        } else if (has(lower, TASKS)) {
            reply = offer(s.tasks(), REPLY_MAX).strip();
        } else if (has(lower, WORLD)) {
            reply = lines.pick("dm.world", rnd);
        } else {
            reply = lines.pick("dm.chat", rnd);
        }
        if (s.activeTask() != null && !has(lower, SHEET) && !has(lower, TIME) && entry.isEmpty()) {
            reply = reply + gap() + lines.say("dm.active", "task", s.activeTask(), "goal", s.activeGoal());
        }
        return completedFuture(new DmReply(Lines.shorten(reply, REPLY_MAX), null));
    }

    /** The task the player clearly takes in their words ("接受任务X", "start X"…), if any: the intent rule alone. */
    public Optional<String> taken(DmScene s) {
        String lower = s.text().strip().toLowerCase(Locale.ROOT);
        return lower.isEmpty() ? Optional.empty() : named(s, lower).filter(task -> takes(lower, task));
    }

    /** The longest name of an offered task (common or personal) in the words. */
    private static Optional<String> named(DmScene s, String lower) {
        String best = null;
        for (List<String> names : List.of(s.tasks(), s.personalTasks())) {
            for (String n : names) {
                if ((best == null || n.length() > best.length()) && lower.contains(n.toLowerCase(Locale.ROOT))) best = n;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Naming a task with intent, and not asking about it. */
    private static boolean takes(String lower, String task) {
        String name = task.toLowerCase(Locale.ROOT);
        return (has(lower, INTENT) || lower.equals(name)) && !has(lower.replace(name, ""), QUESTION);
    }

    /** The greeting: a returning player's latest deed recalled, the town's newest news, then the tasks on offer. */
    private String greeting(DmScene s) {
        Recall r = s.recall();
        String head = r.latest() == null ? pack.dm().greeting()
                : Lines.shorten(lines.say("dm.welcome_back", "name", s.playerName(), "memory", r.latest()), REPLY_MAX / 2);
        String news = r.news().isEmpty() ? "" : gap() + lines.say("dm.news_brief", "news", r.news().get(0));
        String text = length(head + news) <= REPLY_MAX - OFFER_ROOM ? head + news : head;
        return text + offer(s.tasks(), REPLY_MAX - length(text));
    }

    /** Room kept in a greeting for at least one task's name. */
    private static final int OFFER_ROOM = 90;

    /** The deed a greeting recalls, then the rest of the story as the scene ordered it. */
    private static List<String> latestFirst(Recall r) {
        var all = r.latest() == null ? r.memories().stream() : java.util.stream.Stream.concat(java.util.stream.Stream.of(r.latest()), r.memories().stream());
        return all.distinct().toList(); // the same deed done twice is told once
    }

    /** Line {@code key} with as many of {@code parts} in {@code slot} as fit in a reply; {@code vars} fill the rest. */
    private String fill(String key, String slot, List<String> parts, Object... vars) {
        int room = REPLY_MAX - length(lines.say(key, vars));
        var kept = new StringBuilder();
        for (String part : parts) {
            String next = kept.isEmpty() ? part : kept + gap() + part;
            if (length(next) > room) break;
            kept.setLength(0);
            kept.append(next);
        }
        if (kept.isEmpty()) kept.append(Lines.shorten(parts.get(0), Math.max(10, room)));
        var all = java.util.Arrays.copyOf(vars, vars.length + 2);
        all[vars.length] = slot;
        all[vars.length + 1] = kept.toString();
        return lines.say(key, all);
    }

    private String gap() {
        return pack.language().equals("zh") ? "" : " ";
    }

    private static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    /** The tasks on offer in one sentence of at most {@code budget} characters: as many names as fit, then "…". */
    private String offer(List<String> tasks, int budget) {
        String lead = pack.language().equals("zh") ? "" : " ";
        if (tasks.isEmpty()) return lead + lines.say("dm.no_tasks");
        String sep = pack.language().equals("zh") ? "、" : ", ";
        var quoted = tasks.stream().map(t -> pack.language().equals("zh") ? "「" + t + "」" : "\"" + t + "\"").toList();
        for (int n = quoted.size(); n > 0; n--) {
            String names = String.join(sep, quoted.subList(0, n)) + (n == quoted.size() ? "" : pack.language().equals("zh") ? "等" : ", and more");
            String sentence = lead + lines.say("dm.tasks_on_offer", "tasks", names);
            if (sentence.length() <= budget || n == 1) return sentence;
        }
        return "";
    }

    /**
     * A turn: the people of the task talk. While the goal is ahead the stage's character points at it in their own
     * words; reaching a stage, the next stage's character says what it means and what comes next; the task's end is
     * the DM's narration. An item or skill used is remarked on by whoever speaks, not announced before them.
     */
    @Override
    public CompletableFuture<TurnReply> turn(TurnScene s) {
        var rnd = new SplittableRandom(s.seed());
        String used = String.join(pack.language().equals("zh") ? "、" : ", ", s.used());
        String done = s.used().isEmpty() ? s.stageDone() : s.stageDone() + gap() + lines.pick("task.used_told", rnd, "used", used);
        if (s.advances() && s.lastStage()) {
            return completedFuture(new TurnReply(lines.pick("task.finish", rnd, "done", done, "npc", s.npc(), "task", s.task()), pack.dm().name(), true));
        }
        boolean known = s.recall().known().contains(s.npc());
        List<String> own = s.advances() ? s.nextIntro() : s.hints();
        if (!own.isEmpty() || !s.advances() && !names(s.goal(), s.npc())) {
            String lead = (known ? lines.pick("npc.known", rnd, "player", s.playerName()) + gap() : "")
                    + (s.used().isEmpty() ? "" : lines.pick("task.used_said", rnd, "used", used) + gap());
            List<String> options = !own.isEmpty() ? own : pack.lines().get("task.hint").stream().map(l -> Lines.fill(l, "goal", s.goal())).toList();
            return completedFuture(new TurnReply(Lines.varied(options, rnd, recentReplies(s.history()), line -> lead + line), s.npc(), s.advances()));
        }
        // A host's older pack whose goal names its own speaker: the DM tells it.
        String recognised = known ? lines.say("npc.known_told", "npc", s.npc()) + gap() : "";
        String text = s.advances() ? lines.pick("task.advance", rnd, "done", done, "npc", s.npc(), "goal", s.nextGoal())
                : (s.used().isEmpty() ? "" : lines.pick("task.used_told", rnd, "used", used) + gap())
                        + Lines.varied(pack.lines().get("task.hint_told"), rnd, recentReplies(s.history()),
                                l -> Lines.fill(l, "npc", s.npc(), "goal", s.goal()));
        return completedFuture(new TurnReply(recognised + text, pack.dm().name(), s.advances()));
    }

    /** The last two replies of a task: a line is not said again right after them. */
    private static List<String> recentReplies(List<Turn> history) {
        return history.stream().skip(Math.max(0, history.size() - 2)).map(Turn::reply).toList();
    }

    /** Whether {@code text} names {@code npc}: a line that does is not that character's own. */
    public static boolean names(String text, String npc) {
        return text != null && npc != null && !npc.isBlank() && text.toLowerCase(Locale.ROOT).contains(npc.toLowerCase(Locale.ROOT));
    }

    @Override
    public CompletableFuture<TaskDraft> personalTask(WishScene s) {
        var rnd = new SplittableRandom(s.seed());
        var p = pack.personal();
        String place = p.places().get(rnd.nextInt(p.places().size()));
        String thing = p.things().get(rnd.nextInt(p.things().size()));
        String name = lines.say("personal.name", "place", place, "thing", thing);
        String summary = lines.say("personal.summary", "npc", s.npc(), "place", place, "thing", thing);
        String opening = lines.say("personal.opening", "npc", s.npc(), "place", place, "thing", thing);
        return completedFuture(new TaskDraft(name, summary, opening, null));
    }

    @Override
    public CompletableFuture<CraftDraft> craft(CraftScene s) {
        var rnd = new SplittableRandom(s.seed());
        var c = pack.crafting();
        List<String> prefixes = s.skill() ? c.skillPrefixes() : c.itemPrefixes();
        List<String> all = s.skill() ? c.skillCores() : c.itemCores();
        String wish = s.wish().toLowerCase(Locale.ROOT);
        List<String> named = all.stream().filter(core -> wish.contains(core.toLowerCase(Locale.ROOT))).toList();
        List<String> cores = named.isEmpty() ? all : named; // "a light shield" is a shield
        String joint = pack.language().equals("zh") ? "" : " ";
        String name = prefixes.get(rnd.nextInt(prefixes.size())) + joint + cores.get(rnd.nextInt(cores.size()));
        String description = lines.say(s.skill() ? "merge.skill_desc" : "merge.item_desc", "des", s.wish());
        return completedFuture(new CraftDraft(name, description, null));
    }

    /** An event: the person of the scene answers in their own voice; when nothing happens, the DM says so. */
    @Override
    public CompletableFuture<EventReply> event(EventScene s) {
        var rnd = new SplittableRandom(s.seed());
        String lower = s.text().toLowerCase(Locale.ROOT);
        var person = s.person();
        var effect = new LinkedHashMap<String, Integer>();
        String text;
        if (has(lower, HARSH)) {
            effect.put("hp", -(5 + rnd.nextInt(11)));
            effect.put("matter", -rnd.nextInt(6));
            text = person.harsh().isEmpty() ? lines.pick("event.harsh", rnd) : person.harsh().get(rnd.nextInt(person.harsh().size()));
        } else if (has(lower, KIND)) {
            effect.put("exp", 5 + rnd.nextInt(11));
            effect.put("matter", 3 + rnd.nextInt(8));
            text = person.kind().isEmpty() ? lines.pick("event.kind", rnd) : person.kind().get(rnd.nextInt(person.kind().size()));
        } else {
            return completedFuture(new EventReply(lines.pick("event.none", rnd), pack.dm().name(), effect));
        }
        String greeting = s.recall().known().contains(person.speaker()) ? lines.pick("npc.known", rnd, "player", s.playerName()) + gap() : "";
        return completedFuture(new EventReply(greeting + text, person.speaker(), effect));
    }

    @Override
    public CompletableFuture<String> battle(BattleScene s) {
        return completedFuture(s.judged());
    }

    @Override
    public CompletableFuture<Optional<String>> moderate(String description) {
        return completedFuture(Optional.empty());
    }

    /** The refusal a model gave without a reason. */
    String lineModel() {
        return lines.say("legal.model");
    }

    private static boolean has(String text, List<String> words) {
        for (String w : words) if (text.contains(w)) return true;
        return false;
    }

    /** A stable seed from the parts of a scene. */
    public static long seed(Object... parts) {
        long h = 1125899906842597L;
        for (Object p : parts) {
            String s = String.valueOf(p);
            for (int i = 0; i < s.length(); i++) h = 31 * h + s.charAt(i);
            h = h * 0x9E3779B97F4A7C15L + 7;
        }
        return h;
    }
}
