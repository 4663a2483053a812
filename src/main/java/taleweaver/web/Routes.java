package taleweaver.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import taleweaver.Services;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Every route of the protocol, in one table. Each answers GET and POST alike, reads its JSON body whatever
 * the Content-Type says, and returns a reply record (or a future of one) that is written with status_code 200.
 * The shape after a route lists the fields its clients expect on a refusal too.
 */
public final class Routes {
    /** A handler body: reads the call, asks one service, returns the reply (or a CompletableFuture of it). */
    @FunctionalInterface
    public interface Action {
        Object run(Call call) throws Exception;
    }

    private final JavalinConfig config;
    private final Auth auth;
    private final ErrorMapper errors;
    private final int maxBodyBytes;

    private Routes(JavalinConfig config, Auth auth, ErrorMapper errors, int maxBodyBytes) {
        this.config = config;
        this.auth = auth;
        this.errors = errors;
        this.maxBodyBytes = maxBodyBytes;
    }

    public static void register(JavalinConfig config, Services s, int maxBodyBytes) {
        var r = new Routes(config, s.auth(), s.errors(), maxBodyBytes);
        var account = s.accountHandlers();
        var sheet = s.characterHandlers();
        var story = s.storyHandlers();
        var pvp = s.pvpHandlers();
        String dm = s.pack().dm().name();

        // Javalin tries a request's path on the routes in the order they are added, a regular expression each: the
        // heartbeat, which most requests are, goes first (it came 30th, and those tries were 8 % of all allocation)
        r.on("/refrash", pvp::refresh);
        r.on("/refresh", pvp::refresh);
        r.on("/health", s::health);

        config.routes.get("/metrics", ctx -> { // Prometheus: this machine, or the admin token; to anyone else no such route
            if (!s.metricsAllowed(Auth.address(ctx), Auth.bearer(ctx))) throw new ApiError(404, "not_found", "no such route");
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(s.metrics().scrape());
        });

        byte[] openapi = OpenApi.document(); // docs/openapi.py writes it; tests hold the server's replies to it
        config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json; charset=utf-8").result(openapi));

        var portraits = new Portraits(s.accounts()); // the browser client's <img>s; /get_list keeps base64 for the protocol
        config.routes.get("/portrait/{name}", portraits::serve);
        config.routes.get("/face/{name}", s.faces()::serve); // the world's characters, as the party scene shows them

        var client = s.clientFiles(); // the browser client: its page and assets, not protocol routes
        config.routes.get("/", client::page);
        config.routes.get(ClientFiles.PREFIX + "{version}/<file>", client::asset);

        r.on("/signup", account::signup, "token", null);
        r.on("/login", account::login, "username", "", "token", null);
        r.on("/logout", account::logout);
        r.on("/legal", account::legal, "status", false);

        r.on("/status", sheet::status);
        r.on("/bag", sheet::bag);
        r.on("/skill", sheet::skills);
        r.on("/time", sheet::time);

        r.streamed("/main", story::main, "role", dm, "status", false, "subimg", null);
        r.on("/task_info", story::taskInfo, "task_list", List.of());
        r.streamed("/task_request", story::taskRequest, "role", dm);
        r.on("/task_info_personal", story::personalTaskInfo, "task_list", List.of());
        r.streamed("/select", story::select, "image_data", null);
        r.streamed("/select_personal", story::selectPersonal, "image_data", null);
        r.streamed("/feedback", story::feedback, "role", dm, "status", false, "npc_status", false, "image_data", null);
        r.streamed("/merge", story::merge, "success", false);
        r.streamed("/others", story::event, "role", dm, "other", "");
        r.on("/chronicle", story::chronicle, "entries", List.of());

        r.on("/get_list", pvp::onlineList, "roles", List.of());
        r.on("/challenge", pvp::challenge, "status", false, "image_data", null, "id", null);
        r.on("/accept_challenge", pvp::accept);
        r.on("/reject_challenge", pvp::reject);
        r.on("/accept_c", pvp::answer, "status", false);
        r.streamed("/battle", pvp::battle, "status", false);
        r.on("/ladder", pvp::ladder, "ladder", List.of());

        var party = s.partyHandlers();
        r.on("/party_create", party::create, "party_id", null, "code", null);
        r.on("/party_join", party::join);
        r.on("/party_invite", party::invite);
        r.on("/party_accept", party::accept);
        r.on("/party_leave", party::leave);
        r.on("/party_kick", party::kick);
        r.on("/party_tasks", party::tasks, "task_list", List.of());
        r.on("/party_start", party::start);
        r.on("/party_ready", party::ready);
        r.on("/party_act", party::act);
        r.on("/party_hold", party::hold);
        r.on("/party_say", party::say);
        r.on("/party_status", party::status);
        r.streamed("/party_wait", party::await, "events", List.of(), "last", 0); // streams the round's telling

        var admin = s.adminHandlers(); // only when admin.token is set; else every /admin/... path is 404
        if (admin != null) {
            r.on("/admin/players", admin::players);
            r.on("/admin/password", admin::password);
            r.on("/admin/ban", admin::ban);
            r.on("/admin/kick", admin::kick);
            r.on("/admin/backup", admin::backup);
            r.on("/admin/status", admin::status);
        }
    }

    private void on(String path, Action action, Object... refusalShape) {
        route(path, false, action, refusalShape);
    }

    /** A route whose reply may be streamed (SPEC §11: the story routes and /battle). */
    private void streamed(String path, Action action, Object... refusalShape) {
        route(path, true, action, refusalShape);
    }

    private void route(String path, boolean streams, Action action, Object... refusalShape) {
        Map<String, Object> shape = new LinkedHashMap<>();
        for (int i = 0; i + 1 < refusalShape.length; i += 2) shape.put((String) refusalShape[i], refusalShape[i + 1]);
        Handler handler = ctx -> {
            ctx.attribute(ErrorMapper.SHAPE, shape);
            ctx.future(() -> BodyReader.read(ctx, maxBodyBytes).thenCompose(bytes -> {
                if (streams) SseReply.offer(ctx);
                return run(action, ctx, bytes);
            }).handle((value, failure) -> {
                if (failure != null) errors.handle(failure, ctx); else reply(ctx, value);
                return null;
            }));
        };
        config.routes.get(path, handler);
        config.routes.post(path, handler);
    }

    private CompletableFuture<?> run(Action action, Context ctx, byte[] body) {
        try {
            Object out = action.run(new Call(ctx, Body.parse(body), auth));
            return out instanceof CompletableFuture<?> future ? future : CompletableFuture.completedFuture(out);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    static void reply(Context ctx, Object value) {
        byte[] fields = value == null ? null : Json.bytes(value);
        if (SseReply.of(ctx) != null || fields != null && fields[0] != '{') { // a stream's done event is a tree
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("status_code", 200);
            if (value != null) body.setAll((ObjectNode) Json.MAPPER.valueToTree(value));
            ErrorMapper.write(ctx, 200, body);
            return;
        }
        ErrorMapper.writeOk(ctx, withStatusCode(fields));
    }

    private static final byte[] OK = "{\"status_code\":200".getBytes(StandardCharsets.US_ASCII);

    /**
     * {@code {"status_code":200, …the value's fields}} spliced from the value's own JSON, written once: building a
     * tree of it first (and writing that) was a tenth of what a reply allocated. No reply record has a status_code.
     */
    static byte[] withStatusCode(byte[] object) {
        boolean empty = object == null || object.length <= 2; // null, or {}
        byte[] out = Arrays.copyOf(OK, OK.length + (empty ? 1 : object.length));
        out[OK.length] = (byte) (empty ? '}' : ',');
        if (!empty) System.arraycopy(object, 1, out, OK.length + 1, object.length - 1);
        return out;
    }
}
