package taleweaver;

import taleweaver.account.AccountHandlers;
import taleweaver.admin.AdminHandlers;
import taleweaver.admin.AdminService;
import taleweaver.admin.AdminToken;
import taleweaver.account.AccountService;
import taleweaver.account.Legal;
import taleweaver.account.NameRules;
import taleweaver.account.Passwords;
import taleweaver.character.CharacterHandlers;
import taleweaver.character.CharacterService;
import taleweaver.db.Database;
import taleweaver.db.Signals;
import taleweaver.images.ImageMaker;
import taleweaver.images.ImageStore;
import taleweaver.narrator.ContentPack;
import taleweaver.narrator.CountingNarrator;
import taleweaver.narrator.Lines;
import taleweaver.narrator.Lorebook;
import taleweaver.narrator.ModelClient;
import taleweaver.narrator.Narrator;
import taleweaver.narrator.OfflineNarrator;
import taleweaver.narrator.OpenAiNarrator;
import taleweaver.narrator.Prompts;
import taleweaver.narrator.ReplyStreams;
import taleweaver.narrator.TokenLedger;
import taleweaver.story.Crafting;
import taleweaver.story.DungeonMaster;
import taleweaver.story.Events;
import taleweaver.story.PlayerLane;
import taleweaver.story.TurnLease;
import taleweaver.story.StoryHandlers;
import taleweaver.story.TaskService;
import taleweaver.story.Wishes;
import taleweaver.pvp.BattleService;
import taleweaver.pvp.Ladder;
import taleweaver.pvp.ChallengeNotifier;
import taleweaver.pvp.ChallengeService;
import taleweaver.pvp.InboxMarks;
import taleweaver.pvp.Presence;
import taleweaver.pvp.PvpHandlers;
import taleweaver.web.Auth;
import taleweaver.web.Call;
import taleweaver.web.ClientAddress;
import taleweaver.web.ClientFiles;
import taleweaver.web.ErrorMapper;
import taleweaver.web.Gate;
import taleweaver.web.RateLimiter;
import taleweaver.world.Chronicle;
import taleweaver.world.Deeds;
import taleweaver.world.Memories;

import io.javalin.util.ConcurrencyUtil;

import java.util.concurrent.ExecutorService;

/** Everything the routes need, built once from the config; {@link #close} releases it in reverse order. */
public final class Services implements AutoCloseable {
    public record Health(String status, String narrator, String images, String db, String instance) {}

    private final Config config;
    private final Database db;
    private final ContentPack pack;
    private final Passwords passwords;
    private final Presence presence;
    private final AccountService accounts;
    private final RateLimiter perAddress;
    private final RateLimiter perRole;
    private final Auth auth;
    private final ErrorMapper errors = new ErrorMapper();
    private final ClientFiles clientFiles;
    private final Metrics metrics = new Metrics();
    private AdminHandlers adminHandlers;
    private AdminService admin;
    private final AdminToken adminToken;
    private final Gate gate;
    private final AccountHandlers accountHandlers;
    private final CharacterHandlers characterHandlers;
    private final StoryHandlers storyHandlers;
    private final PvpHandlers pvpHandlers;
    private final taleweaver.party.Parties parties;
    private final ChallengeNotifier notifier;
    private final ChallengeService challenges;
    private final BattleService battles;
    private final Jobs jobs = new Jobs();
    /** Account writes after bcrypt (normal priority; virtual threads on Java 21+). */
    private final ExecutorService accountWrites = ConcurrencyUtil.executorService("account-writes", true);
    private final ModelClient model;
    private final String instance;
    private final Signals signals;
    private final Housekeeping housekeeping;
    private final taleweaver.web.Faces faces;
    private final HealthCheck health;

    public Services(Config config) {
        this.config = config;
        this.pack = ContentPack.load(config.game());
        var lore = Lorebook.load(config.game().lorebook(), config.game().contentPack().isBlank() ? pack.language() : null);
        this.clientFiles = new ClientFiles(pack);
        this.adminToken = new AdminToken(config.admin().token());
        this.db = new Database(config.storage());
        this.instance = config.server().instance();
        this.signals = new Signals(db, config.storage(), instance);
        this.passwords = new Passwords(config.auth().bcryptCost(), config.auth().bcryptThreads());
        this.presence = new Presence(config.presence().timeoutSeconds(), (config.party().idleMinutes() + 1) * 60_000L);
        var names = new NameRules(pack);
        var ledger = new TokenLedger(db, config.narrator().dailyTokensPerPlayer());
        boolean modelled = config.narrator().provider().equals("openai");
        var characters = new CharacterService(db, pack, modelled ? ledger : null);
        this.accounts = new AccountService(config.auth(), db, passwords, names, characters, presence, accountWrites, signals);
        this.perAddress = new RateLimiter(config.limits().requestsPerMinute());
        this.perRole = new RateLimiter(config.limits().requestsPerMinute());
        this.auth = new Auth(config.auth(), accounts, presence, perRole);
        this.gate = new Gate(perAddress, auth, new ClientAddress(config.server().trustedProxies()), metrics);
        var offline = new OfflineNarrator(pack, lore);
        this.model = config.narrator().provider().equals("openai") ? new ModelClient(config.narrator(), jobs.timer(), metrics) : null;
        var streams = new ReplyStreams();
        Narrator narrator = model == null ? new CountingNarrator(offline, metrics) : new OpenAiNarrator(model, offline,
                new Prompts(pack, lore, config.narrator().historyTurns()), ledger,
                config.events().maxChange(), config.moderation().useModel(), streams, metrics);
        var images = new ImageStore(db, ImageMaker.of(config.images()));
        var lines = new Lines(pack);
        var lane = new PlayerLane(() -> lines.say("busy"), !db.dialect().shared() ? null
                : new TurnLease(db, instance, config.narrator().turnDeadlineSeconds() * 1000L + 15_000, jobs, () -> lines.say("busy"), ledger));
        var deeds = new Deeds(pack);
        this.storyHandlers = story(narrator, offline, characters, names, images, lane, streams, deeds);

        this.notifier = new ChallengeNotifier(config.challenge(), config.server().port());
        var marks = new InboxMarks(signals);
        var ladder = new Ladder(db);
        accounts.onJoined(ladder::changed);
        this.battles = new BattleService(db, accounts, characters, presence, narrator, lines, pack.language(), config.battle(), jobs, deeds, signals, marks, ladder);
        this.challenges = new ChallengeService(db, accounts, presence, notifier, battles, config.challenge(), signals, marks);
        this.parties = taleweaver.party.Parties.wire(config, pack, db, accounts, characters, presence, signals, jobs, names, marks, model,
                challenges::waitSeconds);
        challenges.refuseWhileQuesting(parties.service()::inQuest);
        this.faces = new taleweaver.web.Faces(personas(parties.content()), images);
        this.pvpHandlers = new PvpHandlers(ladder, presence, accounts, challenges, battles, id -> parties.service().invites(id));
        battles.resume();

        this.accountHandlers = new AccountHandlers(accounts, new Legal(names, narrator::moderate));
        this.characterHandlers = new CharacterHandlers(characters);
        this.housekeeping = new Housekeeping(perAddress, perRole, adminToken, accounts, ledger);
        housekeeping.start(jobs);
        if (db.dialect().shared()) new ClusterLink(db, signals, accounts, presence, challenges, battles, marks, parties).join(jobs);
        this.health = new HealthCheck(db, model, config.narrator().provider());
        gauges(presence);
        this.admin = new AdminService(db, config.storage(), accounts, presence, health::narratorState);
        if (config.admin().enabled()) this.adminHandlers = new AdminHandlers(admin, adminToken);
        int every = config.storage().backupEveryHours();
        if (every > 0) jobs.every("backup", every * 3_600_000L, every * 3_600_000L, admin::scheduledBackup);
        if (config.auth().mode().equals("open")) {
            org.slf4j.LoggerFactory.getLogger(Services.class).warn("auth.mode is open: any request may act as any player (trusted LAN only)");
        }
    }

    /** The story's routes (SPEC §3-4, §14): the DM, tasks, wishes, crafting and encounters, in each player's lane. */
    private StoryHandlers story(Narrator narrator, OfflineNarrator offline, CharacterService characters, NameRules names, ImageStore images,
                                PlayerLane lane, ReplyStreams streams, Deeds deeds) {
        var memories = new Memories(db);
        var tasks = new TaskService(db, pack, narrator, images, characters, config.tasks(), memories, deeds);
        return new StoryHandlers(new DungeonMaster(db, pack, narrator, tasks, images, characters,
                Prompts.turnsUsed(config.narrator().historyTurns())), tasks,
                new Wishes(db, pack, narrator, offline, tasks, characters, names, config.tasks()),
                new Crafting(db, pack, narrator, offline, characters, names, config.crafting(), deeds),
                new Events(db, pack, narrator, characters, names, config.events(), memories, deeds), images, lane, streams, new Chronicle(db));
    }

    /** Every character of the world by name, with the persona their face is made from. */
    private java.util.Map<String, String> personas(taleweaver.party.PartyContent party) {
        var all = new java.util.LinkedHashMap<String, String>();
        pack.tasks().forEach(t -> t.npcs().forEach(n -> all.putIfAbsent(n.name(), n.persona())));
        pack.personal().npcs().forEach(n -> all.putIfAbsent(n.name(), n.persona()));
        pack.eventSpeakers().forEach(n -> all.putIfAbsent(n.name(), n.persona()));
        pack.encounters().stream().filter(e -> e.speaker() != null)
                .forEach(e -> all.putIfAbsent(e.speaker(), e.persona() == null ? "" : e.persona()));
        party.personas().forEach(all::putIfAbsent);
        return all;
    }

    /** Gauges of what the game holds now, beside the counters the routes keep. */
    private void gauges(Presence presence) {
        metrics.gauge("taleweaver.players.online", "players online", presence::onlineCount);
        metrics.gauge("taleweaver.battles.active", "battles not yet over", battles::active);
        metrics.gauge("taleweaver.db.statements", "statements run on the database since start", db::statements);
        metrics.gauge("taleweaver.waits.parked", "challenges and moves waiting for an answer", () -> challenges.parked() + battles.parked() + parties.waits().parked());
        metrics.gauge("taleweaver.narrator.down", "1 while the model's breaker is open", () -> model != null && model.down() ? 1 : 0);
    }

    public Health health(Call call) {
        return new Health(health.dbHealthy() ? "ok" : "db_down", health.narratorState(), config.images().provider(), db.dialect().label(), instance);
    }

    public ContentPack pack() { return pack; }

    public ClientFiles clientFiles() { return clientFiles; }
    public Auth auth() { return auth; }
    public ErrorMapper errors() { return errors; }
    public Gate gate() { return gate; }
    public AccountHandlers accountHandlers() { return accountHandlers; }
    public AccountService accounts() { return accounts; }
    public CharacterHandlers characterHandlers() { return characterHandlers; }
    public StoryHandlers storyHandlers() { return storyHandlers; }
    public PvpHandlers pvpHandlers() { return pvpHandlers; }
    public taleweaver.party.PartyHandlers partyHandlers() { return parties.handlers(); }
    public BattleService battles() { return battles; }
    public Metrics metrics() { return metrics; }
    public taleweaver.web.Faces faces() { return faces; }

    /** /metrics answers the server's own machine and the admin token (its guesses limited as at /admin/...). */
    public boolean metricsAllowed(String address, String token) {
        boolean loopback = address.equals("127.0.0.1") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1");
        return loopback || token != null && !token.isEmpty() && adminToken.verify(address, token).allowed();
    }
    /** Null when admin.token is empty (admin off). */
    public AdminHandlers adminHandlers() { return adminHandlers; }

    /** New requests get 503; parked waits are answered with what is known now. */
    public void beginShutdown() {
        gate.closing();
        challenges.releaseWaits();
        battles.releaseWaits();
        parties.waits().close();
    }

    @Override
    public void close() {
        jobs.close();
        signals.close();
        if (model != null) model.close();
        housekeeping.flushLedger();
        notifier.close();
        passwords.close();
        accountWrites.shutdown();
        metrics.close();
        db.close();
        gate.close();
    }
}
